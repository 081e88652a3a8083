package candybridge.workflow;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Maps a Stripe Checkout {@code locale} to one of the locales ReferralCandy accepts. */
final class Locales {
  /** ReferralCandy's complete list, in its own spelling. */
  private static final List<String> REFERRAL_CANDY =
      List.of(
          "en", "fr", "de", "es", "it", "ja", "nl", "ru", "zh-CN", "zh-HK", "zh-TW", "da", "no",
          "sv", "pt-BR");

  private Locales() {}

  /**
   * ReferralCandy's spelling of an exact match ignoring case ({@code zh-tw} → {@code zh-TW}), else
   * the language part before {@code -} when that is on the list ({@code fr-CA} → {@code fr}), else
   * empty ({@code auto}, {@code zh}, anything unknown), in which case {@code locale} is not sent
   * and ReferralCandy uses the campaign's default language.
   */
  static Optional<String> toReferralCandy(String stripeLocale) {
    Optional<String> exact = find(stripeLocale);
    if (exact.isPresent()) {
      return exact;
    }
    int dash = stripeLocale.indexOf('-');
    return dash < 0 ? Optional.empty() : find(stripeLocale.substring(0, dash));
  }

  private static Optional<String> find(String candidate) {
    String lower = candidate.toLowerCase(Locale.ROOT);
    return REFERRAL_CANDY.stream()
        .filter(known -> known.toLowerCase(Locale.ROOT).equals(lower))
        .findFirst();
  }
}
