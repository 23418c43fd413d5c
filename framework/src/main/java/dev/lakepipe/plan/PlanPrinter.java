package dev.lakepipe.plan;

import dev.lakepipe.format.TableAddresses;
import dev.lakepipe.spec.FormatTraits;
import dev.lakepipe.spec.MaintenanceOption;
import dev.lakepipe.spec.MaintenanceSpec;
import dev.lakepipe.spec.Secrets;
import dev.lakepipe.spec.SourceSpec;
import dev.lakepipe.spec.StepSpec;
import dev.lakepipe.spec.TargetSpec;
import dev.lakepipe.step.StepKinds;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Renders a plan as the DAG a user reads before running it. */
public final class PlanPrinter {
  private PlanPrinter() {}

  /** One line of settings, secrets masked. */
  private static void settings(String label, Map<String, String> settings, StringBuilder out) {
    if (!settings.isEmpty()) {
      out.append("      ").append(label).append(' ').append(new TreeMap<>(settings).entrySet().stream()
          .map(e -> e.getKey() + "=" + Secrets.shown(e.getKey(), e.getValue()))
          .collect(Collectors.joining(", "))).append('\n');
    }
  }

  public static String render(Plan plan, Map<String, ? extends FormatTraits> formats) {
    StringBuilder out = new StringBuilder();
    var spec = plan.spec();
    out.append("pipeline ").append(spec.name()).append("  (").append(spec.file()).append(")\n");
    spec.description().ifPresent(d -> out.append("  ").append(d.strip()).append('\n'));
    out.append("  warehouse ").append(spec.settings().warehouse()).append('\n');
    out.append("  profile ")
        .append(spec.settings().profile().orElse("none (Spark's defaults under the spec's settings)")).append('\n');
    settings("spark conf", spec.settings().sparkConf(), out);
    out.append("\nreads\n");
    for (SourceSpec source : plan.reads()) {
      String location = TableAddresses.resolve(spec.settings(), formats.get(source.format()), source.name(),
          source.path(), source.table(), source.options()).location();
      out.append(String.format("  %-20s %-8s %s%s%s%n", source.name(), source.format(), location,
          source.asOf().map(a -> "  as of " + a).orElse(source.incremental() ? "  incremental" : ""),
          formats.get(source.format()).supportsReadOptimized() ? "  query " + source.queryType().specName() : ""));
      settings("options", source.options(), out);
      if (source.incremental()) {
        out.append("      changes read: ").append(plan.columnsRead(source).isPresent()
            ? "only the columns that the steps and targets name"
            : "every column (a step that reads it can read columns it does not name: a star, NATURAL JOIN, a TABLE"
                + " query, a kind or class step; or a target or a check reads it whole)").append('\n');
      }
    }
    out.append("\nsteps (in run order)\n");
    for (StepSpec step : plan.steps()) {
      String kind = step.describeKind();
      out.append(String.format("  %-20s %-8s <- %s%s%n", step.name(), kind, String.join(", ",
          step.sortedDependencies()), step.cache().orElse(true) ? "" : "  (not cached)"));
      step.kind().flatMap(StepKinds::named).ifPresent(k -> out.append("      ").append(k.incremental(step.options()))
          .append('\n'));
    }
    out.append("\nwrites\n");
    boolean incremental = plan.reads().stream().anyMatch(SourceSpec::incremental);
    for (TargetSpec target : plan.writes()) {
      String location = TableAddresses.resolve(spec.settings(), formats.get(target.format()), target.name(),
          target.path(), target.table(), target.options()).location();
      List<String> layout = new ArrayList<>();
      if (!target.keys().isEmpty()) {
        layout.add("keys " + String.join(",", target.keys()));
      }
      target.orderBy().ifPresent(o -> layout.add("order-by " + o));
      if (!target.partitionBy().isEmpty()) {
        layout.add("partition-by " + String.join(",", target.partitionBy()));
      }
      target.buckets().ifPresent(n -> layout.add("buckets " + n));
      out.append(String.format("  %-20s %-8s %-20s <- %s%n      %s%s%n", target.name(), target.format(),
          target.mode().specName(), target.from(), location, layout.isEmpty() ? "" : "  " + String.join("  ", layout)));
      if (formats.get(target.format()).supportsMergeOnRead()) {
        out.append("      storage ").append(target.storage().specName())
            .append(target.storageDefault().map(why -> " (default: " + why + ")").orElse("")).append('\n');
        formats.get(target.format()).compaction(target)
            .ifPresent(how -> out.append("      compaction ").append(how).append('\n'));
      }
      if (formats.get(target.format()).evolvesSchema()) {
        out.append("      schema-evolution ").append(target.schemaEvolution().specName()).append('\n');
      }
      settings("options", target.options(), out);
      if (!target.maintenance().equals(MaintenanceSpec.DEFAULT)) {
        out.append("      maintenance ").append(maintenance(target.maintenance(), formats.get(target.format()))).append('\n');
      }
      if (incremental) {
        out.append("      incremental: ").append(IncrementalStrategy.of(plan, target).reason()).append('\n');
      }
    }
    if (!plan.unusedSteps().isEmpty() || !plan.unusedSources().isEmpty()) {
      out.append("\nnot run (no target needs them): ");
      List<String> unused = new ArrayList<>(plan.unusedSources());
      unused.addAll(plan.unusedSteps());
      out.append(String.join(", ", unused)).append('\n');
    }
    return out.toString();
  }

  /** The block as the spec gives it, keys in the spec's words; what it leaves out is the default. */
  private static String maintenance(MaintenanceSpec maintenance, FormatTraits format) {
    List<String> parts = new ArrayList<>();
    maintenance.targetFileSize().ifPresent(size -> parts.add("target-file-size " + size + " bytes"));
    if (!maintenance.zOrder().isEmpty()) {
      parts.add("z-order " + String.join(",", maintenance.zOrder()));
    }
    List<String> kept = new ArrayList<>();
    if (format.maintenanceLimit(MaintenanceOption.RETAIN).isEmpty()) {
      kept.add(maintenance.retainOrDefault().toString().substring(2).toLowerCase(Locale.ROOT));
    }
    if (format.maintenanceLimit(MaintenanceOption.RETAIN_COMMITS).isEmpty()) {
      kept.add(maintenance.retainCommitsOrDefault() + " commits");
    }
    parts.add("retain " + String.join(" and ", kept) + " (longer where a checkpoint needs it)");
    parts.add(maintenance.every().map(every -> "after a run every " + every.toString().substring(2)
        .toLowerCase(Locale.ROOT)).orElse("by lakepipe maintain only"));
    return String.join("  ", parts);
  }
}
