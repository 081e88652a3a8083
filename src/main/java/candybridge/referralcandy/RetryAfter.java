package candybridge.referralcandy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads an HTTP {@code Retry-After} header value: delta seconds or an IMF-fixdate HTTP-date. */
final class RetryAfter {
  private static final Pattern DELTA_SECONDS = Pattern.compile("-?\\d{1,18}");

  private RetryAfter() {}

  /**
   * The delay the header asks for, measured from {@code now} for a date. A negative delay or a date
   * in the past gives zero; a value that is neither form gives empty.
   */
  static Optional<Duration> parse(String header, Instant now) {
    String value = header.trim();
    if (DELTA_SECONDS.matcher(value).matches()) {
      return Optional.of(atLeastZero(Duration.ofSeconds(Long.parseLong(value))));
    }
    try {
      Instant date = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return Optional.of(atLeastZero(Duration.between(now, date)));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static Duration atLeastZero(Duration delay) {
    return delay.isNegative() ? Duration.ZERO : delay;
  }
}
