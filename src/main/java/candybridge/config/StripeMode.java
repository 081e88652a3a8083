package candybridge.config;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code CANDYBRIDGE_STRIPE_MODE}: which Stripe events may reach ReferralCandy, which has no test
 * mode. {@code live} (the default) lets only events with {@code livemode: true} through, {@code
 * test} only test-mode ones, {@code any} both. An event of the other mode is still stored, with the
 * reason, so that history shows it.
 */
public enum StripeMode {
  LIVE,
  TEST,
  ANY;

  public static final String SETTING = "CANDYBRIDGE_STRIPE_MODE";

  /**
   * Parses {@code live}, {@code test} or {@code any}; throws IllegalArgumentException otherwise.
   */
  public static StripeMode parse(String raw) {
    String v = raw.strip().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "live" -> LIVE;
      case "test" -> TEST;
      case "any" -> ANY;
      default ->
          throw new IllegalArgumentException(
              "must be live, test or any, not '" + raw.strip() + "'");
    };
  }

  /** The setting from the environment, {@code live} when unset; throws IllegalArgumentException. */
  public static StripeMode fromEnv(Map<String, String> env) {
    String raw = env.getOrDefault(SETTING, "");
    try {
      return raw.isBlank() ? LIVE : parse(raw);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(SETTING + ": " + e.getMessage(), e);
    }
  }

  /**
   * The mode a Stripe API key works in: {@code sk_test_}, {@code rk_test_} (and {@code pk_test_})
   * keys are test keys, every other key is a live one.
   */
  public static StripeMode ofKey(String key) {
    String k = key.strip();
    return k.startsWith("sk_test_") || k.startsWith("rk_test_") || k.startsWith("pk_test_")
        ? TEST
        : LIVE;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Why an event of this {@code livemode} may not reach ReferralCandy in this mode (e.g. {@code
   * test-mode event while CANDYBRIDGE_STRIPE_MODE=live}); empty when it may.
   */
  public Optional<String> refusal(boolean livemode) {
    if (this == ANY || (this == LIVE) == livemode) {
      return Optional.empty();
    }
    return Optional.of(
        (livemode ? "live-mode" : "test-mode") + " event while " + SETTING + "=" + wireName());
  }
}
