package dev.lakepipe.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.cli.Lakepipe;
import dev.lakepipe.format.Commit;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableAddresses;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.testing.TestSpark;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The storage of a table turns read-only, or fills up, while a run is under way: read-only once the run has read its
 * source and computed its step, before its write's first file (a file system with files open for writing cannot be
 * remounted read-only); full in the middle of its data files (the run finds {@value #HEADROOM} bytes free, enough
 * for a commit's metadata, while its rows take megabytes). The run exits 1 with the file system's own reason
 * ("Read-only file system", "No space left on device") in its message, and the table is still at its previous
 * commit, with its previous rows; once the storage is writable again, the same run succeeds and the table holds each
 * of its rows once. The table lives on a small tmpfs mounted for the test, which needs root (CAP_SYS_ADMIN);
 * elsewhere the test is skipped, saying so.
 */
class DiskFaultsTest {
  private static final String SPEC = "src/test/resources/specs/faults/shared-table.conf";
  /** Bytes left free on the table's storage when the run that fills it starts writing. */
  private static final int HEADROOM = 512 * 1024;
  /** Rows of that run: 3,000 ids, each with 1,000 random characters (about 3 MB, ~2 MB compressed). */
  private static final List<String> LARGE = largeRows(3_000, 1_000);

  @ParameterizedTest
  @ValueSource(strings = {"hudi", "delta", "iceberg"})
  void aWarehouseThatTurnsReadOnlyOrFullFailsTheRunAndKeepsThePreviousCommit(String format) throws Exception {
    String table = "disk_" + format + ".t";
    TableAddress address = TableAddresses.resolve(TestSpark.settings(), TableFormats.get(format), "shared",
        Optional.empty(), Optional.of(table), Map.of());
    // Where the table lives, by path or in the Hadoop catalog of Iceberg tables.
    Path folder = TestSpark.warehouse().resolve(table.replace('.', '/'));
    Files.createDirectories(folder);
    String mounted = mount(folder, "-t", "tmpfs", "-o", "size=32m", "tmpfs");
    assumeTrue(mounted.isEmpty(), "no tmpfs can be mounted here (it needs root with CAP_SYS_ADMIN), so a storage that"
        + " turns read-only or full cannot be made: " + mounted);
    try {
      assertEquals(ExitCodes.OK, run(format, table, List.of("1|a|1", "2|a|1"), 0, () -> { }).code, "the first run");
      TableReader reader = TableFormats.get(format).reader(TestSpark.session(), address);
      Commit previous = reader.latestCommit().orElseThrow();
      List<String> rows = rows(reader);

      Result readOnly = run(format, table, List.of("1|a|2", "3|a|2"), 1,
          () -> assertEquals("", mount(folder, "-o", "remount,ro")));
      assertEquals(ExitCodes.FAILURE, readOnly.code, readOnly.output);
      assertTrue(readOnly.output.contains("lakepipe: write shared failed: ")
          && readOnly.output.contains("Read-only file system"), readOnly.output);
      assertEquals(previous.id(), reader.latestCommit().orElseThrow().id(), format + ": still at the previous commit");
      assertEquals(rows, rows(reader));
      assertEquals("", mount(folder, "-o", "remount,rw"));

      Path filler = folder.resolve("filler");
      Result full = run(format, table, LARGE, 1, () -> fill(filler, HEADROOM));
      assertEquals(ExitCodes.FAILURE, full.code, full.output);
      assertTrue(full.output.contains("lakepipe: write shared failed: ")
          && full.output.contains("No space left on device"), full.output);
      assertEquals(previous.id(), reader.latestCommit().orElseThrow().id(), format + ": still at the previous commit");
      assertEquals(rows, rows(reader));

      Files.delete(filler);
      Result again = run(format, table, LARGE, 1, () -> { });
      assertEquals(ExitCodes.OK, again.code, again.output);
      assertEquals(LARGE.stream().sorted().toList(), rows(reader), "each row once");
    } finally {
      mount(folder, "-o", "remount,rw");
      assertEquals(0, new ProcessBuilder("umount", "-l", folder.toString()).start().waitFor(), "umount " + folder);
    }
  }

  private record Result(int code, String output) {}

  /**
   * Runs the pipeline in this JVM, upserting {@code rows} ("id|writer|amount") into the table; {@code fault} runs as
   * soon as the run has computed its step, before it writes.
   */
  private static Result run(String format, String table, List<String> rows, int hour, Runnable fault)
      throws IOException {
    Path folder = TestSpark.newFolder("rows-");
    Files.write(folder.resolve("rows.json"), rows.stream().map(row -> row.split("\\|"))
        .map(f -> "{\"id\":" + f[0] + ",\"writer\":\"" + f[1] + "\",\"amount\":" + f[2] + "}").toList());
    StringWriter err = new StringWriter();
    StringWriter out = new StringWriter() {
      private boolean done;

      // Each progress line is flushed as it is printed.
      @Override
      public void flush() {
        if (!done && toString().contains("\n  step ")) {
          done = true;
          fault.run();
        }
      }
    };
    int code = Lakepipe.execute(new PrintWriter(out, true), new PrintWriter(err), "run", SPEC, "--logical-time",
        IncrementalRunTest.hour(hour).toString(), "--set", "warehouse=" + TestSpark.warehouse(),
        "--set", "name=disk_" + format, "--set", "sources.rows.path=" + folder,
        "--set", "targets.shared.format=" + format, "--set", "targets.shared.table=" + table);
    return new Result(code, out + "\n" + err);
  }

  private static List<String> rows(TableReader reader) {
    return reader.snapshot().select("id", "writer", "amount").collectAsList().stream()
        .map(r -> r.get(0) + "|" + r.get(1) + "|" + r.get(2)).sorted().toList();
  }

  /** Writes zeros to the file until the file system has no space left, then frees {@code headroom} bytes of it. */
  private static void fill(Path filler, int headroom) {
    byte[] block = new byte[64 * 1024];
    try (FileChannel channel = FileChannel.open(filler, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      try {
        while (true) {
          channel.write(ByteBuffer.wrap(block));
        }
      } catch (IOException full) {
        assertTrue(String.valueOf(full.getMessage()).contains("No space left on device"), full.toString());
      }
      channel.truncate(Math.max(0, channel.size() - headroom));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Rows "id|writer|amount" whose writer is a random string of {@code length} letters and digits. */
  private static List<String> largeRows(int count, int length) {
    Random random = new Random(15);
    String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    List<String> rows = new ArrayList<>();
    for (int id = 1; id <= count; id++) {
      StringBuilder writer = new StringBuilder(length);
      for (int i = 0; i < length; i++) {
        writer.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      rows.add(id + "|" + writer + "|2");
    }
    return rows;
  }

  /** Runs {@code mount ARGS... FOLDER}; returns what it printed when it failed, empty when it succeeded. */
  private static String mount(Path folder, String... args) {
    List<String> command = new ArrayList<>(List.of("mount"));
    command.addAll(List.of(args));
    command.add(folder.toString());
    try {
      Process mount = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(mount.getInputStream().readAllBytes());
      return mount.waitFor() == 0 ? "" : String.join(" ", command) + ": " + output.strip();
    } catch (IOException e) {
      return String.join(" ", command) + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new IOException("interrupted", e));
    }
  }
}
