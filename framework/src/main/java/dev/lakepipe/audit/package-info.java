/**
 * The write-audit-publish gate between a run's computed rows and its commit: the framework hands every target that
 * declares {@code checks} to a {@link dev.lakepipe.audit.TargetAuditor} (found with {@link java.util.ServiceLoader};
 * the quality module provides one) and commits only what the {@link dev.lakepipe.audit.Verdict} lets through.
 */
package dev.lakepipe.audit;
