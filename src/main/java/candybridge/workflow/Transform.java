package candybridge.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * The few documented ways a workflow may reshape a value before it is sent. Each takes the value
 * found (a JSON node) and the event (for the currency of amounts) and yields text, or empty when
 * the value does not fit, in which case the next source of the parameter is tried.
 */
enum Transform {
  /** The value as text. */
  NONE,
  UPPER_CASE,
  LOWER_CASE,
  /** Minor units (an integer) to major units with the currency's decimals: 3000 usd → 30.00. */
  MAJOR_UNITS,
  /** Sum of {@code price.unit_amount × quantity} over an array of items, in major units. */
  ITEMS_TOTAL,
  /** First word of a full name (whitespace trimmed and collapsed). */
  FIRST_NAME,
  /** Everything after the first word of a full name; empty for a one-word name. */
  LAST_NAME,
  /** The part of an e-mail address before any {@code +} and the {@code @}. */
  EMAIL_LOCAL_PART,
  /** Unix seconds, from an integer or an ISO-8601 instant. */
  UNIX_TIME,
  /** A Stripe locale mapped to ReferralCandy's list, or empty (then not sent). */
  RC_LOCALE,
  /** {@code true} when the value is {@code opt_in}, else {@code false} (Stripe consent). */
  OPT_IN;

  String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Optional<Transform> fromKey(String key) {
    for (Transform t : values()) {
      if (t.key().equals(key)) return Optional.of(t);
    }
    return Optional.empty();
  }

  Optional<String> apply(JsonNode value, EventView view) {
    return switch (this) {
      case NONE -> text(value);
      case UPPER_CASE -> text(value).map(s -> s.toUpperCase(Locale.ROOT));
      case LOWER_CASE -> text(value).map(s -> s.toLowerCase(Locale.ROOT));
      case MAJOR_UNITS -> wholeNumber(value).flatMap(minor -> major(minor, view));
      case ITEMS_TOTAL -> itemsTotal(value).flatMap(minor -> major(minor, view));
      case FIRST_NAME -> text(value).flatMap(PersonName::fromFullName).map(PersonName::first);
      case LAST_NAME -> text(value).flatMap(PersonName::fromFullName).flatMap(PersonName::last);
      case EMAIL_LOCAL_PART -> text(value).flatMap(PersonName::fromEmail).map(PersonName::first);
      case UNIX_TIME -> unixTime(value);
      case RC_LOCALE -> text(value).flatMap(Locales::toReferralCandy);
      case OPT_IN ->
          Optional.of(Boolean.toString(text(value).filter("opt_in"::equals).isPresent()));
    };
  }

  static Optional<String> text(JsonNode value) {
    if (value == null || !value.isValueNode() || value.isNull()) {
      return Optional.empty();
    }
    String s = value.asText().strip();
    return s.isEmpty() ? Optional.empty() : Optional.of(s);
  }

  private static Optional<Long> wholeNumber(JsonNode value) {
    return value.isIntegralNumber() && value.canConvertToLong()
        ? Optional.of(value.longValue())
        : Optional.empty();
  }

  /**
   * The currency is the {@code currency} of the event's object (every Stripe money object has one).
   */
  private static Optional<String> major(long minor, EventView view) {
    return text(view.event().object().path("currency"))
        .map(currency -> MinorUnits.toMajorUnits(minor, currency));
  }

  private static Optional<Long> itemsTotal(JsonNode items) {
    if (!items.isArray() || items.isEmpty()) {
      return Optional.empty();
    }
    long total = 0;
    for (JsonNode item : items) {
      Optional<Long> unit = wholeNumber(item.path("price").path("unit_amount"));
      JsonNode q = item.path("quantity");
      long quantity = q.isMissingNode() || q.isNull() ? 1 : q.asLong(-1);
      if (unit.isEmpty() || quantity < 0) {
        return Optional.empty();
      }
      try {
        total = Math.addExact(total, Math.multiplyExact(unit.get(), quantity));
      } catch (ArithmeticException e) {
        return Optional.empty(); // does not fit in a long: not an amount, try the next source
      }
    }
    return Optional.of(total);
  }

  private static Optional<String> unixTime(JsonNode value) {
    if (value.isIntegralNumber()) {
      return Optional.of(Long.toString(value.longValue()));
    }
    return text(value)
        .flatMap(
            s -> {
              if (s.chars().allMatch(Character::isDigit) && s.length() <= 12) {
                return Optional.of(s);
              }
              try {
                return Optional.of(Long.toString(Instant.parse(s).getEpochSecond()));
              } catch (DateTimeParseException e) {
                return Optional.empty();
              }
            });
  }
}
