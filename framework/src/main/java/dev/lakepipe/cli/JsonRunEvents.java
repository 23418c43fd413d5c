package dev.lakepipe.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakepipe.format.Commit;
import dev.lakepipe.run.NodeResult;
import dev.lakepipe.run.RunOptions;
import dev.lakepipe.run.RunRecord;
import dev.lakepipe.run.RunResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * lakepipe's structured log: one JSON object per line and event, apart from Spark's own logs, for log collectors.
 * Every line names the pipeline, run id, logical time and mode; {@code event} is {@code run_started}, {@code node}
 * (with {@code kind}, {@code node}, {@code rows}, {@code seconds}, {@code commit}, {@code detail}) or {@code
 * run_finished} (with {@code outcome} {@code success} or {@code failed}, rows, seconds and, on failure, {@code
 * error}). Lines are flushed one by one, so a killed run leaves whole lines; the spec's secrets are masked.
 */
final class JsonRunEvents implements RunEvents, AutoCloseable {
  /** The destination that means standard error. */
  static final String STDERR = "-";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrintWriter out;
  private final boolean owned;
  private final String pipeline;
  private final RunOptions options;

  private JsonRunEvents(PrintWriter out, boolean owned, String pipeline, RunOptions options) {
    this.out = out;
    this.owned = owned;
    this.pipeline = pipeline;
    this.options = options;
  }

  /**
   * Events of one run, appended to a file, or written to {@code stderr} when the destination is {@value #STDERR}.
   *
   * @param secrets values masked in every line
   * @throws UncheckedIOException when the file cannot be opened for appending
   */
  static JsonRunEvents open(String destination, PrintWriter stderr, Set<String> secrets, String pipeline,
      RunOptions options) {
    if (destination.equals(STDERR)) {
      return new JsonRunEvents(stderr, false, pipeline, options);
    }
    try {
      Writer file = Files.newBufferedWriter(Path.of(destination), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      MaskingWriter masked = new MaskingWriter(file);
      masked.addSecrets(secrets);
      return new JsonRunEvents(new PrintWriter(masked), true, pipeline, options);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the event log " + destination, e);
    }
  }

  @Override
  public void started() {
    write(event("run_started", "info"));
  }

  @Override
  public void node(NodeResult node) {
    Map<String, Object> line = event("node", "info");
    line.put("kind", node.kind().name().toLowerCase(Locale.ROOT));
    line.put("node", node.name());
    line.put("rows", node.rows().isPresent() ? node.rows().getAsLong() : null);
    line.put("seconds", node.seconds());
    line.put("commit", node.commit().map(Commit::id).orElse(null));
    node.since().ifPresent(since -> line.put("since", since));
    line.put("detail", node.detail());
    write(line);
  }

  @Override
  public void finished(RunResult result) {
    Map<String, Object> line = event("run_finished", "info");
    line.put("outcome", RunRecord.SUCCESS);
    line.put("rows_read", result.rows(NodeResult.Kind.READ));
    line.put("rows_written", result.rows(NodeResult.Kind.WRITE));
    line.put("seconds", result.seconds());
    write(line);
  }

  @Override
  public void failed(RuntimeException error, double seconds) {
    Map<String, Object> line = event("run_finished", "error");
    line.put("outcome", RunRecord.FAILED);
    line.put("seconds", seconds);
    line.put("error", error.getClass().getSimpleName() + ": " + error.getMessage());
    write(line);
  }

  private Map<String, Object> event(String event, String level) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("ts", Instant.now().toString());
    line.put("level", level);
    line.put("event", event);
    line.put("pipeline", pipeline);
    line.put("run_id", options.runId());
    line.put("logical_time", options.logicalTime().toString());
    line.put("mode", options.mode().specName());
    return line;
  }

  private void write(Map<String, Object> line) {
    try {
      out.println(JSON.writeValueAsString(line));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("strings and numbers are always JSON", e);
    }
    out.flush();
  }

  @Override
  public void close() {
    if (owned) {
      out.close();
    } else {
      out.flush();
    }
  }
}
