package candybridge.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the durations operators write in settings: {@code 500ms}, {@code 30s}, {@code 2m}, {@code
 * 1h}, {@code 3d}.
 */
public final class DurationText {
  private static final Pattern ONE = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)");

  private DurationText() {}

  /** Parses one duration; throws IllegalArgumentException naming the text when it is not one. */
  public static Duration parse(String text) {
    Matcher m = ONE.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'"
              + text.trim()
              + "' is not a duration (use a whole number with ms, s, m, h or d, e.g. 30s)");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> throw new IllegalStateException("pattern and switch disagree: " + m.group(2));
    };
  }

  /** Parses a comma-separated list; empty items are an error. */
  public static List<Duration> parseList(String text) {
    List<Duration> out = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      if (part.isBlank()) {
        throw new IllegalArgumentException("'" + text + "' has an empty item");
      }
      out.add(parse(part));
    }
    return List.copyOf(out);
  }

  /** Renders a duration the way it is written in settings, largest exact unit first. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 86_400_000 == 0 && ms > 0) return ms / 86_400_000 + "d";
    if (ms % 3_600_000 == 0 && ms > 0) return ms / 3_600_000 + "h";
    if (ms % 60_000 == 0 && ms > 0) return ms / 60_000 + "m";
    if (ms % 1000 == 0) return ms / 1000 + "s";
    return ms + "ms";
  }
}
