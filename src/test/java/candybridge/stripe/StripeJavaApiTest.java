package candybridge.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import candybridge.config.Secret;
import candybridge.testing.FakeStripeApiServer;
import candybridge.testing.Fixtures;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StripeJavaApiTest {
  static final String KEY = "sk_test_51CandybridgeFakeKey0000000000000000000000";
  static final String ANA = "cus_TfQ8aBc1De2Fg3";
  static final String ERIKA = "cus_TfS8hJk2Lm3Np4";
  static final String AUTUMN = "promo_1TfAUTUMN";
  private static final Duration TIMEOUT = Duration.ofMillis(500);

  private final FakeStripeApiServer fake = withFixtures(FakeStripeApiServer.start(KEY));
  private final StripeJavaApi api = new StripeJavaApi(new Secret(KEY), fake.apiBase(), TIMEOUT);

  @AfterEach
  void stopFake() {
    fake.close();
  }

  static FakeStripeApiServer withFixtures(FakeStripeApiServer fake) {
    return fake.withCustomer(Fixtures.read("stripe/api/customer." + ANA + ".json"))
        .withCustomer(Fixtures.read("stripe/api/customer." + ERIKA + ".json"))
        .withCustomer(Fixtures.read("stripe/api/customer.cus_deleted.json"))
        .withPromotionCode(Fixtures.read("stripe/api/promotion_code." + AUTUMN + ".json"));
  }

  @Test
  void finds_a_customer_with_e_mail_and_name() throws Exception {
    Optional<StripeCustomer> customer = api.customer(ANA);

    assertThat(customer)
        .contains(
            new StripeCustomer(
                ANA, Optional.of("ana.silva@example.com"), Optional.of("Ana Maria Silva")));
    assertThat(fake.requests())
        .containsExactly(new FakeStripeApiServer.Request("GET", "/v1/customers/" + ANA));
  }

  @Test
  void finds_a_customer_without_a_name() throws Exception {
    assertThat(api.customer(ERIKA))
        .contains(
            new StripeCustomer(
                ERIKA, Optional.of("erika.mustermann@example.com"), Optional.empty()));
  }

  @Test
  void customer_to_string_shows_the_id_and_no_customer_data() throws Exception {
    String text = api.customer(ANA).orElseThrow().toString();

    assertThat(text).contains(ANA).doesNotContain("ana.silva").doesNotContain("Ana Maria");
  }

  @Test
  void a_deleted_customer_is_empty() throws Exception {
    assertThat(api.customer("cus_deleted")).isEmpty();
  }

  @Test
  void an_unknown_customer_is_empty() throws Exception {
    assertThat(api.customer("cus_unknown")).isEmpty();
  }

  @Test
  void finds_the_text_of_a_promotion_code() throws Exception {
    assertThat(api.promotionCodeText(AUTUMN)).contains("AUTUMN25");
    assertThat(fake.requests())
        .containsExactly(new FakeStripeApiServer.Request("GET", "/v1/promotion_codes/" + AUTUMN));
  }

  @Test
  void an_unknown_promotion_code_is_empty() throws Exception {
    assertThat(api.promotionCodeText("promo_unknown")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 503, 429})
  void a_server_error_or_rate_limit_is_unavailable(int status) {
    fake.failNext(status, 1);

    assertThatThrownBy(() -> api.customer(ANA))
        .isInstanceOf(StripeUnavailableException.class)
        .hasMessageStartingWith(
            "Stripe did not answer the Customer lookup for " + ANA + ": HTTP " + status + " ")
        .hasCauseInstanceOf(com.stripe.exception.StripeException.class);
    assertThat(fake.requests()).as("no retry inside the client").hasSize(1);
  }

  @Test
  void a_forbidden_request_is_unavailable_as_permission_denied() {
    fake.failNext(403, 1);

    assertThatThrownBy(() -> api.customer(ANA))
        .isInstanceOf(StripeUnavailableException.class)
        .hasMessageContaining("HTTP 403 permission denied");
  }

  @Test
  void a_server_that_is_down_is_unavailable_for_promotion_codes_too() {
    fake.down(true);

    assertThatThrownBy(() -> api.promotionCodeText(AUTUMN))
        .isInstanceOf(StripeUnavailableException.class)
        .hasMessageContaining("promotion code lookup for " + AUTUMN)
        .hasMessageContaining("HTTP 503 api_error (request req_fake");
  }

  @Test
  void a_hung_request_is_unavailable_after_about_the_timeout() {
    fake.hangNext(1);

    long start = System.nanoTime();
    assertThatThrownBy(() -> api.customer(ANA))
        .isInstanceOf(StripeUnavailableException.class)
        .hasMessageEndingWith(": timeout");
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isBetween(TIMEOUT.minusMillis(100), TIMEOUT.plusSeconds(2));
  }

  @Test
  void a_closed_server_is_unavailable() {
    fake.close();

    assertThatThrownBy(() -> api.customer(ANA))
        .isInstanceOf(StripeUnavailableException.class)
        .hasMessageEndingWith(": cannot connect");
  }

  @Test
  void a_wrong_key_is_unavailable_and_no_message_shows_either_key() {
    String wrongKey = "sk_test_51WrongKeyForCandybridgeTests000000000000000";
    StripeJavaApi wrong = new StripeJavaApi(new Secret(wrongKey), fake.apiBase(), TIMEOUT);

    assertThatThrownBy(() -> wrong.customer(ANA))
        .isInstanceOf(StripeUnavailableException.class)
        .hasMessageContaining("HTTP 401 API key rejected")
        .satisfies(
            e -> {
              for (Throwable t = e; t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage()))
                    .doesNotContain(wrongKey)
                    .doesNotContain(KEY);
              }
            });
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "cus_1/../../v1/charges",
        "cus_1?expand=x",
        "cus 1",
        " ",
        "",
        "..",
        "cus_1#x",
        "cus_1%2F"
      })
  void an_id_that_could_change_the_path_is_rejected(String id) {
    assertThatThrownBy(() -> api.customer(id)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> api.promotionCodeText(id))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(fake.requests()).isEmpty();
  }

  @Test
  void a_trailing_slash_on_the_api_base_is_ignored() throws Exception {
    StripeJavaApi slashed =
        new StripeJavaApi(new Secret(KEY), java.net.URI.create(fake.apiBase() + "/"), TIMEOUT);

    assertThat(slashed.promotionCodeText(AUTUMN)).contains("AUTUMN25");
  }
}
