package dev.lakepipe.run;

import java.time.Instant;
import java.util.List;

/** What a run did, node by node. */
public record RunResult(String pipeline, String runId, Instant logicalTime, List<NodeResult> nodes, double seconds) {
  public RunResult {
    nodes = List.copyOf(nodes);
  }

  public List<NodeResult> of(NodeResult.Kind kind) {
    return nodes.stream().filter(n -> n.kind() == kind).toList();
  }

  /** The result of the named node of that kind. @throws IllegalArgumentException when there is none */
  public NodeResult node(NodeResult.Kind kind, String name) {
    return of(kind).stream().filter(n -> n.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no " + kind + " node " + name));
  }

  public long rows(NodeResult.Kind kind) {
    return of(kind).stream().mapToLong(n -> n.rows().orElse(0)).sum();
  }
}
