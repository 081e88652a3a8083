package candybridge.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * {@code serve}'s optional periodic reconciliation: how often it runs, and how far back each run
 * looks for events whose webhook never arrived.
 */
public record ReconcileSettings(Duration every, Duration window) {
  static final String EVERY = "CANDYBRIDGE_RECONCILE_EVERY";
  static final String WINDOW = "CANDYBRIDGE_RECONCILE_WINDOW";
  static final Duration DEFAULT_WINDOW = Duration.ofHours(48);
  static final Duration MIN_EVERY = Duration.ofMinutes(1);

  /** Stripe keeps events for 30 days: neither a window nor a backfill can reach further back. */
  public static final Duration STRIPE_RETENTION = Duration.ofDays(30);

  public ReconcileSettings {
    requireNonNull(every, "every == null");
    requireNonNull(window, "window == null");
    if (every.compareTo(MIN_EVERY) < 0) {
      throw new IllegalArgumentException(
          EVERY + " must be at least " + DurationText.format(MIN_EVERY));
    }
    if (window.isZero() || window.isNegative() || window.compareTo(STRIPE_RETENTION) > 0) {
      throw new IllegalArgumentException(
          WINDOW
              + " must be longer than zero and at most "
              + DurationText.format(STRIPE_RETENTION)
              + " (Stripe keeps events for 30 days)");
    }
  }

  /**
   * The settings from {@code CANDYBRIDGE_RECONCILE_EVERY} (e.g. {@code 6h}; unset: off, empty) and
   * {@code CANDYBRIDGE_RECONCILE_WINDOW} (default {@code 48h}).
   *
   * @throws IllegalArgumentException naming the setting when one is malformed, when the window is
   *     set without the interval, or when reconciliation is on without {@code STRIPE_API_KEY}
   */
  public static Optional<ReconcileSettings> fromEnv(Map<String, String> env) {
    String every = env.getOrDefault(EVERY, "").strip();
    String window = env.getOrDefault(WINDOW, "").strip();
    if (every.isEmpty()) {
      if (!window.isEmpty()) {
        throw new IllegalArgumentException(
            WINDOW
                + " is set but "
                + EVERY
                + " is not: set "
                + EVERY
                + " (e.g. 6h) to turn reconciliation on");
      }
      return Optional.empty();
    }
    if (env.getOrDefault("STRIPE_API_KEY", "").isBlank()) {
      throw new IllegalArgumentException(
          EVERY + " needs STRIPE_API_KEY: reconciliation reads Stripe's Events API");
    }
    return Optional.of(
        new ReconcileSettings(
            duration(EVERY, every), window.isEmpty() ? DEFAULT_WINDOW : duration(WINDOW, window)));
  }

  private static Duration duration(String name, String text) {
    try {
      return DurationText.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
    }
  }
}
