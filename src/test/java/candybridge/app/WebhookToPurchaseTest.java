package candybridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.Attempt;
import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryStatus;
import candybridge.delivery.Verdict;
import candybridge.stripe.StripeEvent;
import candybridge.testing.Fixtures;
import candybridge.testing.RecordedCall;
import candybridge.testing.SignedFixture;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.SyntheticEvents;
import candybridge.testing.TestApp;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed workflow end to end over real HTTP: every fixture posted with the exact signature header
 * Stripe would send, purchases received by the fake ReferralCandy, which checks our MD5.
 */
class WebhookToPurchaseTest {
  @TempDir Path dir;
  TestApp t;

  @AfterEach
  void stop() {
    if (t != null) t.close();
  }

  private void start(long now) {
    t = TestApp.start(dir, now, SignedFixture.SECRET, Map.of());
  }

  /** Posts a fixture as Stripe signed it, one second after it was signed. */
  private HttpResponse<String> post(SignedFixture f) {
    t.clock.set(Instant.ofEpochSecond(f.t() + 1));
    return StripeWebhooks.post(t.port(), f.bytes(), f.header());
  }

  /** Signs an edited body as Stripe would, now. */
  private HttpResponse<String> postBody(String body) {
    byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    long now = t.clock.instant().getEpochSecond();
    return StripeWebhooks.post(
        t.port(), bytes, StripeWebhooks.sign(bytes, SignedFixture.SECRET, now));
  }

  private static Map<String, String> withoutSignature(RecordedCall call) {
    Map<String, String> p = new TreeMap<>(call.params());
    p.remove("signature");
    return p;
  }

  @Test
  void paid_checkout_becomes_one_signed_purchase_with_every_parameter() {
    SignedFixture f = SignedFixture.of("checkout.session.completed.json");
    StripeEvent e = Fixtures.event("stripe/" + f.file());
    start(f.t());
    HttpResponse<String> response = post(f);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"status\":\"stored\"").doesNotContain("jenny");

    t.deliverDue();

