package dev.walrus.vertx.internal;

import dev.walrus.BatchTooLargeException;
import dev.walrus.EntryTooLargeException;
import dev.walrus.InvalidArgumentException;
import dev.walrus.InvalidTopicException;
import dev.walrus.WalrusClosedException;
import dev.walrus.WalrusPoisonedException;
import dev.walrus.WriteRolledBackException;
import dev.walrus.vertx.FailureCodes;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/** Maps engine exceptions to {@link FailureCodes} and replies with them. Stateless. */
public final class Failures {
  private Failures() {}

  /**
   * @param e a failure
   * @return its failure code
   */
  public static int code(Throwable e) {
    if (e instanceof ReplyException) {
      return ((ReplyException) e).failureCode();
    }
    if (e instanceof InvalidTopicException) {
      return FailureCodes.BAD_TOPIC;
    }
    if (e instanceof EntryTooLargeException || e instanceof BatchTooLargeException) {
      return FailureCodes.TOO_LARGE;
    }
    if (e instanceof InvalidArgumentException
        || e instanceof IllegalArgumentException
        || e instanceof dev.walrus.SharedCursorDisabledException
        || e instanceof ClassCastException
        || e instanceof io.vertx.core.json.DecodeException) {
      return FailureCodes.BAD_REQUEST;
    }
    if (e instanceof WalrusClosedException || e instanceof WalrusPoisonedException) {
      return FailureCodes.UNAVAILABLE;
    }
    if (e instanceof WriteRolledBackException) {
      return FailureCodes.ROLLED_BACK;
    }
    return FailureCodes.INTERNAL;
  }

  /**
   * @param e a failure
   * @return a message for the requester
   */
  public static String message(Throwable e) {
    String m = e.getMessage();
    return m != null ? m : e.getClass().getSimpleName();
  }

  /**
   * @param code a failure code
   * @param message the message
   * @return a recipient-failure reply exception
   */
  public static ReplyException of(int code, String message) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code, message);
  }

  /**
   * Replies to {@code msg} with a failure, if it expects a reply.
   *
   * @param msg the request
   * @param e the failure
   */
  public static void reply(Message<?> msg, Throwable e) {
    if (msg.replyAddress() != null) {
      msg.fail(code(e), message(e));
    }
  }

  /**
   * @param msg the request
   * @param code the failure code
   * @param message the message
   */
  public static void reply(Message<?> msg, int code, String message) {
    if (msg.replyAddress() != null) {
      msg.fail(code, message);
    }
  }
}
