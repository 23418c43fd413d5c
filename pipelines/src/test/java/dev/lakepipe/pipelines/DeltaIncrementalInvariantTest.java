package dev.lakepipe.pipelines;

/** The invariant of incremental runs on Delta sources and targets. */
class DeltaIncrementalInvariantTest extends IncrementalInvariantTest {
  @Override
  String format() {
    return "delta";
  }
}
