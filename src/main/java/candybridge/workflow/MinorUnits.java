package candybridge.workflow;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Set;

/**
 * Converts Stripe amounts (integers in the currency's minor unit) to the plain decimal text
 * ReferralCandy expects as {@code invoice_amount}.
 *
 * <p>The decimal counts follow Stripe's currency table (docs/design.md §3 lists them). ISK, HUF and
 * TWD are two-decimal in the API even though Stripe only accepts whole units for them, so they stay
 * in the default group.
 */
final class MinorUnits {
  private static final Set<String> ZERO_DECIMAL =
      Set.of(
          "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV",
          "XAF", "XOF", "XPF");
  private static final Set<String> THREE_DECIMAL = Set.of("BHD", "JOD", "KWD", "OMR", "TND");

  private MinorUnits() {}

  /**
   * The amount in major units with exactly the currency's number of decimals and a {@code .}
   * separator: 3000 usd is {@code 30.00}, 5000 jpy is {@code 5000}, 12340 kwd is {@code 12.340}.
   * Negative amounts keep their sign. The currency code is matched ignoring case.
   */
  static String toMajorUnits(long amount, String currency) {
    return BigDecimal.valueOf(amount, decimals(currency)).toPlainString();
  }

  /** How many decimals the currency has in Stripe's API: 0, 2 or 3. */
  static int decimals(String currency) {
    String code = currency.toUpperCase(Locale.ROOT);
    if (ZERO_DECIMAL.contains(code)) {
      return 0;
    }
    return THREE_DECIMAL.contains(code) ? 3 : 2;
  }
}
