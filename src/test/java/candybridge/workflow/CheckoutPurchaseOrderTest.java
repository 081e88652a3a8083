package candybridge.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The order parameters of the purchase (docs/design.md §3): amount, currency, referral attribution,
 * and tolerance of payloads from older API versions.
 */
class CheckoutPurchaseOrderTest {
  private static final String NO_EMAIL =
      "email has no value (tried customer_details.email, customer_email, Stripe customer.email of"
          + " customer)";
  private static final String NO_AMOUNT = "invoice_amount has no value (tried amount_total)";
  private static final String NO_CURRENCY = "currency_code has no value (tried currency)";

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
    "3000, usd, 30.00, USD",
    "1, usd, 0.01, USD",
    "0, eur, 0.00, EUR",
    "-1500, usd, -15.00, USD",
    "5000, jpy, 5000, JPY",
    "5000, JPY, 5000, JPY",
    "75000, krw, 75000, KRW",
    "12340, kwd, 12.340, KWD",
    "5120, bhd, 5.120, BHD",
    "10000, isk, 100.00, ISK",
    "150000, huf, 1500.00, HUF",
    "12345, twd, 123.45, TWD",
    "9007199254740993, usd, 90071992547409.93, USD"
  })
  void amount_is_sent_in_major_units_with_the_currency_decimals(
      long amountTotal, String currency, String invoiceAmount, String currencyCode) {
    Map<String, String> params =
        SessionEvent.paid()
            .with("amount_total", amountTotal)
            .with("currency", currency)
            .purchaseParams();

    assertThat(params)
        .containsEntry("invoice_amount", invoiceAmount)
        .containsEntry("currency_code", currencyCode);
  }

  @Test
  void session_without_amount_is_blocked() {
    Plan plan = SessionEvent.paid().without("amount_total").plan();

    assertThat(plan.deliveries())
        .singleElement()
        .satisfies(
            delivery -> {
              assertThat(delivery.blockedReason()).contains(NO_AMOUNT + "; nothing was sent");
              assertThat(delivery.call().params())
                  .doesNotContainKey("invoice_amount")
                  .containsEntry("currency_code", "USD");
            });
  }

  @ParameterizedTest
  @ValueSource(strings = {"fraction", "text"})
  void session_with_an_amount_that_is_not_a_whole_number_is_blocked(String shape) {
    Object amount = shape.equals("fraction") ? (Object) 30.5 : "3000";
    Plan plan = SessionEvent.paid().with("amount_total", amount).plan();

    assertThat(plan.deliveries())
        .singleElement()
        .satisfies(
            delivery -> {
              assertThat(delivery.blockedReason()).contains(NO_AMOUNT + "; nothing was sent");
              assertThat(delivery.call().params()).doesNotContainKey("invoice_amount");
            });
  }

  @Test
  void session_without_currency_is_blocked() {
    Plan plan = SessionEvent.paid().with("currency", null).plan();

    assertThat(plan.deliveries())
        .singleElement()
        .satisfies(
            delivery -> {
              assertThat(delivery.blockedReason())
                  .contains(NO_AMOUNT + "; " + NO_CURRENCY + "; nothing was sent");
              assertThat(delivery.call().params())
                  .doesNotContainKeys("invoice_amount", "currency_code");
            });
  }

  @Test
  void every_problem_is_named_in_the_reason_and_no_email_is_ever_in_the_summary() {
    Plan plan =
        SessionEvent.paid()
            .with("customer_details.email", null)
            .with("customer_email", "")
            .without("amount_total")
            .without("currency")
            .plan();

    assertThat(plan.summary())
        .isEqualTo(
            "checkout-purchase: create_purchase purchase:cs_test_rule1 blocked: "
                + NO_EMAIL
                + "; "
                + NO_AMOUNT
                + "; "
                + NO_CURRENCY
                + "; nothing was sent");
  }

  @ParameterizedTest(name = "referrer_id {0}, aic {1} -> {2}")
  @CsvSource(
      nullValues = "NULL",
      value = {
        "adv_1, NULL, adv_1",
        "adv_1, aic_2, adv_1",
        "NULL, aic_2, aic_2",
        "' ', aic_2, aic_2",
        "NULL, NULL, NULL"
      })
  void referrer_comes_from_metadata_referrer_id_then_aic(
      String referrerId, String aic, String expected) {
    SessionEvent event = SessionEvent.paid();
    if (referrerId != null) {
      event.with("metadata.referrer_id", referrerId);
    }
    if (aic != null) {
      event.with("metadata.aic", aic);
    }

    Map<String, String> params = event.purchaseParams();

    if (expected == null) {
      assertThat(params).doesNotContainKey("referrer_id");
    } else {
      assertThat(params).containsEntry("referrer_id", expected);
    }
  }

  @Test
  void browser_ip_and_user_agent_are_sent_from_metadata() {
    Map<String, String> params =
        SessionEvent.paid()
            .with("metadata.browser_ip", "203.0.113.7")
            .with("metadata.user_agent", "Mozilla/5.0 (X11; Linux x86_64)")
            .purchaseParams();

    assertThat(params)
        .containsEntry("browser_ip", "203.0.113.7")
        .containsEntry("user_agent", "Mozilla/5.0 (X11; Linux x86_64)");
  }

  @Test
  void blank_or_missing_browser_ip_and_user_agent_are_not_sent() {
    assertThat(
            SessionEvent.paid()
                .with("metadata.browser_ip", " ")
                .with("metadata.user_agent", "")
                .purchaseParams())
        .doesNotContainKeys("browser_ip", "user_agent");
    assertThat(SessionEvent.paid().with("metadata", null).purchaseParams())
        .doesNotContainKeys("browser_ip", "user_agent", "referrer_id");
    assertThat(SessionEvent.paid().without("metadata").purchaseParams())
        .doesNotContainKeys("browser_ip", "user_agent", "referrer_id");
  }

  @Test
  void discount_code_is_not_sent_without_a_stripe_api_key() {
    Map<String, String> params =
        SessionEvent.paid()
            .withJson("discounts", "[{\"coupon\": null, \"promotion_code\": \"promo_1\"}]")
            .withJson("total_details", "{\"amount_discount\": 500}")
            .purchaseParams();

    assertThat(params).doesNotContainKey("discount_code");
  }

  @Test
  void discount_code_of_a_session_with_a_promotion_code_is_looked_up_before_sending_with_a_key() {
    Plan plan =
        Workflow.defaults()
            .plan(
                EventView.of(
                    SessionEvent.paid()
                        .withJson(
                            "discounts", "[{\"coupon\": null, \"promotion_code\": \"promo_1\"}]")
                        .build()),
                Lookups.atIngest(true));

    assertThat(plan.deliveries())
        .singleElement()
        .satisfies(
            delivery -> {
              assertThat(delivery.needsLookup()).isTrue();
              assertThat(delivery.blockedReason()).isEmpty();
            });
  }

  @Test
  void session_without_a_promotion_code_needs_no_lookup_even_with_a_key() {
    Plan plan =
        Workflow.defaults()
            .plan(
                EventView.of(SessionEvent.paid().withJson("discounts", "[]").build()),
                Lookups.atIngest(true));

    assertThat(plan.deliveries())
        .singleElement()
        .satisfies(
            delivery -> {
              assertThat(delivery.needsLookup()).isFalse();
              assertThat(delivery.call().params()).doesNotContainKey("discount_code");
            });
  }

  @Test
  void session_shaped_by_an_older_api_version_without_optional_blocks_is_a_purchase() {
    SessionEvent event =
        SessionEvent.from(
            """
            {
              "id": "evt_old1",
              "object": "event",
              "api_version": "2020-08-27",
              "created": 1600000000,
              "type": "checkout.session.completed",
              "data": {
                "object": {
                  "id": "cs_test_old1",
                  "object": "checkout.session",
                  "amount_total": 1999,
                  "currency": "gbp",
                  "customer": "cus_old1",
                  "customer_email": "max+shop@example.com",
                  "mode": "payment",
                  "payment_status": "paid"
                }
              }
            }
            """);

    assertThat(event.purchaseParams())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "email", "max+shop@example.com",
                "first_name", "max",
                "invoice_amount", "19.99",
                "currency_code", "GBP",
                "order_timestamp", "1600000000",
                "external_reference_id", "cs_test_old1",
                "accepts_marketing", "false"));
  }
}
