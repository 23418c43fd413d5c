package dev.lakepipe.training;

import static dev.lakepipe.training.TrainingPipeline.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.testing.TestSpark;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The online feature store of a Delta feature table: after a full and an incremental materialization it equals the
 * table for every entity; a store left behind the table is reported; values older than the ttl are not served.
 */
class FeatureStoreTest {
  private static final String SPEC = "src/test/resources/specs/features.conf";

  @Test
  void storeEqualsTheTableAfterFullAndIncrementalRuns() {
    TrainingPipeline p = new TrainingPipeline("delta", "features", SPEC, List.of("user_features"))
        .source("user_stats", TrainingSetTest.STATS, List.of("user_id", "feature_time"));
    p.upsert("user_stats", TrainingSetTest.stat("u1", 1, 1.0), TrainingSetTest.stat("u1", 6, 6.0), TrainingSetTest.stat("u2", 0.5, 2.0), TrainingSetTest.stat("u3", 2, 3.0));
    p.run("full", 0);
    Path store = TestSpark.newFolder("online-");
    List<String> materialize = List.of("features", "materialize", SPEC, "--target", "user_features", "--store",
        store.toString(), "--entity", "user_id", "--time", "feature_time", "--ttl", "1d");
    String full = p.lakepipe(materialize, ExitCodes.OK);
    assertTrue(full.contains("full materialization of user_features") && full.contains("3 entities written"), full);
    List<String> check = List.of("features", "check", SPEC, "--target", "user_features", "--store",
        store.toString());
    assertTrue(p.lakepipe(check, ExitCodes.OK).contains("3 entities compared, 0 mismatches"));
    assertEquals(Map.of("u1", Optional.of(6.0), "u2", Optional.of(2.0), "u3", Optional.of(3.0)),
        lookups(store, List.of("u1", "u2", "u3"), T0.plus(Duration.ofHours(7))));

    p.upsert("user_stats", TrainingSetTest.stat("u1", 8, 8.0), TrainingSetTest.stat("u4", 3, 4.0));
    p.run("incremental", 1);
    String behind = p.lakepipe(check, ExitCodes.QUALITY);
    assertTrue(behind.contains("u1: online {clicks_7d=6.0") && behind.contains("u4: missing online")
        && behind.contains("4 entities compared, 2 mismatches"), behind);
    String increment = p.lakepipe(materialize, ExitCodes.OK);
    assertTrue(increment.contains("incremental materialization") && increment.contains("2 entities written"),
        increment);
    assertTrue(p.lakepipe(check, ExitCodes.OK).contains("4 entities compared, 0 mismatches"));
    // u2's value of 0.5h is more than a day old at 25h; the others are not.
    assertEquals(Map.of("u1", Optional.of(8.0), "u2", Optional.empty(), "u4", Optional.of(4.0)),
        lookups(store, List.of("u1", "u2", "u4"), T0.plus(Duration.ofHours(25))));
    // Today is long after November 2026's values: nothing is served.
    assertTrue(TrainingPipeline.lakepipeAsIs(List.of("features", "get", "--store", store.toString(), "u1"),
        ExitCodes.QUALITY).contains("no features of u1"));

    String bench = p.lakepipe(List.of("features", "bench", SPEC, "--target", "user_features", "--entity", "user_id",
        "--time", "feature_time", "--lookups", "1000"), ExitCodes.OK);
    assertTrue(bench.contains("materialization: 4 entities") && bench.contains("1000 single-key gets over 4"
        + " entities: p50"), bench);
  }

  private static Map<String, Optional<Object>> lookups(Path store, List<String> users, Instant now) {
    try (OnlineFeatureStore online = OnlineFeatureStore.open(store)) {
      return users.stream().collect(java.util.stream.Collectors.toMap(u -> u,
          u -> online.get(OnlineFeatureStore.key(List.of(u)), now).map(f -> f.values().get("clicks_7d"))));
    }
  }
}
