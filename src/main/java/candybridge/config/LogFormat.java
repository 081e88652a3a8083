package candybridge.config;

import java.util.Locale;
import java.util.Map;

/**
 * {@code CANDYBRIDGE_LOG_FORMAT}: {@code text} (the default, {@code logback.xml}) or {@code json}
 * ({@code logback-json.xml}: one JSON object per line). Logback reads its configuration when the
 * first logger is made, so {@link Main} chooses it before anything logs. An explicit {@code
 * -Dlogback.configurationFile} wins. Any other value is reported by the configuration check of
 * {@code serve} and {@code check-config} (the log then stays text).
 */
public final class LogFormat {
  public static final String VARIABLE = "CANDYBRIDGE_LOG_FORMAT";
  static final String LOGBACK_PROPERTY = "logback.configurationFile";
  static final String JSON_CONFIGURATION = "logback-json.xml";

  private LogFormat() {}

  /** {@code text} or {@code json}; anything else is refused. */
  public static String parse(String raw) {
    String v = raw.strip().toLowerCase(Locale.ROOT);
    if (!v.equals("text") && !v.equals("json")) {
      throw new IllegalArgumentException("'" + raw.strip() + "' is not a log format: text or json");
    }
    return v;
  }

  /** Points logback at the JSON configuration when the environment asks for it. */
  public static void select(Map<String, String> env) {
    String raw = env.getOrDefault(VARIABLE, "").strip();
    if (System.getProperty(LOGBACK_PROPERTY) != null || raw.isEmpty()) {
      return;
    }
    try {
      if (parse(raw).equals("json")) {
        System.setProperty(LOGBACK_PROPERTY, JSON_CONFIGURATION);
      }
    } catch (IllegalArgumentException e) {
      // text; the configuration check names the bad value
    }
  }
}
