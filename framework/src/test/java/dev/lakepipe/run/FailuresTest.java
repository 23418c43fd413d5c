package dev.lakepipe.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FailuresTest {
  @Test
  void theReasonIsTheFirstLineOfTheInnermostMessageNeverEmpty() {
    Exception parse = new IllegalArgumentException("\n[PARSE_SYNTAX_ERROR] Syntax error at or near 'FORM'.(line 1,"
        + " pos 9)\n\n== SQL ==\nSELECT * FORM x\n---------^^^\n");
    assertEquals("[PARSE_SYNTAX_ERROR] Syntax error at or near 'FORM'.(line 1, pos 9)", Failures.reason(parse));
    Exception wrapped = new RuntimeException("Failed to apply clean commit to metadata",
        new IllegalStateException(new InterruptedException()));
    assertEquals("Failed to apply clean commit to metadata; caused by: java.lang.InterruptedException",
        Failures.reason(wrapped));
    assertEquals("java.lang.InterruptedException", Failures.reason(new InterruptedException()));
    assertEquals("read failed: no such file", Failures.reason(new RuntimeException("read failed: no such file",
        new IllegalStateException("no such file"))));
  }
}
