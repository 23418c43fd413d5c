package dev.lakepipe.run;

import java.util.List;

/** A pipeline has a target that a streaming run cannot compute; nothing ran. Exit code 2. */
public class StreamingNotSupportedException extends RuntimeException {
  public StreamingNotSupportedException(List<String> reasons) {
    super("cannot run as a stream: " + String.join("; ", reasons));
  }
}
