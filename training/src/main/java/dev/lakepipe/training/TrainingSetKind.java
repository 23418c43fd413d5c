package dev.lakepipe.training;

import static dev.lakepipe.training.KindSettings.optionalKey;
import static dev.lakepipe.training.KindSettings.required;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.struct;

import dev.lakepipe.format.SqlMerge;
import dev.lakepipe.spec.SpecKey;
import dev.lakepipe.spec.SpecKey.Type;
import dev.lakepipe.step.CustomStep;
import dev.lakepipe.step.StepKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code kind = training-set}: each label row joined, point in time, with every feature relation: the feature row
 * of the label's entity that was valid at the label's time (the latest with a feature time at or before it, and
 * within the ttl), never one written later. Without such a row the relation's columns are null.
 */
public final class TrainingSetKind implements StepKind {
  private static final String FEATURE = "__lakepipe_feature";
  private static final String FEATURE_TIME = "__lakepipe_time";

  @Override
  public String name() {
    return "training-set";
  }

  @Override
  public String description() {
    return "labels joined with feature relations as of each label's time (point in time, with a ttl).";
  }

  @Override
  public List<SpecKey> keys() {
    return List.of(
        required("labels", Type.STRING, "The source or step of the labels."),
        required("entity", Type.STRING_LIST, "The entity key columns, named so in the labels and the features."),
        required("label-time", Type.STRING, "The labels' event-time column."),
        required("features", Type.STRING_LIST, "The feature sources or steps; their columns other than the entity"
            + " and the feature time are added to each label."),
        required("feature-time", Type.STRING, "The features' column of the time a value became valid."),
        optionalKey("ttl", Type.TEXT, "How long a feature value stays valid, e.g. 7d; older counts as missing."
            + " Unset: forever."));
  }

  @Override
  public List<String> inputs(Map<String, String> settings) {
    KindSettings s = new KindSettings(settings);
    return Stream.concat(s.optional("labels").stream(), s.list("features").stream()).distinct().toList();
  }

  @Override
  public Optional<String> problem(Map<String, String> settings) {
    KindSettings s = new KindSettings(settings);
    if (s.list("features").contains(s.text("labels"))) {
      return Optional.of("the labels cannot be one of the features");
    }
    return s.durationProblem("ttl");
  }

  @Override
  public String incremental(Map<String, String> settings) {
    KindSettings s = new KindSettings(settings);
    return "incremental: by affected keys of entity " + String.join(",", s.list("entity")) + ": the entities"
        + " that changes of " + String.join(" or ", inputs(settings)) + " name get their labels joined anew";
  }

  @Override
  public CustomStep step() {
    return context -> {
      KindSettings s = new KindSettings(context.options());
      Dataset<Row> result = context.input(s.text("labels"));
      for (String feature : s.list("features")) {
        result = asOf(result, context.input(feature), feature, s);
      }
      return result;
    };
  }

  /**
   * The labels with the feature relation's columns as of each label's time.
   *
   * @throws IllegalArgumentException when a feature column has the name of a column the labels have already
   */
  private static Dataset<Row> asOf(Dataset<Row> labels, Dataset<Row> features, String feature, KindSettings s) {
    List<String> entity = s.list("entity");
    String featureTime = s.text("feature-time");
    List<String> values = Arrays.stream(features.columns())
        .filter(c -> !entity.contains(c) && !c.equals(featureTime)).toList();
    Set<String> taken = new LinkedHashSet<>(Arrays.asList(labels.columns()));
    values.stream().filter(taken::contains).findFirst().ifPresent(c -> {
      throw new IllegalArgumentException("feature " + feature + " has a column " + c + ", which the labels or an"
          + " earlier feature have already; rename it in a step");
    });
    List<Column> kept = new ArrayList<>(List.of(col(SqlMerge.quote(featureTime)).as(FEATURE_TIME)));
    values.forEach(v -> kept.add(col(SqlMerge.quote(v)).as(v)));
    List<Column> selected = new ArrayList<>(entity.stream().map(k -> col(SqlMerge.quote(k)).as(k)).toList());
    selected.add(struct(kept.toArray(Column[]::new)).as(FEATURE));
    Dataset<Row> f = features.select(selected.toArray(Column[]::new)).alias("f");
    Dataset<Row> l = labels.alias("l");
    Column labelTime = col("l." + SqlMerge.quote(s.text("label-time")));
    Column valid = col("f." + FEATURE + "." + FEATURE_TIME);
    Column on = valid.leq(labelTime);
    for (String key : entity) {
      on = on.and(col("l." + SqlMerge.quote(key)).equalTo(col("f." + SqlMerge.quote(key))));
    }
    Optional<Duration> ttl = s.duration("ttl");
    if (ttl.isPresent()) {
      on = on.and(valid.gt(labelTime.minus(expr("make_dt_interval(0, 0, 0, " + ttl.get().toSeconds() + ")"))));
    }
    Column[] labelColumns = Arrays.stream(labels.columns()).map(c -> col("l." + SqlMerge.quote(c)))
        .toArray(Column[]::new);
    Dataset<Row> joined = l.join(f, on, "left").groupBy(labelColumns)
        .agg(max_by(col("f." + FEATURE), valid).as(FEATURE));
    List<Column> out = new ArrayList<>(Arrays.stream(labels.columns()).map(c -> col(SqlMerge.quote(c))).toList());
    values.forEach(v -> out.add(col(FEATURE + "." + SqlMerge.quote(v)).as(v)));
    return joined.select(out.toArray(Column[]::new));
  }
}
