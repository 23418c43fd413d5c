package dev.lakepipe.run;

import dev.lakepipe.format.Commit;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.LatestWins;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableAddresses;
import dev.lakepipe.format.TableFormat;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.format.TableWriter;
import dev.lakepipe.plan.Plan;
import dev.lakepipe.spec.EngineSettings;
import dev.lakepipe.spec.SourceSpec;
import dev.lakepipe.spec.StepSpec;
import dev.lakepipe.spec.TargetSpec;
import dev.lakepipe.step.CustomStep;
import dev.lakepipe.step.StepContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * A full run: reads every source's snapshot (or the version it names), computes the steps in order and writes
 * each target with its mode. Each source and step is a temporary view named after it, so SQL steps read them by
 * name. Cached steps are computed once, counted, and shared by everything that reads them.
 */
public final class BatchRun {
  private final SparkSession spark;

  public BatchRun(SparkSession spark) {
    this.spark = spark;
  }

  /**
   * @param progress told of each node as soon as it is done
   * @throws RunFailedException naming the node that failed
   */
  public RunResult run(Plan plan, RunOptions options, Consumer<NodeResult> progress) {
    long start = System.nanoTime();
    EngineSettings settings = plan.spec().settings();
    CommitContext context = new CommitContext(plan.spec().name(), options.runId(), options.logicalTime());
    List<NodeResult> results = new ArrayList<>();
    Consumer<NodeResult> record = result -> {
      results.add(result);
      progress.accept(result);
    };
    Map<String, Dataset<Row>> relations = new LinkedHashMap<>();
    List<Dataset<Row>> cached = new ArrayList<>();
    try {
      for (SourceSpec source : plan.reads()) {
        record.accept(timed(NodeResult.Kind.READ, source.name(), () -> read(settings, source, relations)));
      }
      for (StepSpec step : plan.steps()) {
        record.accept(timed(NodeResult.Kind.STEP, step.name(),
            () -> compute(step, options, relations, cached)));
      }
      for (TargetSpec target : plan.writes()) {
        record.accept(timed(NodeResult.Kind.WRITE, target.name(),
            () -> write(settings, target, relations.get(target.from()), context)));
      }
    } finally {
      cached.forEach(Dataset::unpersist);
    }
    return new RunResult(plan.spec().name(), options.runId(), options.logicalTime(), results,
        (System.nanoTime() - start) / 1e9);
  }

  private Outcome read(EngineSettings settings, SourceSpec source, Map<String, Dataset<Row>> relations) {
    TableFormat format = TableFormats.get(source.format());
    Map<String, String> options = new LinkedHashMap<>(source.options());
    source.schema().ifPresent(schema -> options.put(TableFormat.SCHEMA_OPTION, schema));
    TableAddress address = TableAddresses.resolve(settings, format, source.name(), source.path(), source.table(),
        options);
    TableReader reader = format.reader(spark, address);
    Optional<Commit> latest = source.asOf().isPresent() ? Optional.empty() : reader.latestCommit();
    Dataset<Row> rows = source.asOf().map(reader::asOf).orElseGet(reader::snapshot);
    rows.createOrReplaceTempView(source.name());
    relations.put(source.name(), rows);
    return new Outcome(format.name() + " " + address.location(), OptionalLong.of(rows.count()), latest);
  }

  private Outcome compute(StepSpec step, RunOptions options, Map<String, Dataset<Row>> relations,
      List<Dataset<Row>> cached) {
    Dataset<Row> rows = step.sql().map(spark::sql).orElseGet(() -> custom(step, options, relations));
    OptionalLong count = OptionalLong.empty();
    if (step.cache()) {
      rows = rows.persist(StorageLevel.MEMORY_AND_DISK());
      cached.add(rows);
      count = OptionalLong.of(rows.count());
    }
    rows.createOrReplaceTempView(step.name());
    relations.put(step.name(), rows);
    return new Outcome(step.sql().isPresent() ? "sql" : step.className().orElseThrow(), count, Optional.empty());
  }

  private Dataset<Row> custom(StepSpec step, RunOptions options, Map<String, Dataset<Row>> relations) {
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
    Map<String, Dataset<Row>> inputs = new LinkedHashMap<>();
    step.sortedDependencies().forEach(d -> inputs.put(d, relations.get(d)));
    return instance.apply(new StepContext(spark, step.name(), inputs, step.options(), options.logicalTime()));
  }

  private Outcome write(EngineSettings settings, TargetSpec target, Dataset<Row> rows, CommitContext context) {
    TableFormat format = TableFormats.get(target.format());
    TableAddress address = TableAddresses.resolve(settings, format, target.name(), target.path(), target.table(),
        target.options());
    TableLayout layout = new TableLayout(target.keys(), target.orderBy(), target.partitionBy());
    TableWriter writer = format.writer(spark, address, layout);
    Optional<Commit> commit = switch (target.mode()) {
      case APPEND -> Optional.of(writer.append(rows, context));
      case OVERWRITE -> Optional.of(writer.overwrite(rows, context));
      case OVERWRITE_PARTITIONS -> Optional.of(writer.overwritePartitions(rows, context));
      case UPSERT -> Optional.of(writer.upsert(LatestWins.dedupe(rows, layout), context));
      case DELETE -> writer.delete(rows, context);
    };
    String detail = format.name() + " " + target.mode().specName() + " " + address.location();
    return new Outcome(detail, OptionalLong.of(rows.count()), commit);
  }

  private static NodeResult timed(NodeResult.Kind kind, String name, Supplier<Outcome> work) {
    long start = System.nanoTime();
    Outcome outcome;
    try {
      outcome = work.get();
    } catch (Exception e) { // Spark's AnalysisException is checked in Java's terms but thrown from Scala anyway
      throw new RunFailedException(kind.name().toLowerCase() + " " + name + " failed: " + rootMessage(e), e);
    }
    return new NodeResult(kind, name, outcome.detail(), outcome.rows(), (System.nanoTime() - start) / 1e9,
        outcome.commit());
  }

  private static String rootMessage(Throwable e) {
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
  }

  private record Outcome(String detail, OptionalLong rows, Optional<Commit> commit) {}
}
