package dev.lakepipe.cli;

import dev.lakepipe.spec.Secrets;
import java.io.IOException;
import java.io.Writer;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * The writer behind lakepipe's stdout and stderr: once a spec is loaded, its secret values are masked in
 * everything printed, whatever prints it (a plan, a progress line, an error message quoting a setting).
 */
final class MaskingWriter extends Writer {
  private final Writer target;
  private final Set<String> secrets = new CopyOnWriteArraySet<>();

  MaskingWriter(Writer target) {
    this.target = target;
  }

  void addSecrets(Set<String> values) {
    secrets.addAll(values);
  }

  @Override
  public void write(char[] buffer, int offset, int length) throws IOException {
    String text = new String(buffer, offset, length);
    target.write(secrets.isEmpty() ? text : Secrets.mask(text, secrets));
  }

  @Override
  public void flush() throws IOException {
    target.flush();
  }

  @Override
  public void close() throws IOException {
    target.close();
  }
}
