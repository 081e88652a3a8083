package candybridge.app;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryStatus;
import candybridge.stripe.StripeEvent;
import candybridge.testing.FakeStripeApiServer;
import candybridge.testing.Fixtures;
import candybridge.testing.RecordedCall;
import candybridge.testing.SignedFixture;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.TestApp;
import candybridge.workflow.Workflow;
import candybridge.workflow.WorkflowFile;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three triggers of the brief, each fed its fixture through {@code serve}'s HTTP route with the
 * shipped example workflows switched on, drive the exact ReferralCandy call.
 */
class ExampleWorkflowsTest {
  static final String STRIPE_KEY = "sk_test_candybridge_example";

  @TempDir Path dir;
  FakeStripeApiServer stripe;
  TestApp t;

  @BeforeEach
  void fakeStripe() {
    stripe =
        FakeStripeApiServer.start(STRIPE_KEY)
            .withCustomer(Fixtures.read("stripe/api/customer.cus_TfQ8aBc1De2Fg3.json"));
  }

  @AfterEach
  void stop() {
    if (t != null) t.close();
    stripe.close();
  }

  /** examples/workflows.yaml exactly as shipped, except that its workflows are switched on. */
  static Workflow examplesEnabled() throws IOException {
    String text = Files.readString(Path.of("examples/workflows.yaml"), UTF_8);
    assertThat(text).contains("enabled: false");
    return WorkflowFile.parse(
        text.replace("enabled: false", "enabled: true"), "examples (enabled)");
  }

  private void start(long now) throws IOException {
    t =
        TestApp.start(
            dir,
            now,
            SignedFixture.SECRET,
            Map.of("STRIPE_API_KEY", STRIPE_KEY, "STRIPE_API_BASE", stripe.apiBase().toString()),
            examplesEnabled());
  }

  private HttpResponse<String> post(String body) {
    byte[] bytes = body.getBytes(UTF_8);
    long now = t.clock.instant().getEpochSecond();
    return StripeWebhooks.post(
        t.port(), bytes, StripeWebhooks.sign(bytes, SignedFixture.SECRET, now));
  }

  private static Map<String, String> sent(RecordedCall call) {
    assertThat(call.signatureValid()).isTrue();
    Map<String, String> p = new TreeMap<>(call.params());
    p.remove("signature");
    p.remove("timestamp");
    p.remove("accessID");
    return p;
  }

  @Test
  void checkout_session_completed_creates_the_purchase() throws IOException {
    SignedFixture f = SignedFixture.of("checkout.session.completed.json");
    start(f.t() + 1);
    assertThat(StripeWebhooks.post(t.port(), f.bytes(), f.header()).statusCode()).isEqualTo(200);
    t.deliverDue();
    StripeEvent e = Fixtures.event("stripe/" + f.file());
    assertThat(t.rc.received("purchase.json"))
        .singleElement()
        .satisfies(
            call ->
                assertThat(sent(call))
                    .isEqualTo(
                        Map.of(
                            "email",
                            "jenny.rosen@example.com",
                            "first_name",
                            "Jenny",
                            "last_name",
                            "Rosen",
                            "invoice_amount",
                            "30.00",
                            "currency_code",
                            "USD",
                            "order_timestamp",
                            Long.toString(e.created()),
                            "external_reference_id",
                            e.objectId(),
                            "accepts_marketing",
                            "false")));
    assertThat(stripe.requests()).as("nothing to look up").isEmpty();
  }

  @Test
  void new_active_subscription_creates_a_purchase_with_the_customer_from_stripe()
      throws IOException {
    SignedFixture f = SignedFixture.of("customer.subscription.created.json");
    start(f.t() + 1);
    HttpResponse<String> r = StripeWebhooks.post(t.port(), f.bytes(), f.header());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(stripe.requests()).as("no Stripe call inside the webhook").isEmpty();

    t.deliverDue();

    StripeEvent e = Fixtures.event("stripe/" + f.file());
    assertThat(t.rc.received("purchase.json"))
        .singleElement()
        .satisfies(
            call ->
                assertThat(sent(call))
                    .isEqualTo(
                        Map.of(
                            "email",
                            "ana.silva@example.com",
                            "first_name",
                            "Ana",
                            "last_name",
                            "Maria Silva",
                            "invoice_amount",
                            "15.00",
                            "currency_code",
                            "USD",
                            "order_timestamp",
                            Long.toString(e.created()),
                            "external_reference_id",
                            e.objectId(),
                            "accepts_marketing",
                            "false")));
    Delivery d = t.app.store().findDeliveryByKey("purchase:" + e.objectId()).orElseThrow();
    assertThat(d.status()).isEqualTo(DeliveryStatus.DELIVERED);
    assertThat(d.workflow()).isEqualTo("subscription-purchase");
    assertThat(d.call().params())
        .as("history keeps what was sent")
        .containsEntry("email", "ana.silva@example.com");
  }