    assertThat(t.rc.received("purchase.json"))
        .singleElement()
        .satisfies(
            call -> {
              assertThat(call.signatureValid()).isTrue();
              assertThat(withoutSignature(call))
                  .isEqualTo(
                      new TreeMap<>(
                          Map.ofEntries(
                              Map.entry("accessID", TestApp.RC_ACCESS_ID),
                              Map.entry("timestamp", Long.toString(f.t() + 1)),
                              Map.entry("email", "jenny.rosen@example.com"),
                              Map.entry("first_name", "Jenny"),
                              Map.entry("last_name", "Rosen"),
                              Map.entry("invoice_amount", "30.00"),
                              Map.entry("currency_code", "USD"),
                              Map.entry("order_timestamp", Long.toString(e.created())),
                              Map.entry("external_reference_id", e.objectId()),
                              Map.entry("accepts_marketing", "false"))));
            });
    Delivery d = t.app.store().findDeliveryByKey("purchase:" + e.objectId()).orElseThrow();
    assertThat(d.status()).isEqualTo(DeliveryStatus.DELIVERED);
    assertThat(t.app.store().attempts(d.id()))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.httpStatus()).hasValue(200);
              assertThat(a.verdict()).isEqualTo(Verdict.DELIVERED);
              assertThat(a.responseExcerpt().orElseThrow()).contains("Success");
              assertThat(a.startedAt()).isEqualTo(Instant.ofEpochSecond(f.t() + 1));
            });
  }

  @Test
  void delayed_payment_is_purchased_once_when_the_async_success_arrives() {
    SignedFixture completed = SignedFixture.of("checkout.session.completed.async-unpaid-jpy.json");
    SignedFixture succeeded = SignedFixture.of("checkout.session.async_payment_succeeded.json");
    start(completed.t());

    assertThat(post(completed).body()).contains("\"status\":\"stored\"");
    t.deliverDue();
    assertThat(t.rc.received()).as("unpaid: nothing sent yet").isEmpty();

    assertThat(post(succeeded).statusCode()).isEqualTo(200);
    t.deliverDue();

    assertThat(t.rc.received("purchase.json"))
        .singleElement()
        .satisfies(
            call -> {
              assertThat(call.signatureValid()).isTrue();
              assertThat(call.params())
                  .containsEntry("invoice_amount", "5000")
                  .containsEntry("currency_code", "JPY")
                  .containsEntry("locale", "ja")
                  .containsEntry("email", "taro.yamada@example.com")
                  .containsEntry("first_name", "Yamada")
                  .containsEntry("last_name", "Taro")
                  .containsEntry(
                      "external_reference_id",
                      Fixtures.event("stripe/" + succeeded.file()).objectId())
                  // The completion time of the session, not the time the money arrived.
                  .containsEntry(
                      "order_timestamp",
                      Long.toString(Fixtures.event("stripe/" + completed.file()).created()));
            });
  }

  @Test
  void two_events_for_one_sale_arriving_at_once_plan_one_purchase_and_both_answers_name_it()
      throws Exception {
    long now = 1_789_466_700L;
    t = TestApp.start(dir, now);
    List<String> bodies =
        List.of(
            SyntheticEvents.checkoutCompleted("evt_race_co", "cs_race", now - 10),
            SyntheticEvents.from(
                "stripe/checkout.session.async_payment_succeeded.json",
                "evt_race_async",
                "cs_race",
                now - 5,
                null));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<HttpResponse<String>>> answers = new ArrayList<>();
    for (String body : bodies) {
      answers.add(
          pool.submit(
              () -> {
                go.await();
                return StripeWebhooks.postSigned(t.port(), body, now);
              }));
    }
    go.countDown();
    List<String> details = new ArrayList<>();
    for (Future<HttpResponse<String>> answer : answers) {
      HttpResponse<String> r = answer.get(30, TimeUnit.SECONDS);
      assertThat(r.statusCode()).isEqualTo(200);
      details.add(new ObjectMapper().readTree(r.body()).path("detail").asText());
    }
    pool.shutdown();

    Delivery won = t.app.store().findDeliveryByKey("purchase:cs_race").orElseThrow();
    String lost = bodies.get(0).contains(won.eventId().value()) ? "evt_race_async" : "evt_race_co";
    String honest = "already planned as delivery #" + won.id() + " (purchase:cs_race)";
    assertThat(details)
        .filteredOn(d -> d.endsWith(": create_purchase planned as purchase:cs_race"))
        .hasSize(1);
    assertThat(details).filteredOn(d -> d.endsWith(": " + honest)).hasSize(1);
    assertThat(t.app.store().eventSummary(lost))
        .hasValueSatisfying(s -> assertThat(s).endsWith(": " + honest));
    t.deliverDue();
    assertThat(t.rc.received("purchase.json")).hasSize(1);
  }

  @Test
  void async_success_seen_alone_uses_its_own_time() {
    SignedFixture succeeded = SignedFixture.of("checkout.session.async_payment_succeeded.json");
    start(succeeded.t());
    post(succeeded);
    t.deliverDue();
    assertThat(t.rc.received("purchase.json"))
        .singleElement()
        .satisfies(
            call ->
                assertThat(call.params())
                    .containsEntry(
                        "order_timestamp",
                        Long.toString(Fixtures.event("stripe/" + succeeded.file()).created())));
  }

  @Test
  void fixtures_that_are_not_purchases_send_nothing_and_are_kept_with_the_reason() {
    start(SignedFixture.of("checkout.session.async_payment_failed.json").t());
    for (String file :
        List.of(
            "checkout.session.async_payment_failed.json",
            "invoice.payment_failed.json",
            "customer.subscription.created.json")) {
      SignedFixture f = SignedFixture.of(file);
      HttpResponse<String> response = post(f);
      assertThat(response.statusCode()).as(file).isEqualTo(200);
      StripeEvent e = Fixtures.event("stripe/" + file);
      assertThat(t.app.store().eventSummary(e.id().value())).as(file).isPresent();
      assertThat(t.app.store().deliveriesOfEvent(e.id().value())).as(file).isEmpty();
    }
    t.deliverDue();
    assertThat(t.rc.received()).isEmpty();
  }

  @Test
  void the_same_event_three_times_and_a_second_event_for_the_session_give_one_purchase() {
    SignedFixture f = SignedFixture.of("checkout.session.completed.json");
    start(f.t());
    assertThat(post(f).body()).contains("\"status\":\"stored\"");
    assertThat(post(f).body()).contains("\"status\":\"duplicate\"");
    t.deliverDue();
    assertThat(post(f).body()).contains("\"status\":\"duplicate\"");
    // Stripe can emit a second Event object for the same change: new event id, same session.
    String second =
        f.body()
            .replace(
                Fixtures.event("stripe/" + f.file()).id().value(), "evt_second_for_same_session");
    assertThat(postBody(second).statusCode()).isEqualTo(200);
    t.deliverDue();
    assertThat(t.rc.received("purchase.json")).hasSize(1);
  }

  @Test
  void retries_after_503_and_429_then_records_success_on_the_third_attempt() {
    SignedFixture f = SignedFixture.of("checkout.session.completed.json");
    start(f.t());
    t.rc.respondWith(503, 429);
    post(f);

    t.deliverDue();
    Delivery d =
        t.app
            .store()
            .findDeliveryByKey("purchase:" + Fixtures.event("stripe/" + f.file()).objectId())
            .orElseThrow();
    assertThat(d.status()).isEqualTo(DeliveryStatus.PENDING);
    assertThat(d.nextAttemptAt().orElseThrow()).isAfter(t.clock.instant());
    assertThat(t.app.worker().runOnce()).as("not due before the backoff").isZero();

    t.clock.advance(Duration.ofSeconds(40)); // first retry after 30 s ± 10 %
    t.deliverDue();
    t.clock.advance(Duration.ofMinutes(3)); // a 429 without Retry-After: the schedule's first delay
    t.deliverDue();

    assertThat(t.rc.received("purchase.json")).hasSize(3).allMatch(RecordedCall::signatureValid);
    assertThat(t.app.store().findDelivery(d.id()).orElseThrow().status())
        .isEqualTo(DeliveryStatus.DELIVERED);
    assertThat(t.app.store().attempts(d.id()))
        .extracting(a -> a.httpStatus().getAsInt(), Attempt::verdict)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(503, Verdict.RETRY),
            org.assertj.core.groups.Tuple.tuple(429, Verdict.RETRY),
            org.assertj.core.groups.Tuple.tuple(200, Verdict.DELIVERED));
  }

  @Test
  void a_400_fails_after_one_attempt_and_is_never_retried() {
    SignedFixture f = SignedFixture.of("checkout.session.completed.json");
    start(f.t());
    t.rc.respondWith(400);
    post(f);
    t.deliverDue();
    t.clock.advance(Duration.ofDays(10));
    t.deliverDue();

    assertThat(t.rc.received("purchase.json")).hasSize(1);
    Delivery d =
        t.app
            .store()
            .findDeliveryByKey("purchase:" + Fixtures.event("stripe/" + f.file()).objectId())
            .orElseThrow();
    assertThat(d.status()).isEqualTo(DeliveryStatus.FAILED);
    assertThat(d.lastError().orElseThrow()).contains("400");
    assertThat(t.app.store().attempts(d.id()))
        .singleElement()
        .satisfies(a -> assertThat(a.verdict()).isEqualTo(Verdict.FAIL));
  }

  @Test
  void retry_after_from_referralcandy_is_honoured() {
    SignedFixture f = SignedFixture.of("checkout.session.completed.json");
    start(f.t());
    t.rc.respondWith(429, Duration.ofHours(2));
    post(f);
    t.deliverDue();
    Delivery d =
        t.app
            .store()
            .findDeliveryByKey("purchase:" + Fixtures.event("stripe/" + f.file()).objectId())
            .orElseThrow();
    assertThat(d.nextAttemptAt().orElseThrow())
        .isAfterOrEqualTo(t.clock.instant().plus(Duration.ofHours(2)));
  }

  @Test
  void a_schedule_used_up_fails_the_delivery_with_the_last_error() {
    SignedFixture f = SignedFixture.of("checkout.session.completed.json");
    t =
        TestApp.start(
            dir, f.t(), SignedFixture.SECRET, Map.of("CANDYBRIDGE_RETRY_SCHEDULE", "30s"));
    t.rc.respondWith(503, 503, 503);
    post(f);
    t.deliverDue();
    t.clock.advance(Duration.ofMinutes(1));
    t.deliverDue();
    Delivery d =
        t.app
            .store()
            .findDeliveryByKey("purchase:" + Fixtures.event("stripe/" + f.file()).objectId())
            .orElseThrow();
    assertThat(d.status()).isEqualTo(DeliveryStatus.FAILED);
    assertThat(d.lastError().orElseThrow()).contains("gave up after 2 attempts").contains("503");
    assertThat(t.rc.received("purchase.json")).hasSize(2);
  }

  @Test
  void a_session_without_e_mail_fails_with_a_reason_and_sends_nothing() {
    start(1_789_466_660L);
    String body =
        Fixtures.read("stripe/checkout.session.completed.json")
            .replace("\"email\": \"jenny.rosen@example.com\"", "\"email\": null");
    assertThat(body).doesNotContain("jenny.rosen@example.com");
    assertThat(postBody(body).statusCode()).isEqualTo(200);
    t.deliverDue();
    assertThat(t.rc.received()).isEmpty();
    Delivery d =
        t.app
            .store()
            .findDeliveryByKey(
                "purchase:" + Fixtures.event("stripe/checkout.session.completed.json").objectId())
            .orElseThrow();
    assertThat(d.status()).isEqualTo(DeliveryStatus.FAILED);
    assertThat(d.lastError().orElseThrow())
        .contains("email has no value")
        .contains("nothing was sent");
  }

  @Test
  void health_and_readiness_answer() {
    start(1_789_466_660L);
    assertThat(StripeWebhooks.get(t.port(), "/healthz").statusCode()).isEqualTo(200);
    assertThat(StripeWebhooks.get(t.port(), "/readyz").statusCode()).isEqualTo(200);
    HttpResponse<String> missing = StripeWebhooks.get(t.port(), "/nope");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).contains("\"error\":\"not_found\"");
  }
}
