package dev.lakepipe.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lakepipe.cli.ExitCodes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The spec check of step kinds, without Spark: each problem of a kind's block at its file and line. */
class StepKindSpecTest {
  @Test
  void brokenBlocksAreRejectedAtTheirLines() {
    String spec = "src/test/resources/specs/broken-kinds.conf";
    String output = TrainingPipeline.lakepipeAsIs(List.of("validate", spec), ExitCodes.INVALID);
    assertEquals(List.of(
            spec + ":4: steps.no_block.sequence: missing required key (the settings of a sequence step)",
            spec + ":7: steps.bad_block.sequence: 'impresions' is not a source or step; did you mean 'impressions'?",
            spec + ":8: steps.bad_block.sequence.length: expected a whole number, got many",
            spec + ":8: steps.bad_block.sequence.windw: unknown key; did you mean 'window'?",
            spec + ":10: steps.wrong_block.training-set: the block training-set applies to kind = training-set",
            spec + ":11: steps.unknown.kind: unknown step kind 'sequences'; did you mean 'sequence'? (known: sequence,"
                + " training-set)"),
        output.lines().filter(l -> l.startsWith(spec)).toList());
  }
}
