package dev.lakepipe.spec;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigIncluderFile;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOriginFactory;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a HOCON spec's {@code include "file"} relative to the including file, with the same checks as the spec
 * itself ({@link SpecText}), and refuses a cycle of includes by name. An include that fails throws a {@link
 * ConfigException.IO} at the line of the include statement, message {@code NAME: reason}.
 */
final class SpecIncluder implements ConfigIncluder, ConfigIncluderFile {
  private final List<Path> chain;
  private final String display;

  /**
   * @param file the file being read
   * @param display the file as the user named it; an included file is named relative to it
   */
  SpecIncluder(Path file, String display) {
    this(List.of(file.toAbsolutePath().normalize()), display);
  }

  private SpecIncluder(List<Path> chain, String display) {
    this.chain = List.copyOf(chain);
    this.display = display;
  }

  @Override
  public ConfigIncluder withFallback(ConfigIncluder next) {
    // Only files are included, never the classpath: a spec's includes are the user's files.
    return this;
  }

  @Override
  public ConfigObject include(ConfigIncludeContext context, String what) {
    return includeFile(context, new File(what));
  }

  @Override
  public ConfigObject includeFile(ConfigIncludeContext context, File what) {
    Path including = chain.get(chain.size() - 1);
    Path file = including.resolveSibling(what.toPath()).toAbsolutePath().normalize();
    String name = what.toString();
    if (chain.contains(file)) {
      throw failure(including, name, file.equals(including) ? "includes itself" : "the includes form a cycle");
    }
    if (!Files.isRegularFile(file)) {
      if (context.parseOptions().getAllowMissing()) {
        return ConfigFactory.empty().root();
      }
      throw failure(including, name, "no such file");
    }
    try {
      Optional<SpecProblem> unreadable = SpecText.read(file, name).problem();
      if (unreadable.isPresent()) {
        throw failure(including, name, unreadable.get().message());
      }
      String text = Files.readString(file);
      Optional<SpecProblem> tooDeep = SpecText.hoconTooDeep(text, name);
      if (tooDeep.isPresent()) {
        throw failure(including, name, tooDeep.get().message());
      }
    } catch (IOException e) {
      throw failure(including, name, "cannot read: " + e.getMessage());
    }
    List<Path> longer = new ArrayList<>(chain);
    longer.add(file);
    return ConfigFactory.parseFile(file.toFile(), context.parseOptions().setAllowMissing(false)
        .setIncluder(new SpecIncluder(longer, Path.of(display).resolveSibling(name).toString()))).root();
  }

  private ConfigException failure(Path including, String name, String reason) {
    return new ConfigException.IO(ConfigOriginFactory.newFile(display)
        .withLineNumber(lineOf(including, name)), name + ": " + reason);
  }

  /** The line of the include statement that names {@code name}; HOCON does not tell an includer. */
  private static int lineOf(Path including, String name) {
    try {
      List<String> lines = Files.readAllLines(including);
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).contains("include") && lines.get(i).contains("\"" + name + "\"")) {
          return i + 1;
        }
      }
    } catch (IOException e) {
      // The line is a convenience; the problem stands without it.
    }
    return 0;
  }
}
