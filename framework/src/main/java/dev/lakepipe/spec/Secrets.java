package dev.lakepipe.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Which settings of a spec hold secrets, so that nothing lakepipe prints or stores shows them: the settings
 * (Spark conf, source and target options) whose key names a password, secret, token, credential or key, such as
 * {@code fs.s3a.secret.key} or {@code password}. Keys such as {@code recordkey.field} name columns, not secrets.
 */
public final class Secrets {
  /** What a secret is shown as. */
  public static final String MASK = "***";

  private static final Set<String> SECRET_WORDS =
      Set.of("password", "passwd", "secret", "token", "credential", "credentials", "apikey");
  /** "key" is a secret after these words only: access.key, secret.key, private-key, api_key. */
  private static final Set<String> KEY_QUALIFIERS = Set.of("access", "secret", "private", "api", "account", "sas");
  /** Values shorter than this are not masked inside free text: "" or "1" would mask half of every line. */
  private static final int SHORTEST_MASKED = 4;

  private Secrets() {}

  /** Whether a setting's key names a secret. */
  public static boolean isSecret(String key) {
    List<String> words = Arrays.asList(key.toLowerCase(Locale.ROOT).split("[._\\-\\s]+"));
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      if (SECRET_WORDS.contains(word) || (word.equals("key") && i > 0 && KEY_QUALIFIERS.contains(words.get(i - 1)))) {
        return true;
      }
    }
    return false;
  }

  /** The value to show for a setting. */
  public static String shown(String key, String value) {
    return isSecret(key) ? MASK : value;
  }

  /** The secret values of a spec, to be masked wherever they might show up in text. */
  public static Set<String> values(JobSpec spec) {
    return values(Stream.of(Stream.of(spec.settings().sparkConf()),
            spec.sources().values().stream().map(SourceSpec::options),
            spec.targets().values().stream().map(TargetSpec::options))
        .flatMap(s -> s));
  }

  /** The secret values of engine settings (an environment profile's Spark settings). */
  public static Set<String> values(EngineSettings settings) {
    return values(Stream.of(settings.sparkConf()));
  }

  private static Set<String> values(Stream<Map<String, String>> settingsMaps) {
    Set<String> values = new TreeSet<>();
    settingsMaps
        .flatMap((Map<String, String> settings) -> settings.entrySet().stream())
        .filter(e -> isSecret(e.getKey()) && e.getValue().length() >= SHORTEST_MASKED)
        .forEach(e -> values.add(e.getValue()));
    return values;
  }

  /** The text with every secret value masked. */
  public static String mask(String text, Set<String> secrets) {
    String masked = text;
    for (String secret : secrets) {
      masked = masked.replace(secret, MASK);
    }
    return masked;
  }
}
