package dev.walrus.vertx.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.vertx.BindOptions;
import dev.walrus.vertx.FailureCodes;
import dev.walrus.vertx.Operation;
import dev.walrus.vertx.WalrusBinding;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hostile or malformed requests over the bus: typed failures, nothing written. */
class HostileInputAuditTest extends AuditFixture {

  private static Buffer buf(String s) {
    return Buffer.buffer(s);
  }

  @Test // wrong body types on append are 422 naming the type, and write nothing
  void appendWithWrongBodyTypesIsABadRequestAndWritesNothing(Vertx vertx) throws Exception {
    WalrusBinding b = bind(vertx, BindOptions.defaults().exposeTopics("t"));
    EventBus bus = vertx.eventBus();
    String addr = b.address("t", Operation.APPEND);
    for (Object body :
        Arrays.asList(new JsonObject().put("a", 1), new JsonArray().add("x"), 42, "text", null)) {
      ReplyException e = awaitFailure(bus.request(addr, body, FAST));
      assertThat(e.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
      assertThat(e.failureCode()).as(String.valueOf(body)).isEqualTo(FailureCodes.BAD_REQUEST);
      assertThat(e.getMessage()).contains("Buffer");
    }
    assertThat(wal.stats("t").map(s -> s.nextOffset()).orElse(0L)).isZero();
  }

  @Test // a batch with one bad element (number, null, bad base64) is refused whole: nothing written
  void aBatchWithOneBadElementIsRefusedWhole(Vertx vertx) throws Exception {
    WalrusBinding b = bind(vertx, BindOptions.defaults().exposeTopics("t"));
    EventBus bus = vertx.eventBus();
    String addr = b.address("t", Operation.APPEND_BATCH);
    List<JsonArray> bad =
        List.of(
            new JsonArray().add(buf("ok")).add(42),
            new JsonArray().add(buf("ok")).addNull(),
            new JsonArray().add(buf("ok")).add("!!! not base64 !!!"),
            new JsonArray().add(buf("ok")).add(new JsonObject()));
    for (JsonArray arr : bad) {
      ReplyException e = awaitFailure(bus.request(addr, arr, FAST));
      assertThat(e.failureCode()).as(arr.encode()).isEqualTo(FailureCodes.BAD_REQUEST);
    }
    ReplyException notArray = awaitFailure(bus.request(addr, buf("x"), FAST));
    assertThat(notArray.failureCode()).isEqualTo(FailureCodes.BAD_REQUEST);
    assertThat(notArray.getMessage()).contains("JsonArray");
    assertThat(wal.stats("t").map(s -> s.nextOffset()).orElse(0L)).isZero();
    // base64 strings are accepted as documented
    Message<JsonArray> ok =
        await(
            bus.request(
                addr,
                new JsonArray()
                    .add(java.util.Base64.getEncoder().encodeToString("hi".getBytes()))
                    .add(buf("there")),
                FAST));
    assertThat(List.of(ok.body().getLong(0), ok.body().getLong(1))).containsExactly(0L, 1L);
    assertThat(new String(wal.readNext("t", "chk", false).orElseThrow().data())).isEqualTo("hi");
  }

  @Test // topic names with NUL over the generic address: 400 naming the value, nothing written
  void aTopicWithNulIsBadTopicNamingItAndWritesNothing(Vertx vertx) throws Exception {
    WalrusBinding b = bind(vertx, BindOptions.defaults());
    EventBus bus = vertx.eventBus();
    String evil = "ev\u0000il";
    for (Operation op :
        List.of(Operation.APPEND, Operation.APPEND_BATCH, Operation.READ, Operation.READ_BATCH)) {
      Object body =
          op == Operation.APPEND
              ? buf("x")
              : op == Operation.APPEND_BATCH
                  ? new JsonArray().add(buf("x"))
                  : new JsonObject().put("consumer", "c");
      ReplyException e =
          awaitFailure(bus.request(b.options().genericAddress(op), body, topic(evil)));
      assertThat(e.failureCode()).as(op.name()).isEqualTo(FailureCodes.BAD_TOPIC);
      assertThat(e.getMessage()).as(op.name()).contains("ev\\u0000il");
    }
    assertThat(wal.topics()).isEmpty();
    assertThat(b.registeredTopics()).isEmpty();
  }

  @Test // a tail request for a topic with NUL must fail with 400 and open no session
  void aTailOfAnInvalidTopicNameIsRefusedBeforeAnySession(Vertx vertx) throws Exception {
    WalrusBinding b = bind(vertx, BindOptions.defaults());
    EventBus bus = vertx.eventBus();
    io.vertx.core.eventbus.MessageConsumer<Object> sub = bus.consumer("audit.sub.nul", m -> {});
    await(sub.completion());
    JsonObject req =
        new JsonObject()
            .put("consumer", "c")
            .put("replyTo", "audit.sub.nul")
            .put("start", "earliest")
            .put("credits", 1);
    ReplyException e =
        awaitFailure(
            bus.request(b.options().genericAddress(Operation.TAIL), req, topic("x\u0000y")));
    assertThat(e.failureCode()).isEqualTo(FailureCodes.BAD_TOPIC);
    assertThat(e.getMessage()).contains("x\\u0000y");
    assertThat(b.activeTails()).isZero();
  }

  @Test // consumer names with NUL or empty are refused naming the value; nothing created
  void invalidConsumerNamesAreRefusedNamingThem(Vertx vertx) throws Exception {
    WalrusBinding b = bind(vertx, BindOptions.defaults().exposeTopics("t"));
    wal.appendForTopic("t", bytes("a"));
    EventBus bus = vertx.eventBus();
    for (String consumer : List.of("c\u0000d", "")) {
      ReplyException read =
          awaitFailure(
              bus.request(
                  b.address("t", Operation.READ),
                  new JsonObject().put("consumer", consumer),
                  FAST));
      assertThat(read.failureCode()).isIn(FailureCodes.BAD_REQUEST, FailureCodes.BAD_TOPIC);
      assertThat(read.getMessage()).contains(consumer.replace("\u0000", "\\u0000"));
      ReplyException cp =
          awaitFailure(
              bus.request(
                  b.address("t", Operation.CHECKPOINT),
                  new JsonObject().put("consumer", consumer).put("nextOffset", 1),
                  FAST));
      assertThat(cp.failureCode()).isIn(FailureCodes.BAD_REQUEST, FailureCodes.BAD_TOPIC);
      ReplyException tail =
          awaitFailure(
              bus.request(
                  b.address("t", Operation.TAIL),
                  new JsonObject().put("consumer", consumer).put("replyTo", "nowhere"),
                  FAST));
      assertThat(tail.failureCode()).isIn(FailureCodes.BAD_REQUEST, FailureCodes.BAD_TOPIC);
    }
    assertThat(b.activeTails()).isZero();
    assertThat(wal.stats("t").orElseThrow().unread().keySet()).isSubsetOf("");
    // the shared cursor did not move either
    assertThat(new String(wal.readNext("t", false).orElseThrow().data())).isEqualTo("a");
  }

  @Test // explicit JSON nulls, and numbers for names, are malformed bodies (422), not 500s or
  // conversions
  void explicitNullFieldsAreBadRequestsNotInternalErrors(Vertx vertx) throws Exception {
    WalrusBinding b = bind(vertx, BindOptions.defaults().exposeTopics("t"));
    wal.appendForTopic("t", bytes("a"));
    EventBus bus = vertx.eventBus();
    List<Object[]> cases =
        List.of(
            new Object[] {Operation.READ, new JsonObject().putNull("checkpoint")},
            new Object[] {Operation.READ_BATCH, new JsonObject().putNull("maxBytes")},
            new Object[] {Operation.READ, new JsonObject().put("consumer", 5)},
            new Object[] {
              Operation.TAIL,
              new JsonObject().put("consumer", "c").put("replyTo", "x").putNull("credits")
            });
    StringBuilder wrong = new StringBuilder();
    for (Object[] c : cases) {
      ReplyException e = awaitFailure(bus.request(b.address("t", (Operation) c[0]), c[1], FAST));
      if (e.failureCode() != FailureCodes.BAD_REQUEST) {
        wrong
            .append(c[0])
            .append(' ')
            .append(c[1])
            .append(" -> ")
            .append(e.failureCode())
            .append(" '")
            .append(e.getMessage())
            .append("'\n");
      }
    }
    assertThat(b.activeTails()).isZero();
    assertThat(new String(wal.readNext("t", false).orElseThrow().data())).isEqualTo("a");
    assertThat(wrong.toString()).as("requests not answered with 422").isEmpty();
    assertThat(wal.stats("t").orElseThrow().unread()).doesNotContainKey("5");
  }

  @Test // wrongly typed fields are 422 and change nothing
  void wronglyTypedFieldsAreBadRequestsAndChangeNothing(Vertx vertx) throws Exception {
    WalrusBinding b = bind(vertx, BindOptions.defaults().exposeTopics("t"));
    wal.appendForTopic("t", bytes("a"));
    wal.appendForTopic("t", bytes("b"));
    EventBus bus = vertx.eventBus();
    List<Object[]> cases =
        List.of(
            new Object[] {Operation.READ, buf("not json")},
            new Object[] {Operation.READ, new JsonObject().put("checkpoint", "yes")},
            new Object[] {Operation.READ_BATCH, new JsonObject().put("maxBytes", "lots")},
            new Object[] {Operation.READ_BATCH, new JsonObject().put("maxBytes", -1)},
            new Object[] {Operation.CHECKPOINT, new JsonObject().put("consumer", "c")},
            new Object[] {
              Operation.CHECKPOINT, new JsonObject().put("consumer", "c").put("nextOffset", "1")
            },
            new Object[] {
              Operation.CHECKPOINT, new JsonObject().put("consumer", "c").put("nextOffset", 99)
            },
            new Object[] {
              Operation.CHECKPOINT, new JsonObject().put("consumer", "c").put("nextOffset", -1)
            },
            new Object[] {
              Operation.TAIL,
              new JsonObject().put("consumer", "c").put("replyTo", "x").put("credits", "many")
            },
            new Object[] {
              Operation.TAIL,
              new JsonObject().put("consumer", "c").put("replyTo", "x").put("credits", -1)
            },
            new Object[] {
              Operation.TAIL,
              new JsonObject().put("consumer", "c").put("replyTo", "x").put("start", 99)
            },
            new Object[] {Operation.OFFSET_FOR_TIME, new JsonObject().put("time", 12)});
    StringBuilder wrong = new StringBuilder();
    for (Object[] c : cases) {
      try {
        await(bus.request(b.address("t", (Operation) c[0]), c[1], FAST));
        wrong.append(c[0]).append(' ').append(c[1]).append(" -> success\n");
      } catch (java.util.concurrent.ExecutionException x) {
        ReplyException e = (ReplyException) x.getCause();
        if (e.failureCode() != FailureCodes.BAD_REQUEST) {
          wrong
              .append(c[0])
              .append(' ')
              .append(c[1])
              .append(" -> ")
              .append(e.failureCode())
              .append('\n');
        }
      }
    }
    assertThat(wrong.toString()).as("requests not answered with 422").isEmpty();
    assertThat(b.activeTails()).isZero();
    assertThat(wal.stats("t").orElseThrow().unread().keySet()).isSubsetOf("");
    assertThat(new String(wal.readNext("t", false).orElseThrow().data())).isEqualTo("a");
  }

  @Test // topic names with path separators are plain names: stored inside the data dir only
  void topicNamesWithPathSeparatorsStayInsideTheDataDirectory(Vertx vertx) throws Exception {
    WalrusBinding b = bind(vertx, BindOptions.defaults());
    EventBus bus = vertx.eventBus();
    List<String> names = List.of("../escape", "a/b", "..", "/abs", "c\\d");
    for (String n : names) {
      Message<Long> r = await(bus.request("walrus.append", buf("p:" + n), topic(n)));
      assertThat(r.body()).isZero();
    }
    for (String n : names) {
      Message<Buffer> r =
          await(bus.request("walrus.read", new JsonObject().put("consumer", "c"), topic(n)));
      assertThat(r.body().toString()).isEqualTo("p:" + n);
    }
    assertThat(wal.topics()).containsExactlyInAnyOrderElementsOf(names);
    try (var s = Files.list(dir.getParent())) {
      assertThat(s.map(p -> p.getFileName().toString())).doesNotContain("escape", "abs");
    }
    poll("families registered", () -> b.registeredTopics().containsAll(names));
  }

  @Test // an oversized entry and an oversized batch are 413 and write nothing, even mid-batch
  void oversizedEntriesInABatchRefuseTheWholeBatch(Vertx vertx) throws Exception {
    open(engine().maxEntryBytes(1024));
    WalrusBinding b = bind(vertx, BindOptions.defaults().exposeTopics("t"));
    EventBus bus = vertx.eventBus();
    JsonArray arr =
        new JsonArray().add(buf("small")).add(Buffer.buffer(new byte[4096])).add(buf("x"));
    ReplyException e = awaitFailure(bus.request(b.address("t", Operation.APPEND_BATCH), arr, FAST));
    assertThat(e.failureCode()).isEqualTo(FailureCodes.TOO_LARGE);
    ReplyException huge =
        awaitFailure(
            bus.request(b.address("t", Operation.APPEND), Buffer.buffer(new byte[8 << 20]), FAST));
    assertThat(huge.failureCode()).isEqualTo(FailureCodes.TOO_LARGE);
    assertThat(wal.stats("t").map(s -> s.nextOffset()).orElse(0L)).isZero();
  }
}
