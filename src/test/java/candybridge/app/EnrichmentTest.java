package candybridge.app;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.Attempt;
import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryStatus;
import candybridge.delivery.Verdict;
import candybridge.testing.FakeStripeApiServer;
import candybridge.testing.Fixtures;
import candybridge.testing.SignedFixture;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.TestApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default workflow completed from Stripe's API: a session without an e-mail takes the
 * Customer's, and a promotion code's text becomes discount_code. Stripe down: the delivery waits
 * and retries, nothing is sent; Stripe back: delivered once.
 */
class EnrichmentTest {
  static final String KEY = "sk_test_candybridge_enrichment";
  static final long NOW = 1_789_466_700L;
  static final String SESSION_EVENT =
      Fixtures.read("stripe/checkout.session.completed.json")
          .replace("\"email\": \"jenny.rosen@example.com\"", "\"email\": null")
          .replace("\"customer\": null", "\"customer\": \"cus_TfQ8aBc1De2Fg3\"")
          .replace(
              "\"discounts\": []",
              "\"discounts\": [{\"coupon\": null, \"promotion_code\": \"promo_1TfAUTUMN\"}]");

  @TempDir Path dir;
  FakeStripeApiServer stripe;
  TestApp t;

  @BeforeEach
  void start() {
    assertThat(SESSION_EVENT)
        .contains("cus_TfQ8aBc1De2Fg3")
        .contains("promo_1TfAUTUMN")
        .doesNotContain("jenny.rosen@example.com");
    stripe =
        FakeStripeApiServer.start(KEY)
            .withCustomer(Fixtures.read("stripe/api/customer.cus_TfQ8aBc1De2Fg3.json"))
            .withPromotionCode(Fixtures.read("stripe/api/promotion_code.promo_1TfAUTUMN.json"));
    t =
        TestApp.start(
            dir,
            NOW,
            SignedFixture.SECRET,
            Map.of("STRIPE_API_KEY", KEY, "STRIPE_API_BASE", stripe.apiBase().toString()));
  }

  @AfterEach
  void stop() {
    t.close();
    stripe.close();
  }

  private void postSession() {
    byte[] bytes = SESSION_EVENT.getBytes(UTF_8);
    assertThat(
            StripeWebhooks.post(
                    t.port(), bytes, StripeWebhooks.sign(bytes, SignedFixture.SECRET, NOW))
                .statusCode())
        .isEqualTo(200);
  }

  private Delivery delivery() {
    return t.app
        .store()
        .findDeliveryByKey(
            "purchase:" + Fixtures.event("stripe/checkout.session.completed.json").objectId())
        .orElseThrow();
  }

  @Test
  void customer_email_and_promotion_code_are_looked_up_before_sending() {
    postSession();
    assertThat(stripe.requests()).as("never inside the webhook").isEmpty();
    assertThat(delivery().needsLookup()).isTrue();

    t.deliverDue();

    assertThat(t.rc.received("purchase.json"))
        .singleElement()
        .satisfies(
            call -> {
              assertThat(call.signatureValid()).isTrue();
              assertThat(call.params())
                  .containsEntry("email", "ana.silva@example.com")
                  .containsEntry("discount_code", "AUTUMN25")
                  .containsEntry("first_name", "Jenny") // the session's own name still wins
                  .containsEntry("last_name", "Rosen");
            });
    assertThat(delivery().needsLookup()).isFalse();
    assertThat(delivery().call().params()).containsEntry("discount_code", "AUTUMN25");
  }

  @Test
  void stripe_down_means_wait_and_retry_then_deliver_once_when_it_is_back() {
    stripe.down(true);
    postSession();
    t.deliverDue();

    assertThat(t.rc.received()).as("nothing wrong is sent").isEmpty();
    Delivery waiting = delivery();
    assertThat(waiting.status()).isEqualTo(DeliveryStatus.PENDING);
    assertThat(waiting.lastError().orElseThrow())
        .startsWith("waiting for Stripe")
        .contains("nothing was sent");
    assertThat(t.app.store().attempts(waiting.id()))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.verdict()).isEqualTo(Verdict.RETRY);
              assertThat(a.httpStatus()).isEmpty();
            });

    t.clock.advance(Duration.ofMinutes(1));
    t.deliverDue();
    assertThat(t.rc.received()).isEmpty();

    stripe.down(false);
    t.clock.advance(Duration.ofMinutes(3));
    t.deliverDue();
    t.clock.advance(Duration.ofHours(1));
    t.deliverDue();

    assertThat(t.rc.received("purchase.json"))
        .hasSize(1)
        .allSatisfy(
            call -> assertThat(call.params()).containsEntry("email", "ana.silva@example.com"));
    assertThat(delivery().status()).isEqualTo(DeliveryStatus.DELIVERED);
    assertThat(t.app.store().attempts(delivery().id()))
        .extracting(Attempt::verdict)
        .containsExactly(Verdict.RETRY, Verdict.RETRY, Verdict.DELIVERED);
  }

  @Test
  void an_unknown_customer_blocks_the_purchase_with_the_reason() {
    String body = SESSION_EVENT.replace("cus_TfQ8aBc1De2Fg3", "cus_unknown");
    byte[] bytes = body.getBytes(UTF_8);
    StripeWebhooks.post(t.port(), bytes, StripeWebhooks.sign(bytes, SignedFixture.SECRET, NOW));
    t.deliverDue();
    assertThat(t.rc.received()).isEmpty();
    Delivery d = delivery();
    assertThat(d.status()).isEqualTo(DeliveryStatus.FAILED);
    assertThat(d.lastError().orElseThrow())
        .contains("email has no value")
        .contains("nothing was sent");
  }
}
