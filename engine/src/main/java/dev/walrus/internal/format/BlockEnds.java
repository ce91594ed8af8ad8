package dev.walrus.internal.format;

/**
 * Where a block's entries end, as its seal records them or a scan finds them: after its
 * last entry, and after its last committed entry (one without the {@code MORE} flag).
 * Positions are bytes from the block's start; offsets are topic offsets (the offset after
 * the entry). While a batch is open at the block's end, {@code endOffset > commitOffset}.
 *
 * @param endPos bytes from the block's start to the end of its last entry
 * @param endOffset the offset after its last entry
 * @param commitPos bytes from the block's start to the end of its last committed entry
 * @param commitOffset the offset after its last committed entry
 */
public record BlockEnds(long endPos, long endOffset, long commitPos, long commitOffset) {}
