package dev.lakepipe.run;

import dev.lakepipe.spec.StepSpec;
import dev.lakepipe.step.CustomStep;
import dev.lakepipe.step.StepKind;
import dev.lakepipe.step.StepKinds;
import dev.lakepipe.step.StepContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The sources and steps of one computation, each a temporary view named after it so SQL steps read them by name.
 * Cached steps are computed once, counted, and released on close, as are the rows kept by {@link #cache} and {@link
 * #detach}; a step is cached when its spec says so, or, when the spec does not say, when more than one node reads it
 * (a step read once is computed once anyway).
 */
final class Views implements AutoCloseable {
  private final SparkSession spark;
  private final RunOptions options;
  private final Map<String, Dataset<Row>> relations = new LinkedHashMap<>();
  private final List<Dataset<Row>> cached = new ArrayList<>();

  Views(SparkSession spark, RunOptions options) {
    this.spark = spark;
    this.options = options;
  }

  /** Makes the rows the view of that name, replacing any earlier one. */
  void put(String name, Dataset<Row> rows) {
    rows.createOrReplaceTempView(name);
    relations.put(name, rows);
  }

  Dataset<Row> get(String name) {
    return relations.get(name);
  }

  /**
   * Computes a step over the views so far and makes it a view.
   *
   * @param readers how many steps and targets of the computation read the step
   * @throws IllegalArgumentException when a class step's class cannot be loaded
   */
  Nodes.Outcome compute(StepSpec step, int readers) {
    Dataset<Row> rows = step.sql().map(spark::sql).orElseGet(() -> custom(step).apply(context(step)));
    OptionalLong count = OptionalLong.empty();
    if (step.cache().orElse(readers > 1)) {
      rows = rows.persist(StorageLevel.MEMORY_AND_DISK());
      cached.add(rows);
      count = OptionalLong.of(rows.count());
    }
    put(step.name(), rows);
    return new Nodes.Outcome(step.sql().isPresent() ? "sql" : step.kind().or(step::className).orElseThrow(), count,
        Optional.empty());
  }

  /** Keeps rows in memory until close, for rows read more than once. */
  Dataset<Row> cache(Dataset<Row> rows) {
    Dataset<Row> persisted = rows.persist(StorageLevel.MEMORY_AND_DISK());
    cached.add(persisted);
    return persisted;
  }

  /**
   * Keeps rows of an increment or micro-batch until close, for rows read more than once, cut from the plan that
   * computed them ({@link DetachedRows}).
   */
  Dataset<Row> detach(Dataset<Row> rows) {
    Dataset<Row> kept = DetachedRows.of(rows);
    cached.add(kept);
    return kept;
  }

  /** @throws IllegalArgumentException when the step's kind is not on the class path, or its class cannot be loaded */
  private static CustomStep custom(StepSpec step) {
    if (step.kind().isPresent()) {
      String kind = step.kind().get();
      return StepKinds.named(kind).map(StepKind::step).orElseThrow(() -> new IllegalArgumentException("step kind "
          + kind + " is not on the class path (known: " + StepKinds.all().stream().map(StepKind::name).toList() + ")"));
    }
    String className = step.className().orElseThrow();
    CustomStep instance;
    try {
      instance = Class.forName(className, true, Thread.currentThread().getContextClassLoader())
          .asSubclass(CustomStep.class).getDeclaredConstructor().newInstance();
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("class " + className + " is not on the class path", e);
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("class " + className + " does not implement " + CustomStep.class.getName(), e);
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("class " + className + " needs a public no-argument constructor", e);
    }
    return instance;
  }

  private StepContext context(StepSpec step) {
    Map<String, Dataset<Row>> inputs = new LinkedHashMap<>();
    step.sortedDependencies().forEach(d -> inputs.put(d, relations.get(d)));
    return new StepContext(spark, step.name(), inputs, step.options(), options.logicalTime());
  }

  @Override
  public void close() {
    // Newest first: releasing rows that a cached relation not yet computed reads makes Spark plan that one anew.
    Collections.reverse(cached);
    cached.forEach(DetachedRows::release);
  }
}
