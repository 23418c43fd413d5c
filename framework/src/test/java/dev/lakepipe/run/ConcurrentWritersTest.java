package dev.lakepipe.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.format.TableAddresses;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.testing.ChildJvm;
import dev.lakepipe.testing.TestSpark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Two pipelines writing one table on a warehouse without locks ({@code LAKEPIPE_LOCKS=off}, as on an object store),
 * made to overlap for certain: the loser's run is paused (SIGSTOP) once its data files appear in the table, that is
 * after it read the table and before it commits; the winner's run then commits, and the loser resumes (SIGCONT).
 * On Delta and Iceberg, whose commits are optimistic and check what a concurrent commit changed, the loser exits 4
 * and commits nothing: the table is the winner's; run again, the loser adds its rows, and the table holds both. On
 * Hudi, which needs a lock provider to find conflicts, the winner's write takes the loser's inflight commit for a
 * failed one and rolls it back: the loser fails (exit 1) when it resumes, committing nothing, and the rest is the
 * same.
 */
class ConcurrentWritersTest {
  private static final String SPEC = Path.of("src/test/resources/specs/faults/shared-table.conf").toAbsolutePath()
      .toString();
  private static final Map<String, String> NO_LOCKS = Map.of(PipelineLocks.SWITCH, "off");

  @Test
  void theLoserOfACommitRaceExits4AndLosesNothing() throws Exception {
    try (ChildJvm winner = ChildJvm.start(TestSpark.warehouse(), NO_LOCKS);
        ChildJvm loser = ChildJvm.start(TestSpark.warehouse(), NO_LOCKS)) {
      for (String format : List.of("delta", "iceberg", "hudi")) {
        String table = "shared_" + format + ".t";
        List<String> winnerRows = List.of("1|a|2", "2|a|2", "3|a|2");
        List<String> loserRows = List.of("11|b|1", "12|b|1");
        assertEquals(ExitCodes.OK, winner.execute(run(format, table, "a", List.of("1|a|1", "2|a|1"), 0)).code());

        // Where the table lives, by path or in the Hadoop catalog of Iceberg tables.
        Path folder = TestSpark.warehouse().resolve(table.replace('.', '/'));
        Set<Path> before = dataFiles(folder);
        loser.send(run(format, table, "b", loserRows, 1));
        awaitNewDataFile(loser, folder, before);
        signal("STOP", loser);
        ChildJvm.Reply won = winner.execute(run(format, table, "a", winnerRows, 1));
        signal("CONT", loser);
        ChildJvm.Reply lost = loser.reply();
        assertEquals(ExitCodes.OK, won.code(), format + ": " + won);
        List<String> both = Stream.concat(winnerRows.stream(), loserRows.stream()).sorted().toList();
        if (format.equals("hudi")) {
          // Single-writer Hudi takes the loser's inflight commit for a failed one, and the winner rolls it back.
          assertEquals(ExitCodes.FAILURE, lost.code(), format + ": " + lost);
        } else {
          assertEquals(ExitCodes.CONFLICT, lost.code(), format + ": " + lost);
          assertTrue(lost.err().contains("another writer committed to ")
              && lost.err().contains("nothing of this write was committed to the table, run it again"), lost.err());
        }
        assertEquals(winnerRows, rows(format, table), format + ": the table is the winner's");
        assertEquals(ExitCodes.OK, loser.execute(run(format, table, "b", loserRows, 1)).code(), format);
        assertEquals(both, rows(format, table), format + ": the loser's rerun adds its rows");
      }
    }
  }

  /** A run of pipeline {@code writer} upserting {@code rows} ("id|writer|amount") into the table. */
  private static List<String> run(String format, String table, String writer, List<String> rows, int hour)
      throws IOException {
    Path folder = TestSpark.newFolder("rows-" + writer + "-");
    Files.write(folder.resolve("rows.json"), rows.stream().map(row -> row.split("\\|"))
        .map(f -> "{\"id\":" + f[0] + ",\"writer\":\"" + f[1] + "\",\"amount\":" + f[2] + "}").toList());
    return List.of("run", SPEC, "--logical-time", IncrementalRunTest.hour(hour).toString(),
        "--set", "warehouse=" + TestSpark.warehouse(), "--set", "name=writer_" + writer + "_" + format,
        "--set", "sources.rows.path=" + folder, "--set", "targets.shared.format=" + format,
        "--set", "targets.shared.table=" + table);
  }

  private static List<String> rows(String format, String table) {
    return TableFormats.get(format).reader(TestSpark.session(), TableAddresses.resolve(TestSpark.settings(),
            TableFormats.get(format), "shared", Optional.empty(), Optional.of(table), Map.of()))
        .snapshot().select("id", "writer", "amount").collectAsList().stream()
        .map(r -> r.get(0) + "|" + r.get(1) + "|" + r.get(2)).sorted().toList();
  }

  /** Waits until a data file that was not there {@code before} appears in the table's folder. */
  private static void awaitNewDataFile(ChildJvm child, Path folder, Set<Path> before) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (dataFiles(folder).stream().allMatch(before::contains)) {
      if (child.replied() || System.nanoTime() > deadline) {
        fail("the loser's run ended (or three minutes passed) before it wrote a data file; see " + child.logs());
      }
      Thread.sleep(1);
    }
  }

  /** Parquet data files and Hudi log files, not the formats' metadata. */
  private static Set<Path> dataFiles(Path folder) {
    if (!Files.isDirectory(folder)) {
      return Set.of();
    }
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.filter(f -> !f.toString().contains("/.hoodie/") && !f.toString().contains("/metadata/"))
          .filter(f -> f.getFileName().toString().endsWith(".parquet") || f.getFileName().toString().contains(".log."))
          .collect(Collectors.toSet());
    } catch (IOException | UncheckedIOException e) {
      // A file vanished while the folder was walked: look again.
      return dataFiles(folder);
    }
  }

  private static void signal(String signal, ChildJvm child) throws IOException, InterruptedException {
    List<String> kill = new ArrayList<>(List.of("kill", "-" + signal, String.valueOf(child.pid())));
    assertEquals(0, new ProcessBuilder(kill).inheritIO().start().waitFor(), String.join(" ", kill));
  }
}
