package dev.walrus.examples.webflux;

/**
 * The answer to a single append.
 *
 * @param topic the topic written
 * @param offset the offset the entry got
 */
public record AppendResult(String topic, long offset) {}
