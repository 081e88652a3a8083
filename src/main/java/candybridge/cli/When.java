package candybridge.cli;

import candybridge.config.DurationText;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * A point in time as every command takes it ({@code --since}, {@code --until}): a date ({@code
 * 2026-11-01}, midnight UTC), an instant with offset ({@code 2026-11-01T12:00:00Z}), or an age
 * before now ({@code 48h}, {@code 7d}, {@code 90m}).
 */
final class When {
  /** For option descriptions: what DATE may be. */
  static final String FORMS =
      "2026-11-01 (midnight UTC), 2026-11-01T12:00:00Z, or an age such as 48h or 7d";

  private When() {}

  /**
   * Parses {@code text}; a message naming {@code option} and the accepted forms when it is none of
   * them.
   */
  static Instant parse(String option, String text, Instant now) {
    String t = text.strip();
    try {
      if (t.matches("\\d{4}-\\d{2}-\\d{2}")) {
        return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      if (t.contains("T")) {
        return OffsetDateTime.parse(t).toInstant();
      }
      return now.minus(DurationText.parse(t));
    } catch (DateTimeParseException | IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": '" + t + "' is not a date: use " + FORMS, e);
    }
  }
}
