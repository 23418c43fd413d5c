package dev.lakepipe.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.format.TableFormats;
import dev.lakepipe.plan.Plan;
import dev.lakepipe.plan.PlanPrinter;
import dev.lakepipe.testing.TestSpecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecLoaderTest {
  private static final Path GOOD = Path.of("src/test/resources/specs/good");
  /** The test profile as the loader shows it: relative to the working folder. */
  private static final String PROFILE = Path.of("src/test/resources/specs/env/test.conf").toString();

  private static SpecLoader loader(Map<String, String> environment) {
    return new SpecLoader(TableFormats.all(), environment::get);
  }

  @Test
  void hoconAndYamlGiveTheSameModel() throws Exception {
    JobSpec hocon = loader(Map.of()).load(GOOD.resolve("orders.conf"), SpecLoader.Options.defaults());
    JobSpec yaml = loader(Map.of()).load(GOOD.resolve("orders.yaml"), SpecLoader.Options.defaults());
    assertEquals(withoutFile(hocon), withoutFile(yaml));
    // The include brought the shuffle setting in; the SQL references ordered the steps.
    assertEquals(Map.of("spark.sql.shuffle.partitions", "3"), hocon.settings().sparkConf());
    assertEquals(Set.of("orders_latest", "shops"), hocon.steps().get("gmv").dependencies());
    TargetSpec orders = hocon.targets().get("orders");
    assertEquals(new TargetSpec("orders", "orders_latest", "hudi", Optional.empty(), Optional.of("dw.orders"),
        WriteMode.UPSERT, List.of("order_id"), Optional.of("updated_at"), List.of("order_date"),
        Storage.MERGE_ON_READ, Optional.empty(), OptionalInt.empty(), Map.of(), Map.of(), List.of(),
        SchemaEvolution.ADD_COLUMNS, MaintenanceSpec.DEFAULT), orders);
    TargetSpec gmv = hocon.targets().get("gmv_daily");
    assertEquals(List.of("order_date"), gmv.partitionBy());
    assertEquals(Storage.COPY_ON_WRITE, gmv.storage());
    assertEquals(Optional.of("not an upsert target fed by a source read incrementally or streamed"),
        gmv.storageDefault());
  }

  @Test
  void storageIsMergeOnReadForUpsertsThatIncrementalAndStreamingRunsMaintainAndPlanSaysWhy() throws Exception {
    JobSpec spec = loader(Map.of()).load(GOOD.resolve("storage.conf"), SpecLoader.Options.defaults());
    Map<String, TargetSpec> targets = spec.targets();
    assertEquals(Storage.MERGE_ON_READ, targets.get("detail").storage());
    assertEquals(Optional.of("an upsert target that incremental or streaming runs maintain from orders"),
        targets.get("detail").storageDefault());
    assertEquals(Storage.MERGE_ON_READ, targets.get("clicks").storage());
    String notMaintained = "not an upsert target fed by a source read incrementally or streamed";
    for (String target : List.of("shops", "appended", "copy")) {
      assertEquals(Storage.COPY_ON_WRITE, targets.get(target).storage(), target);
      assertEquals(Optional.of(notMaintained), targets.get(target).storageDefault(), target);
    }
    assertEquals(OptionalInt.of(8), targets.get("shops").buckets());
    assertEquals(OptionalInt.empty(), targets.get("pinned").buckets());
    assertEquals(Storage.COPY_ON_WRITE, targets.get("pinned").storage());
    assertEquals(Optional.empty(), targets.get("pinned").storageDefault());

    List<String> plan = PlanPrinter.render(Plan.of(spec), TableFormats.all()).lines().map(String::strip).toList();
    assertTrue(plan.contains("storage merge-on-read (default: an upsert target that incremental or streaming runs"
        + " maintain from orders)"), String.join("\n", plan));
    assertTrue(plan.contains("storage merge-on-read (default: an upsert target that incremental or streaming runs"
        + " maintain from clicks)"), String.join("\n", plan));
    assertTrue(plan.contains("storage copy-on-write (default: " + notMaintained + ")"), String.join("\n", plan));
    assertTrue(plan.contains("storage copy-on-write"), String.join("\n", plan));
    assertTrue(plan.contains("/wh/dw/shops  keys shop_id  buckets 8"), String.join("\n", plan));
    // Six targets, five of a table format; files have no storage to choose.
    assertEquals(5, plan.stream().filter(line -> line.startsWith("storage ")).count(), String.join("\n", plan));
  }

  @Test
  void planSaysWhereEachMergeOnReadTargetCompacts() throws Exception {
    JobSpec spec = loader(Map.of()).load(GOOD.resolve("compaction.conf"), SpecLoader.Options.defaults());
    String plan = PlanPrinter.render(Plan.of(spec), TableFormats.all());
    Map<String, String> compaction = new java.util.LinkedHashMap<>();
    String target = null;
    for (String line : plan.lines().toList()) {
      if (line.startsWith("  ") && !line.startsWith("   ") && line.contains(" <- ")) {
        target = line.strip().split(" ")[0];
      } else if (line.strip().startsWith("compaction ")) {
        compaction.put(target, line.strip().substring("compaction ".length()));
      }
    }
    assertEquals(Map.of(
        "by_day", "log files compacted every 10 delta commits: inline by batch and incremental runs; beside the"
            + " writes by streaming runs, in a thread of their own",
        "global", "log files compacted every 10 delta commits: inline by batch and incremental runs; inline by"
            + " streaming runs too (the metadata table of the global index takes one writer)",
        "by_maintenance", "log files compacted every 4 delta commits: not by batch and incremental runs"
            + " (hoodie.compact.inline = false: `lakepipe maintain` does); beside the writes by streaming runs, in a"
            + " thread of their own",
        "asks_inline", "log files compacted every 10 delta commits: inline by batch and incremental runs; inline"
            + " by streaming runs too (hoodie.compact.inline = true)",
        "vectors", "deletion vectors mark the rows updated and deleted until a maintenance (`lakepipe maintain`, or"
            + " after runs as `maintenance.every` says) rewrites the files they mark"), compaction, plan);
  }

  @Test
  void aKeyThatAnotherExtendsKeepsItsValueQuotedInHoconAndAsItIsInYaml(@TempDir Path dir) throws Exception {
    Map<String, String> both = Map.of("hoodie.compact.inline", "false",
        "hoodie.compact.inline.max.delta.commits", "4");
    Path hocon = Files.writeString(dir.resolve("quoted.conf"), """
        name = quoted
        spark.conf { "spark.kryoserializer.buffer" = 64k, "spark.kryoserializer.buffer.max" = 512m }
        sources { orders { format = delta, path = /in }
        }
        targets {
          out { from = orders, format = hudi, path = /out, mode = upsert, keys = [order_id],
            options { "hoodie.compact.inline" = false, "hoodie.compact.inline.max.delta.commits" = 4 } }
        }
        """);
    Path yaml = Files.writeString(dir.resolve("dotted.yaml"), """
        name: dotted
        spark:
          conf:
            spark.kryoserializer.buffer: 64k
            spark.kryoserializer.buffer.max: 512m
        sources:
          orders: {format: delta, path: /in}
        targets:
          out:
            from: orders
            format: hudi
            path: /out
            mode: upsert
            keys: [order_id]
            options:
              hoodie.compact.inline: false
              hoodie.compact.inline.max.delta.commits: 4
        """);
    for (Path file : List.of(hocon, yaml)) {
      JobSpec spec = loader(Map.of()).load(file, SpecLoader.Options.defaults());
      assertEquals(both, spec.targets().get("out").options(), file.toString());
      assertEquals("64k", spec.settings().sparkConf().get("spark.kryoserializer.buffer"), file.toString());
      assertEquals("512m", spec.settings().sparkConf().get("spark.kryoserializer.buffer.max"), file.toString());
    }
  }

  private static JobSpec withoutFile(JobSpec spec) {
    return new JobSpec(spec.name(), spec.description().map(String::strip), "", spec.settings(), spec.sources(),
        spec.steps().entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
            e -> new StepSpec(e.getValue().name(), e.getValue().sql().map(sql -> sql.replaceAll("\\s+", " ").strip()), e.getValue().className(), e.getValue().kind(),
                e.getValue().dependencies(), e.getValue().options(), e.getValue().cache()))),
        spec.targets());
  }

  @Test
  void precedenceIsSetThenSpecThenEnvironmentProfileThenDefaults() throws Exception {
    JobSpec spec = loader(Map.of("LAKEPIPE_TEST_EVENTS", "/data/events")).load(GOOD.resolve("overlay.conf"),
        new SpecLoader.Options(Optional.of("test"), Optional.empty(),
            List.of("spark.conf.shared=cli", "targets.out.mode=overwrite")));
    assertEquals("/from-spec", spec.settings().warehouse());
    assertEquals("envcat", spec.settings().catalog());
    assertEquals(Optional.of("local[1]"), spec.settings().master());
    assertEquals(Map.of("a.from.spec", "spec", "a.from.env", "env", "shared", "cli"), spec.settings().sparkConf());
    assertEquals(WriteMode.OVERWRITE, spec.targets().get("out").mode());
    assertEquals(Optional.of("/data/events"), spec.sources().get("events").path());
    assertEquals(Optional.of("out/"), spec.targets().get("out").path());
    assertEquals(Optional.of(PROFILE), spec.settings().profile());
  }

  @Test
  void aRunReadsTheColumnsOfASourceThatItsStepsAndTargetsName() throws Exception {
    Plan plan = Plan.of(loader(Map.of()).load(GOOD.resolve("columns.conf"), SpecLoader.Options.defaults()));
    Map<String, SourceSpec> sources = plan.spec().sources();
    // A superset: every identifier of the SQL that reads the source, keys, keys-from; not comments or strings.
    assertEquals(Optional.of(Set.of("order_date", "shop_id", "sum", "amount", "discount", "count", "orders", "status",
        "where", "group", "by", "select", "as", "gmv", "from", "order_id", "seller_id", "coalesce")),
        plan.columnsRead(sources.get("orders")));
    assertEquals(Optional.of(Set.of("select", "s", "shop_id", "shop name", "from", "shops", "order_date")),
        plan.columnsRead(sources.get("shops")));
    assertEquals(Optional.empty(), plan.columnsRead(sources.get("events")));
    List<String> lines = PlanPrinter.render(plan, TableFormats.all()).lines().map(String::strip).toList();
    // Sources in name order: events, orders, shops.
    assertEquals(List.of("changes read: every column (a step that reads it can read columns it does not name: a star,"
            + " NATURAL JOIN, a TABLE query, a kind or class step; or a target or a check reads it whole)",
        "changes read: only the columns that the steps and targets name",
        "changes read: only the columns that the steps and targets name"),
        lines.stream().filter(line -> line.startsWith("changes read: ")).toList());
  }

  @Test
  void theSettingsNameTheProfileTheyWereMergedOverAndPlanShowsIt() throws Exception {
    JobSpec found = loader(Map.of()).load(GOOD.resolve("orders.conf"), SpecLoader.Options.defaults());
    assertEquals(Optional.of(Path.of("src/test/resources/specs/env/local.conf").toString()),
        found.settings().profile());
    // A copy with no env/ folder beside or above it finds none.
    JobSpec none = loader(Map.of()).load(TestSpecs.ordersAlone(), SpecLoader.Options.defaults());
    assertEquals(Optional.empty(), none.settings().profile());
    assertTrue(PlanPrinter.render(Plan.of(none), TableFormats.all()).lines()
        .anyMatch(line -> line.equals("  profile none (Spark's defaults under the spec's settings)")));
    Path file = GOOD.resolve("../env/test.conf");
    JobSpec given = loader(Map.of()).load(GOOD.resolve("orders.conf"), new SpecLoader.Options(Optional.empty(),
        Optional.of(file), List.of()));
    assertEquals(Optional.of(file.toString()), given.settings().profile());
    assertTrue(PlanPrinter.render(Plan.of(given), TableFormats.all()).lines()
        .anyMatch(line -> line.equals("  profile " + file)));
  }

  @Test
  void environmentVariablesFillOptionalSubstitutions() throws Exception {
    JobSpec spec = loader(Map.of("LAKEPIPE_TEST_EVENTS", "/e", "LAKEPIPE_TEST_SUFFIX", "v2"))
        .load(GOOD.resolve("overlay.conf"), SpecLoader.Options.defaults());
    assertEquals(Optional.of("out/v2"), spec.targets().get("out").path());
  }

  @Test
  void theWarehouseComesFromTheEnvironmentVariableAndIsMadeAbsolute() throws Exception {
    JobSpec spec = loader(Map.of("LAKEPIPE_WAREHOUSE", "some/wh")).load(GOOD.resolve("orders.conf"),
        SpecLoader.Options.defaults());
    assertEquals(Path.of("some/wh").toAbsolutePath().toString(), spec.settings().warehouse());
    JobSpec defaulted = loader(Map.of()).load(GOOD.resolve("orders.conf"), SpecLoader.Options.defaults());
    assertEquals(Path.of("warehouse").toAbsolutePath().toString(), defaulted.settings().warehouse());
  }

  @Test
  void setOverridesAreCheckedLikeTheSpec() {
    InvalidSpecException invalid = assertThrows(InvalidSpecException.class, () -> loader(Map.of()).load(
        GOOD.resolve("orders.conf"), new SpecLoader.Options(Optional.empty(), Optional.empty(),
            List.of("targets.orders.mode=upsret", "no-equals-sign"))));
    assertEquals(List.of("--set:2: no-equals-sign: expected key=value"),
        invalid.problems().stream().map(SpecProblem::toString).toList());
    InvalidSpecException badMode = assertThrows(InvalidSpecException.class, () -> loader(Map.of()).load(
        GOOD.resolve("orders.conf"), new SpecLoader.Options(Optional.empty(), Optional.empty(),
            List.of("targets.orders.mode=upsret"))));
    assertEquals(List.of("--set:1: targets.orders.mode: unknown mode 'upsret'; did you mean 'upsert'? (known: append,"
        + " overwrite, overwrite-partitions, upsert, delete)"),
        badMode.problems().stream().map(SpecProblem::toString).toList());
  }

  @Test
  void withoutASpecTheSettingsComeFromTheProfileAndSet() throws Exception {
    EngineSettings settings = loader(Map.of()).loadSettings(GOOD, new SpecLoader.Options(Optional.of("test"),
        Optional.empty(), List.of("spark.conf.shared=cli")));
    assertEquals(new EngineSettings("/from-env", Optional.of("local[1]"), Optional.empty(),
        Map.of("a.from.env", "env", "shared", "cli"), "envcat", Optional.of(PROFILE)), settings);
    InvalidSpecException invalid = assertThrows(InvalidSpecException.class, () -> loader(Map.of()).loadSettings(GOOD,
        new SpecLoader.Options(Optional.empty(), Optional.empty(), List.of("catalog=no-such", "wharehouse=/x"))));
    assertEquals(List.of("--set:1: catalog: 'no-such' is not a valid catalog name",
        "--set:2: wharehouse: unknown key; did you mean 'warehouse'?"),
        invalid.problems().stream().map(SpecProblem::toString).toList());
  }

  @Test
  void anUnknownEnvironmentProfileIsAProblem() {
    InvalidSpecException invalid = assertThrows(InvalidSpecException.class, () -> loader(Map.of()).load(
        GOOD.resolve("orders.conf"), new SpecLoader.Options(Optional.of("nope"), Optional.empty(), List.of())));
    assertEquals("--env", invalid.problems().get(0).key());
  }
}
