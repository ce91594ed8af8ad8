package dev.walrus.internal.format;

/**
 * A block's seal as read from disk (see {@link BlockHeader#decodeSeal}).
 *
 * @param ends where the block's entries end, as the seal says
 * @param dead the {@code DEAD} flag: recovery (or a rolled-back write) found the block
 *     outside its topic's chain, and it is ignored from then on
 */
public record BlockSeal(BlockEnds ends, boolean dead) {}
