package dev.lakepipe.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.cli.Lakepipe;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The spec check of step kinds, without Spark: each problem of a kind's block at its file and line. */
class StepKindSpecTest {
  @Test
  void brokenBlocksAreRejectedAtTheirLines() {
    String spec = "src/test/resources/specs/broken-kinds.conf";
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Lakepipe.execute(new PrintWriter(out), new PrintWriter(err), "validate", spec);
    assertEquals(ExitCodes.INVALID, code, out + "\n" + err);
    assertEquals(List.of(
            spec + ":4: steps.no_block.sequence: missing required key (the settings of a sequence step)",
            spec + ":7: steps.bad_block.sequence: 'impresions' is not a source or step; did you mean 'impressions'?",
            spec + ":8: steps.bad_block.sequence.length: expected a whole number, got many",
            spec + ":8: steps.bad_block.sequence.windw: unknown key; did you mean 'window'?",
            spec + ":10: steps.wrong_block.training-set: the block training-set applies to kind = training-set",
            spec + ":11: steps.unknown.kind: unknown step kind 'sequences'; did you mean 'sequence'? (known: sequence,"
                + " training-set)"),
        err.toString().lines().filter(l -> l.startsWith(spec)).toList());
  }
}
