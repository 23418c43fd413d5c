package dev.lakepipe.cli;

import dev.lakepipe.run.NodeResult;
import dev.lakepipe.run.RunResult;

/** What a run reports as it goes, besides its progress lines: its start, each node, and how it ended. */
public interface RunEvents {
  /** Reports nothing. */
  RunEvents NONE = new RunEvents() {
    @Override
    public void started() {}

    @Override
    public void node(NodeResult node) {}

    @Override
    public void finished(RunResult result) {}

    @Override
    public void failed(RuntimeException error, double seconds) {}
  };

  void started();

  void node(NodeResult node);

  void finished(RunResult result);

  /** The run failed, or never started (a lock held, a target it cannot run incrementally). */
  void failed(RuntimeException error, double seconds);
}
