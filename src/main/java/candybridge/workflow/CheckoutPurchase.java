package candybridge.workflow;

import candybridge.referralcandy.RcCall;
import candybridge.referralcandy.RcMethod;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Turns a Stripe Checkout Session into a ReferralCandy {@code purchase} call (DESIGN.md §3).
 *
 * <p>Optional fields that are missing are simply not sent. When a field that ReferralCandy needs is
 * missing (e-mail address, amount, currency) the delivery is planned as blocked, with every
 * parameter that could be mapped and a reason that names the session but never the e-mail address,
 * because reasons are logged.
 */
final class CheckoutPurchase {
  private CheckoutPurchase() {}

  /** The deduplication key shared by every event of one session: one purchase per session. */
  static String dedupeKey(String sessionId) {
    return "purchase:" + sessionId;
  }

  /**
   * Plans the purchase for {@code session} ({@code data.object} of a checkout session event).
   *
   * @param sessionId the session's {@code id}, already known not to be blank
   * @param orderTimestamp Unix seconds, sent as {@code order_timestamp}
   */
  static PlannedDelivery plan(JsonNode session, String sessionId, long orderTimestamp) {
    SortedMap<String, String> params = new TreeMap<>();
    List<String> problems = new ArrayList<>();

    Optional<String> email =
        JsonText.at(session, "customer_details", "email")
            .or(() -> JsonText.at(session, "customer_email"));
    email.ifPresentOrElse(
        address -> params.put("email", address),
        () ->
            problems.add(
                "no e-mail address on checkout session "
                    + sessionId
                    + ": customer_details.email and customer_email are empty"));
    name(session, email)
        .ifPresent(
            name -> {
              params.put("first_name", name.first());
              name.last().ifPresent(last -> params.put("last_name", last));
            });
    putAmount(session, sessionId, params, problems);
    params.put("order_timestamp", Long.toString(orderTimestamp));
    params.put("external_reference_id", sessionId);
    params.put("accepts_marketing", Boolean.toString(acceptsMarketing(session)));
    JsonText.at(session, "locale")
        .flatMap(Locales::toReferralCandy)
        .ifPresent(locale -> params.put("locale", locale));
    JsonText.at(session, "metadata", "referrer_id")
        .or(() -> JsonText.at(session, "metadata", "aic"))
        .ifPresent(referrer -> params.put("referrer_id", referrer));
    JsonText.at(session, "metadata", "browser_ip").ifPresent(ip -> params.put("browser_ip", ip));
    JsonText.at(session, "metadata", "user_agent").ifPresent(ua -> params.put("user_agent", ua));

    RcCall call = new RcCall(RcMethod.PURCHASE, params);
    String key = dedupeKey(sessionId);
    if (problems.isEmpty()) {
      return PlannedDelivery.ready(key, call);
    }
    return PlannedDelivery.blocked(key, call, String.join("; ", problems) + "; nothing was sent");
  }

  private static Optional<PersonName> name(JsonNode session, Optional<String> email) {
    return JsonText.at(session, "customer_details", "name")
        .flatMap(PersonName::fromFullName)
        .or(() -> email.flatMap(PersonName::fromEmail));
  }

  private static void putAmount(
      JsonNode session, String sessionId, SortedMap<String, String> params, List<String> problems) {
    Optional<String> currency = JsonText.at(session, "currency");
    JsonNode amount = session.path("amount_total");
    boolean amountIsWhole = amount.isIntegralNumber() && amount.canConvertToLong();
    if (!amountIsWhole) {
      problems.add(
          (amount.isMissingNode() || amount.isNull()
                  ? "no amount_total"
                  : "amount_total is not a whole number")
              + " on checkout session "
              + sessionId);
    }
    if (currency.isEmpty()) {
      problems.add("no currency on checkout session " + sessionId);
    }
    if (amountIsWhole && currency.isPresent()) {
      params.put("invoice_amount", MinorUnits.toMajorUnits(amount.longValue(), currency.get()));
    }
    currency.ifPresent(code -> params.put("currency_code", code.toUpperCase(Locale.ROOT)));
  }

  /** ReferralCandy assumes consent when the parameter is absent, so it is always sent. */
  private static boolean acceptsMarketing(JsonNode session) {
    return JsonText.at(session, "consent", "promotions").filter("opt_in"::equals).isPresent();
  }
}
