package dev.lakepipe.run.algebraic;

/** A step that the algebraic delta cannot maintain; the message says why, for {@code plan} and progress lines. */
public final class NotAlgebraicException extends Exception {
  public NotAlgebraicException(String message) {
    super(message);
  }
}
