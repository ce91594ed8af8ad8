package dev.walrus.internal.core;

import java.util.List;

/**
 * The namespace's open data files as reclamation sees them: the files no block will be
 * allocated from any more, and a way to forget one once it is deleted. Implemented by the
 * write path's allocator, which owns the set; reclamation depends on this view only.
 * Implementations are thread-safe.
 */
public interface DataFiles {
  /**
   * @return the open data files no block will be allocated from any more, oldest first; a
   *     file created by a concurrent allocation (which has no block yet) is never among them
   */
  List<DataFile> completedFiles();

  /**
   * Forgets a data file that reclamation deleted.
   *
   * @param f the deleted file
   */
  void remove(DataFile f);
}
