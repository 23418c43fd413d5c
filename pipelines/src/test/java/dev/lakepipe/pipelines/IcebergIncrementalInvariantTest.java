package dev.lakepipe.pipelines;

/** The invariant of incremental runs on Iceberg sources and targets. */
class IcebergIncrementalInvariantTest extends IncrementalInvariantTest {
  @Override
  String format() {
    return "iceberg";
  }
}
