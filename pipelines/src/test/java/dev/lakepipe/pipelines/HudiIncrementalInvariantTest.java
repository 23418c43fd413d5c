package dev.lakepipe.pipelines;

/** The invariant of incremental runs on Hudi sources and targets. */
class HudiIncrementalInvariantTest extends IncrementalInvariantTest {
  @Override
  String format() {
    return "hudi";
  }
}
