package dev.walrus.examples.webflux;

/**
 * The answer to a batch append. The batch's offsets are consecutive:
 * {@code firstOffset .. lastOffset}.
 *
 * @param topic the topic written
 * @param firstOffset the first entry's offset, null for an empty batch
 * @param lastOffset the last entry's offset, null for an empty batch
 * @param count how many entries were written
 */
public record BatchResult(String topic, Long firstOffset, Long lastOffset, int count) {}
