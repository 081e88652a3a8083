package candybridge.config;

import java.util.Locale;
import java.util.Optional;

/**
 * {@code CANDYBRIDGE_ON_UNCERTAIN}: what the worker does with a call that may have been processed
 * (docs/design.md §6). {@code HOLD} (the default) keeps it {@code in_doubt} for an operator,
 * because ReferralCandy does not deduplicate purchases; {@code RETRY} resends it on the schedule,
 * accepting a possible second purchase for never leaving a sale unsent.
 */
public enum OnUncertain {
  HOLD,
  RETRY;

  public static Optional<OnUncertain> parse(String word) {
    return switch (word.trim().toLowerCase(Locale.ROOT)) {
      case "hold" -> Optional.of(HOLD);
      case "retry" -> Optional.of(RETRY);
      default -> Optional.empty();
    };
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
