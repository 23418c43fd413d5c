/**
 * Data-quality checks of lakepipe, on Deequ 2.0.7 behind a small Java API (no Scala type in a public signature).
 *
 * <ul>
 *   <li>{@link dev.lakepipe.quality.Check} declares a check: a name, a {@link dev.lakepipe.quality.Check.Level level}
 *       and one {@link dev.lakepipe.quality.CheckKind kind} (row-level, dataset-level or anomaly detection).
 *   <li>{@link dev.lakepipe.quality.QualityRunner} runs all checks of a target in one Deequ verification pass, keeps
 *       the pass's metrics in the target's {@link dev.lakepipe.quality.MetricsHistory} under the run's logical time,
 *       judges the anomaly checks against the earlier points and returns a
 *       {@link dev.lakepipe.quality.QualityReport}: per check the status, the metric, its value and the bound.
 *   <li>{@link dev.lakepipe.quality.Quarantine} splits a run's rows into valid and quarantined rows by the row-level
 *       checks, with the same conditions as the metrics.
 * </ul>
 */
package dev.lakepipe.quality;
