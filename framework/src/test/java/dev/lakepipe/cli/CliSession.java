package dev.lakepipe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A child JVM that runs lakepipe command lines one after another, as {@link Lakepipe#main} would but without
 * exiting, so a test can play an orchestrator for many hours without paying a JVM and Spark start per hour. Each
 * line on stdin is one command line, its arguments separated by tabs; for each, one line on stdout: {@link
 * #REPLY} and a JSON object with the exit code and what the command printed on stdout and stderr.
 */
public final class CliSession {
  /** Marks the reply lines, apart from whatever libraries print. */
  public static final String REPLY = "@@lakepipe ";

  private CliSession() {}

  public static void main(String[] args) throws Exception {
    PrintStream replies = System.out;
    // As Lakepipe.main does: libraries that print to stdout print to stderr instead.
    System.setOut(System.err);
    ObjectMapper json = new ObjectMapper();
    BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = commands.readLine(); line != null; line = commands.readLine()) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = Lakepipe.execute(new PrintWriter(out), new PrintWriter(err), line.split("\t"));
      replies.println(
          REPLY + json.writeValueAsString(Map.of("code", code, "out", out.toString(), "err", err.toString())));
      replies.flush();
    }
  }
}