  @Test
  void a_trialing_subscription_is_not_a_purchase() throws IOException {
    start(1_789_110_010L);
    String body =
        Fixtures.read("stripe/customer.subscription.created.json")
            .replace("\"status\": \"active\"", "\"status\": \"trialing\"");
    assertThat(body).contains("\"status\": \"trialing\"");
    post(body);
    t.deliverDue();
    assertThat(t.rc.received()).isEmpty();
    assertThat(
            t.app
                .store()
                .eventSummary(
                    Fixtures.event("stripe/customer.subscription.created.json").id().value()))
        .hasValueSatisfying(
            s -> assertThat(s).contains("subscription-purchase").contains("status is 'trialing'"));
  }

  @Test
  void first_invoice_payment_failed_marks_the_referral_returned() throws IOException {
    SignedFixture f = SignedFixture.of("invoice.payment_failed.json");
    start(f.t() + 1);
    // The shared fixture is a renewal (subscription_cycle): left alone, and history says why.
    assertThat(StripeWebhooks.post(t.port(), f.bytes(), f.header()).statusCode()).isEqualTo(200);
    t.deliverDue();
    assertThat(t.rc.received()).isEmpty();
    StripeEvent renewal = Fixtures.event("stripe/" + f.file());
    assertThat(t.app.store().eventSummary(renewal.id().value()))
        .hasValueSatisfying(
            s ->
                assertThat(s)
                    .contains(
                        "billing_reason is 'subscription_cycle', expected equals 'subscription_create'"));

    // The same invoice as the first one of a subscription: the referral is returned.
    String first =
        f.body()
            .replace(
                "\"billing_reason\": \"subscription_cycle\"",
                "\"billing_reason\": \"subscription_create\"")
            .replace(renewal.id().value(), "evt_first_invoice_failed");
    assertThat(first).contains("subscription_create");
    assertThat(post(first).statusCode()).isEqualTo(200);
    t.deliverDue();
    assertThat(t.rc.received("referral.json"))
        .singleElement()
        .satisfies(
            call ->
                assertThat(sent(call))
                    .isEqualTo(
                        Map.of(
                            "customer_email",
                            "jenny.rosen@example.com",
                            "returned",
                            "true",
                            "notify",
                            "false")));
  }

  @Test
  void a_full_refund_marks_the_referral_returned_and_a_partial_one_does_not() throws IOException {
    start(1_790_003_410L);
    String full = Fixtures.read("stripe/charge.refunded.json");
    String partial =
        full.replace("\"refunded\": true", "\"refunded\": false")
            .replace("\"amount_refunded\": 3000", "\"amount_refunded\": 1000")
            .replace("evt_1TwR5tZr4Kx2LwT9Rf4Nd7Kc", "evt_partial_refund");
    assertThat(post(partial).statusCode()).isEqualTo(200);
    t.deliverDue();
    assertThat(t.rc.received()).isEmpty();

    assertThat(post(full).statusCode()).isEqualTo(200);
    t.deliverDue();
    assertThat(t.rc.received("referral.json"))
        .singleElement()
        .satisfies(
            call ->
                assertThat(sent(call))
                    .isEqualTo(
                        Map.of(
                            "customer_email",
                            "jenny.rosen@example.com",
                            "returned",
                            "true",
                            "notify",
                            "false")));
  }

  @Test
  void without_a_stripe_key_a_lookup_only_parameter_blocks_the_delivery_with_the_reason()
      throws IOException {
    SignedFixture f = SignedFixture.of("customer.subscription.created.json");
    t = TestApp.start(dir, f.t() + 1, SignedFixture.SECRET, Map.of(), examplesEnabled());
    StripeWebhooks.post(t.port(), f.bytes(), f.header());
    t.deliverDue();
    assertThat(t.rc.received()).isEmpty();
    Delivery d =
        t.app
            .store()
            .findDeliveryByKey("purchase:" + Fixtures.event("stripe/" + f.file()).objectId())
            .orElseThrow();
    assertThat(d.status()).isEqualTo(DeliveryStatus.FAILED);
    assertThat(d.lastError().orElseThrow())
        .contains("email has no value")
        .contains("STRIPE_API_KEY");
  }

  static long now() {
    return Instant.parse("2026-10-01T00:00:00Z").getEpochSecond();
  }
}
