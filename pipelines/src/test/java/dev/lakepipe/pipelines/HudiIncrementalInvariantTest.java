package dev.lakepipe.pipelines;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.lakepipe.format.TableAddress;
import dev.lakepipe.testing.HudiFileGroups;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The invariant of incremental runs on Hudi sources and targets. The targets the increments maintain hash their keys
 * into 2 buckets per partition, as an hourly Hudi target is best declared; the fresh full run's look keys up with the
 * bloom index.
 */
class HudiIncrementalInvariantTest extends IncrementalInvariantTest {
  @Override
  String format() {
    return "hudi";
  }

  @Override
  Map<String, String> liveTargetSettings() {
    return Map.of("buckets", "2");
  }

  /** Every data file (base and log files) is in the file group of bucket 0 or 1 of its partition. */
  @Override
  void checkLiveTarget(TableAddress target) {
    Map<String, List<String>> groups = HudiFileGroups.byPartition(Path.of(target.requirePath()));
    assertFalse(groups.isEmpty(), target.table() + " has data files");
    HudiFileGroups.assertInBuckets(groups, 2);
  }
}
