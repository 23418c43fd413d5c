package dev.lakepipe.cli;

/**
 * Adds a subcommand to {@code lakepipe} from another module (found with {@link java.util.ServiceLoader}), so
 * that, for example, the reference pipelines can offer {@code lakepipe demo} without the framework knowing them.
 */
public interface CommandExtension {
  /** A picocli command object (annotated with {@code @Command}). */
  Object command();
}
