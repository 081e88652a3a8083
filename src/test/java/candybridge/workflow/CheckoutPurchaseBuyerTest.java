package candybridge.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import candybridge.stripe.StripeEvent;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The buyer parameters of the purchase (docs/design.md §3): e-mail, name, consent and locale. */
class CheckoutPurchaseBuyerTest {
  private static final String NO_EMAIL =
      "email has no value (tried customer_details.email, customer_email, Stripe customer.email of"
          + " customer)";

  @Test
  void minimal_paid_session_maps_to_exactly_the_required_parameters() {
    assertThat(SessionEvent.paid().purchaseParams())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "email", SessionEvent.EMAIL,
                "first_name", "Jenny",
                "last_name", "Rosen",
                "invoice_amount", "30.00",
                "currency_code", "USD",
                "order_timestamp", "1789466652",
                "external_reference_id", "cs_test_rule1",
                "accepts_marketing", "false"));
  }

  static Stream<Arguments> emails() {
    return Stream.of(
        arguments("customer_details.email wins", "a@example.com", "b@example.com", "a@example.com"),
        arguments("customer_email when details have none", null, "b@example.com", "b@example.com"),
        arguments("customer_email when details are blank", "  ", "b@example.com", "b@example.com"),
        arguments("surrounding spaces are trimmed", " a@example.com ", null, "a@example.com"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("emails")
  void email_comes_from_customer_details_then_customer_email(
      String rule, String detailsEmail, String customerEmail, String expected) {
    Map<String, String> params =
        SessionEvent.paid()
            .with("customer_details.email", detailsEmail)
            .with("customer_email", customerEmail)
            .purchaseParams();

    assertThat(params).containsEntry("email", expected);
  }

  private static final String NO_FIRST_NAME =
      "first_name has no value (tried customer_details.name, parameter email)";

  static Stream<Arguments> sessionsWithoutEmail() {
    return Stream.of(
        arguments(
            "both null",
            (UnaryOperator<SessionEvent>) s -> s.with("customer_details.email", null),
            NO_EMAIL),
        arguments(
            "both blank",
            (UnaryOperator<SessionEvent>)
                s -> s.with("customer_details.email", "").with("customer_email", " "),
            NO_EMAIL),
        arguments(
            "both missing",
            (UnaryOperator<SessionEvent>)
                s -> s.without("customer_details.email").without("customer_email"),
            NO_EMAIL),
        arguments(
            "no customer_details block (so no name either)",
            (UnaryOperator<SessionEvent>) s -> s.without("customer_details"),
            NO_EMAIL + "; " + NO_FIRST_NAME));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sessionsWithoutEmail")
  void session_without_email_is_blocked_with_the_other_parameters(
      String rule, UnaryOperator<SessionEvent> change, String problems) {
    Plan plan = change.apply(SessionEvent.paid()).plan();

    assertThat(plan.summary())
        .isEqualTo(
            "checkout-purchase: create_purchase purchase:cs_test_rule1 blocked: "
                + problems
                + "; nothing was sent");
    assertThat(plan.deliveries())
        .singleElement()
        .satisfies(
            delivery -> {
              assertThat(delivery.workflow()).isEqualTo("checkout-purchase");
              assertThat(delivery.dedupeKey()).isEqualTo("purchase:cs_test_rule1");
              assertThat(delivery.needsLookup()).isFalse();
              assertThat(delivery.blockedReason()).contains(problems + "; nothing was sent");
              assertThat(delivery.call().params())
                  .doesNotContainKey("email")
                  .containsEntry("invoice_amount", "30.00")
                  .containsEntry("external_reference_id", "cs_test_rule1");
            });
  }

  @Test
  void session_of_a_customer_without_email_and_without_api_key_is_blocked_naming_the_missing_key() {
    Plan plan =
        SessionEvent.paid()
            .with("customer_details.email", null)
            .with("customer", "cus_test_1")
            .plan();

    assertThat(plan.deliveries())
        .singleElement()
        .satisfies(
            delivery ->
                assertThat(delivery.blockedReason())
                    .contains(
                        "email has no value (tried customer_details.email, customer_email, Stripe"
                            + " customer.email of customer; no STRIPE_API_KEY configured for the"
                            + " customer.email lookup); nothing was sent"));
  }

  @Test
  void session_of_a_customer_without_email_with_api_key_waits_for_the_customer_lookup() {
    StripeEvent event =
        SessionEvent.paid()
            .with("customer_details.email", null)
            .with("customer", "cus_test_1")
            .build();

    Plan plan = Workflow.defaults().plan(EventView.of(event), Lookups.atIngest(true));

    SessionEvent.assertNoEmailIn(plan);
    assertThat(plan.deliveries())
        .singleElement()
        .satisfies(
            delivery -> {
              assertThat(delivery.dedupeKey()).isEqualTo("purchase:cs_test_rule1");
              assertThat(delivery.needsLookup()).isTrue();
              assertThat(delivery.blockedReason()).isEmpty();
              assertThat(delivery.call().params()).doesNotContainKey("email");
            });
  }

  @ParameterizedTest(name = "\"{0}\" -> first \"{1}\", last \"{2}\"")
  @CsvSource(
      nullValues = "NONE",
      value = {
        "Jenny Rosen, Jenny, Rosen",
        "'  Jenny    Rosen  ', Jenny, Rosen",
        "'Jenny\tMaria \n Rosen', Jenny, Maria Rosen",
        "'Jenny\u00a0Rosen', Jenny, Rosen",
        "Ludwig van Beethoven, Ludwig, van Beethoven",
        "Cher, Cher, NONE",
        "'  Cher  ', Cher, NONE",
        "山田 太郎, 山田, 太郎"
      })
  void name_is_split_at_the_first_space_after_normalising_whitespace(
      String name, String first, String last) {
    Map<String, String> params =
        SessionEvent.paid().with("customer_details.name", name).purchaseParams();

    assertThat(params).containsEntry("first_name", first);
    if (last == null) {
      assertThat(params).doesNotContainKey("last_name");
    } else {
      assertThat(params).containsEntry("last_name", last);
    }
  }

  @ParameterizedTest(name = "name {0}, e-mail {1} -> first \"{2}\"")
  @CsvSource(
      nullValues = "NULL",
      value = {
        "NULL, jenny.rosen@example.com, jenny.rosen",
        "'   ', jenny.rosen@example.com, jenny.rosen",
        "NULL, jenny+referral@example.com, jenny",
        "NULL, jenny+a+b@example.com, jenny"
      })
  void without_a_name_the_first_name_is_the_email_local_part_and_no_last_name_is_sent(
      String name, String email, String first) {
    Map<String, String> params =
        SessionEvent.paid()
            .with("customer_details.name", name)
            .with("customer_details.email", email)
            .purchaseParams();

    assertThat(params).containsEntry("first_name", first).doesNotContainKey("last_name");
  }

  @ParameterizedTest(name = "consent {0} -> {1}")
  @CsvSource(
      nullValues = "NULL",
      value = {"opt_in, true", "opt_out, false", "NULL, false", "'', false"})
  void marketing_is_accepted_only_on_promotions_opt_in(String promotions, String expected) {
    Map<String, String> params =
        SessionEvent.paid().with("consent.promotions", promotions).purchaseParams();

    assertThat(params).containsEntry("accepts_marketing", expected);
  }

  @Test
  void marketing_is_not_accepted_without_a_consent_block() {
    assertThat(SessionEvent.paid().without("consent").purchaseParams())
        .containsEntry("accepts_marketing", "false");
    assertThat(SessionEvent.paid().with("consent", null).purchaseParams())
        .containsEntry("accepts_marketing", "false");
  }

  @ParameterizedTest(name = "locale {0} -> {1}")
  @CsvSource(
      nullValues = "NOT_SENT",
      value = {
        "en, en",
        "fr-CA, fr",
        "en-GB, en",
        "zh-TW, zh-TW",
        "zh-tw, zh-TW",
        "pt-BR, pt-BR",
        "ja, ja",
        "auto, NOT_SENT",
        "zh, NOT_SENT",
        "pt, NOT_SENT",
        "xx, NOT_SENT",
        "'', NOT_SENT"
      })
  void locale_is_mapped_to_referral_candys_list(String locale, String expected) {
    assertLocale(SessionEvent.paid().with("locale", locale).purchaseParams(), expected);
  }

  @Test
  void missing_locale_is_not_sent() {
    assertLocale(SessionEvent.paid().without("locale").purchaseParams(), null);
    assertLocale(SessionEvent.paid().with("locale", null).purchaseParams(), null);
  }

  private static void assertLocale(Map<String, String> params, String expected) {
    if (expected == null) {
      assertThat(params).doesNotContainKey("locale");
    } else {
      assertThat(params).containsEntry("locale", expected);
    }
  }
}
