package dev.lakepipe.format;

/**
 * What maintenance changes in a table, as of its latest commit.
 *
 * @param files data files
 * @param bytes bytes of data files
 * @param deleteFiles files that mark rows of data files deleted (Iceberg delete files, Delta deletion vectors,
 *     Hudi log files)
 * @param commits commits still in the table's history
 */
public record TableStats(long files, long bytes, long deleteFiles, int commits) {}
