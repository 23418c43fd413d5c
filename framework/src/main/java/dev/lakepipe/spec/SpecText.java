package dev.lakepipe.spec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Refuses, before a parser sees it, a spec file that is not plain UTF-8 text of a sane size and nesting: the
 * parsers recurse on nesting (a deep file overflows their stack) and read a whole file into memory.
 */
final class SpecText {
  /** Far above any real spec; bounds the memory a spec check takes. */
  static final int MAX_BYTES = 1 << 20;
  /** Far above any real spec (sources.NAME.options.KEY is four levels); keeps the parsers' recursion shallow. */
  static final int MAX_DEPTH = 64;

  private SpecText() {}

  /** The problem that a value nested deeper than {@link #MAX_DEPTH} makes, at its line. */
  static SpecProblem tooDeep(String display, int line) {
    return new SpecProblem(display, line, "(syntax)", "nested more than " + MAX_DEPTH + " levels deep");
  }

  /**
   * @return the file's text, or the one problem that makes it unreadable as a spec
   * @throws IOException when the file cannot be read
   */
  static Text read(Path file, String display) throws IOException {
    long size = Files.size(file);
    if (size > MAX_BYTES) {
      return problem(new SpecProblem(display, 0, "(file)",
          "too large: " + size + " bytes; a spec is at most " + MAX_BYTES + " bytes"));
    }
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length >= 2 && ((bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF)
        || (bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE))) {
      return problem(new SpecProblem(display, 1, "(file)",
          "not UTF-8 text (UTF-16, by its byte order mark); save the spec as UTF-8"));
    }
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer input = ByteBuffer.wrap(bytes);
    CharBuffer text = CharBuffer.allocate(bytes.length);
    if (decoder.decode(input, text, true).isError()) {
      return problem(new SpecProblem(display, lineAt(bytes, input.position()), "(file)",
          "not UTF-8 text; save the spec as UTF-8"));
    }
    String decoded = text.flip().toString();
    int line = 1;
    for (int i = 0; i < decoded.length(); i++) {
      char c = decoded.charAt(i);
      if (c == '\n') {
        line++;
      } else if (Character.isISOControl(c) && c != '\t' && c != '\r' && c != '\f') {
        return problem(new SpecProblem(display, line, "(file)",
            String.format("not a text file: it holds the control character U+%04X", (int) c)));
      }
    }
    return new Text(decoded, Optional.empty());
  }

  private static int lineAt(byte[] bytes, int end) {
    int line = 1;
    for (int i = 0; i < end; i++) {
      if (bytes[i] == '\n') {
        line++;
      }
    }
    return line;
  }

  private static Text problem(SpecProblem problem) {
    return new Text("", Optional.of(problem));
  }

  /**
   * The first place where HOCON text nests objects, lists or dotted key paths deeper than {@link #MAX_DEPTH},
   * skipping strings and comments.
   */
  static Optional<SpecProblem> hoconTooDeep(String text, String display) {
    int depth = 0;
    int line = 1;
    int dots = 0;
    boolean key = true;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        line++;
        dots = 0;
        key = true;
      } else if (text.startsWith("\"\"\"", i)) {
        int end = text.indexOf("\"\"\"", i + 3);
        end = end < 0 ? text.length() : end + 2;
        line += (int) text.substring(i, end).chars().filter(ch -> ch == '\n').count();
        i = end;
      } else if (c == '"') {
        for (i++; i < text.length() && text.charAt(i) != '"' && text.charAt(i) != '\n'; i++) {
          if (text.charAt(i) == '\\') {
            i++;
          }
        }
      } else if (c == '#' || text.startsWith("//", i)) {
        int end = text.indexOf('\n', i);
        i = (end < 0 ? text.length() : end) - 1;
      } else if (c == '{' || c == '[') {
        depth++;
        dots = 0;
        key = c == '{';
      } else if (c == '}' || c == ']') {
        depth--;
      } else if (c == '=' || c == ':') {
        key = false;
      } else if (c == ',') {
        key = true;
        dots = 0;
      } else if (c == '.' && key) {
        dots++;
      }
      if (depth + dots > MAX_DEPTH) {
        return Optional.of(tooDeep(display, line));
      }
    }
    return Optional.empty();
  }

  /** A spec file's text, or the problem that makes it unreadable. */
  record Text(String text, Optional<SpecProblem> problem) {}
}
