package dev.walrus.internal.format;

/**
 * A block's seal as read from disk (see {@link BlockHeader#decodeSeal}).
 *
 * @param ends where the block's entries end, as the seal says
 * @param dead the {@code DEAD} flag: recovery (or a rolled-back write) found the block
 *     outside its topic's chain, and it is ignored from then on
 * @param lastTimestamp append time of the block's last entry in microseconds since the
 *     epoch, or {@link BlockHeader#NO_TIMESTAMP} (no entry, or format version 1)
 */
public record BlockSeal(BlockEnds ends, boolean dead, long lastTimestamp) {}
