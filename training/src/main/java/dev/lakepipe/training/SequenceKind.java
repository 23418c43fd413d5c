package dev.lakepipe.training;

import static dev.lakepipe.training.KindSettings.optionalKey;
import static dev.lakepipe.training.KindSettings.required;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;

import dev.lakepipe.format.SqlMerge;
import dev.lakepipe.spec.SpecKey;
import dev.lakepipe.spec.SpecKey.Type;
import dev.lakepipe.step.CustomStep;
import dev.lakepipe.step.StepKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code kind = sequence}: per driving row (an impression, a request), the last {@code length} events of its entity
 * before the row's time, optionally of some kinds only and within a window: one array column per field, newest
 * first, and the sequence's length. A driving row whose entity has no such event gets empty arrays.
 */
public final class SequenceKind implements StepKind {
  private static final String EVENT = "__lakepipe_event";
  private static final String EVENT_TIME = "__lakepipe_time";
  private static final String SEQUENCE = "__lakepipe_sequence";

  @Override
  public String name() {
    return "sequence";
  }

  @Override
  public String description() {
    return "per row of a driving relation, the last events of its entity before the row's time, as array columns"
        + " newest first.";
  }

  @Override
  public List<SpecKey> keys() {
    return List.of(
        required("events", Type.STRING, "The source or step of the events."),
        required("rows", Type.STRING, "The driving source or step: one sequence as of each of its rows."),
        required("entity", Type.STRING, "The entity column (user id), named so in the events and the rows."),
        required("event-time", Type.STRING, "The events' time column."),
        required("row-time", Type.STRING, "The rows' time column: only events strictly before it count."),
        required("fields", Type.STRING_LIST, "The event columns collected, each into an array column."),
        required("length", Type.INTEGER, "How many events a sequence holds at most, the newest."),
        optionalKey("kind-column", Type.STRING, "The events' column that holds their kind (view, click, ...)."),
        optionalKey("kinds", Type.STRING_LIST, "With kind-column: the kinds of events collected."),
        optionalKey("window", Type.TEXT, "How far back events count, e.g. 7d; unset, all of them."),
        new SpecKey("prefix", Type.STRING, "The prefix of the array columns and of <prefix>length.", List.of(),
            Optional.of("seq_"), false, List.of()));
  }

  @Override
  public List<String> inputs(Map<String, String> settings) {
    KindSettings s = new KindSettings(settings);
    return Stream.of(s.optional("events"), s.optional("rows")).flatMap(Optional::stream).distinct().toList();
  }

  @Override
  public Optional<String> problem(Map<String, String> settings) {
    KindSettings s = new KindSettings(settings);
    if (s.optional("kinds").isPresent() != s.optional("kind-column").isPresent()) {
      return Optional.of("give kinds and kind-column together");
    }
    if (Integer.parseInt(s.text("length")) < 1) {
      return Optional.of("length must be at least 1");
    }
    return s.durationProblem("window");
  }

  @Override
  public String incremental(Map<String, String> settings) {
    KindSettings s = new KindSettings(settings);
    return "incremental: by affected keys of entity " + s.text("entity") + ": the entities that changes of "
        + String.join(" or ", inputs(settings)) + " name get their sequences recomputed (a target keyed by "
        + s.text("entity") + " and a row key)";
  }

  @Override
  public CustomStep step() {
    return context -> {
      KindSettings s = new KindSettings(context.options());
      Dataset<Row> rows = context.input(s.text("rows"));
      Dataset<Row> events = context.input(s.text("events"));
      String entity = s.text("entity");
      if (s.optional("kind-column").isPresent()) {
        events = events.where(col(SqlMerge.quote(s.text("kind-column"))).isin(s.list("kinds").toArray()));
      }
      List<Column> fields = new ArrayList<>(List.of(col(SqlMerge.quote(s.text("event-time"))).as(EVENT_TIME)));
      s.list("fields").forEach(f -> fields.add(col(SqlMerge.quote(f)).as(f)));
      Dataset<Row> e = events.select(col(SqlMerge.quote(entity)).as(entity),
          struct(fields.toArray(Column[]::new)).as(EVENT)).alias("e");
      Dataset<Row> d = rows.alias("d");
      Column rowTime = col("d." + SqlMerge.quote(s.text("row-time")));
      Column eventTime = col("e." + EVENT + "." + EVENT_TIME);
      Column on = col("d." + SqlMerge.quote(entity)).equalTo(col("e." + SqlMerge.quote(entity)))
          .and(eventTime.lt(rowTime));
      Optional<Duration> window = s.duration("window");
      if (window.isPresent()) {
        on = on.and(eventTime.geq(rowTime.minus(expr("make_dt_interval(0, 0, 0, " + window.get().toSeconds()
            + ")"))));
      }
      Column[] rowColumns = Arrays.stream(rows.columns()).map(c -> col("d." + SqlMerge.quote(c))).toArray(Column[]::new);
      // Newest first: the struct's first field is the time; equal times are ordered by the fields, so reruns agree.
      Dataset<Row> sequences = d.join(e, on, "left").groupBy(rowColumns).agg(slice(sort_array(collect_list(
          col("e." + EVENT)), false), 1, Integer.parseInt(s.text("length"))).as(SEQUENCE));
      String prefix = s.optional("prefix").orElse("seq_");
      List<Column> out = new ArrayList<>(Arrays.stream(rows.columns()).map(c -> col(SqlMerge.quote(c))).toList());
      s.list("fields").forEach(f -> out.add(expr("transform(" + SEQUENCE + ", x -> x." + SqlMerge.quote(f) + ")")
          .as(prefix + f)));
      out.add(size(col(SEQUENCE)).as(prefix + "length"));
      return sequences.select(out.toArray(Column[]::new));
    };
  }
}
