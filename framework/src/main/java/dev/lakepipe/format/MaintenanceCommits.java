package dev.lakepipe.format;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The lakepipe properties of a commit that maintenance makes: those of the table's latest commit, so its
 * checkpoints stay in the latest commit where incremental runs look for them, marked as maintenance.
 */
public final class MaintenanceCommits {
  /** Marks a commit made by maintenance (compaction, a restore); its other properties are those it carried over. */
  public static final String MAINTENANCE = CommitContext.PREFIX + "maintenance";

  private MaintenanceCommits() {}

  /** The properties to give a maintenance commit made after {@code latest}. */
  public static Map<String, String> properties(Optional<Commit> latest) {
    Map<String, String> properties = new LinkedHashMap<>(latest.map(Commit::properties).orElse(Map.of()));
    properties.put(MAINTENANCE, "true");
    return properties;
  }

  /** Whether a commit was made by maintenance. */
  public static boolean isMaintenance(Commit commit) {
    return "true".equals(commit.properties().get(MAINTENANCE));
  }
}
