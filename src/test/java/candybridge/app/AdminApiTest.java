package candybridge.app;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryStatus;
import candybridge.testing.Fixtures;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.SyntheticEvents;
import candybridge.testing.TestApp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every admin API route over real HTTP, with and without the token. */
class AdminApiTest {
  static final String TOKEN = "admin-token-for-tests-0123456789";
  static final long NOW = 1_789_466_700L;
  static final String TEMPLATE = Fixtures.read("stripe/checkout.session.completed.json");
  static final String SESSION = Fixtures.event("stripe/checkout.session.completed.json").objectId();
  static final String EVENT = Fixtures.event("stripe/checkout.session.completed.json").id().value();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  TestApp t;

  @BeforeEach
  void start() {
    t = TestApp.start(dir, NOW, StripeWebhooks.SECRET, Map.of("CANDYBRIDGE_ADMIN_TOKEN", TOKEN));
  }

  @AfterEach
  void stop() {
    t.close();
  }

  /** Posts sale number i (its own event and session id) and returns the session id. */
  private String sale(int i) {
    String session = SESSION + "_" + i;
    String body =
        TEMPLATE
            .replace(SESSION, session)
            .replace(EVENT, EVENT + "_" + i)
            .replace("jenny.rosen@example.com", "buyer" + i + "@example.com");
    assertThat(
            StripeWebhooks.postSigned(t.port(), body, t.clock.instant().getEpochSecond())
                .statusCode())
        .isEqualTo(200);
    return session;
  }

  private Delivery delivery(String session) {
    return t.app.store().findDeliveryByKey("purchase:" + session).orElseThrow();
  }

  private HttpResponse<String> call(String method, String path, String authorization) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + t.port() + path))
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (authorization != null) b.header("Authorization", authorization);
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private JsonNode ok(String method, String path) {
    HttpResponse<String> r = call(method, path, "Bearer " + TOKEN);
    assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(200);
    return json(r.body());
  }

  private static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> ids(JsonNode listing) {
    List<String> out = new ArrayList<>();
    listing.path("items").forEach(i -> out.add(i.path("id").asText()));
    return out;
  }

  @Test
  void every_route_needs_the_token() {
    for (String[] route :
        new String[][] {
          {"GET", "/api/deliveries"},
          {"GET", "/api/deliveries/1"},
          {"GET", "/api/events"},
          {"GET", "/api/events/evt_x"},
          {"POST", "/api/deliveries/1/replay"},
          {"POST", "/api/deliveries/replay?status=failed"},
          {"POST", "/api/deliveries/1/resolve?as=sent"},
          {"POST", "/api/deliveries/resolve?status=in_doubt&as=sent"},
          {"POST", "/api/dry-run"},
          {"GET", "/api/stats/hourly"},
          {"GET", "/api/status"},
          {"GET", "/api/openapi.json"},
          {"GET", "/admin"}
        }) {
      for (String auth :
          new String[] {
            null, "Bearer wrong", "Bearer " + TOKEN + "x", "Basic !!!", "Token " + TOKEN
          }) {
        HttpResponse<String> r = call(route[0], route[1], auth);
        assertThat(r.statusCode()).as("%s %s with %s", route[0], route[1], auth).isEqualTo(401);
        assertThat(r.body()).contains("\"error\":\"unauthorized\"").doesNotContain(TOKEN);
      }
    }
    assertThat(call("GET", "/admin", null).headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
  }

  @Test
  void basic_auth_with_the_token_as_password_is_accepted() {
    String basic =
        "Basic " + Base64.getEncoder().encodeToString(("anyone:" + TOKEN).getBytes(UTF_8));
    assertThat(call("GET", "/api/deliveries", basic).statusCode()).isEqualTo(200);
  }

  @Test
  void lists_deliveries_with_filters_and_cursor_paging() {
    t.rc.respondWith(400);
    List<String> sessions = new ArrayList<>();
    for (int i = 0; i < 5; i++) sessions.add(sale(i));
    t.deliverDue(); // sale 0 fails (400), the others are delivered

    JsonNode all = ok("GET", "/api/deliveries?limit=2");
    assertThat(all.path("items")).hasSize(2);
    JsonNode page2 =
        ok("GET", "/api/deliveries?limit=2&cursor=" + all.path("next_cursor").asText());
    JsonNode page3 =
        ok("GET", "/api/deliveries?limit=2&cursor=" + page2.path("next_cursor").asText());
    assertThat(page3.path("next_cursor").isNull()).isTrue();
    List<String> seen = new ArrayList<>(ids(all));
    seen.addAll(ids(page2));
    seen.addAll(ids(page3));
    assertThat(seen).hasSize(5).doesNotHaveDuplicates();

    // Deliveries are sent concurrently: whichever went first got the scripted 400.
    assertThat(ok("GET", "/api/deliveries?status=failed").path("items"))
        .singleElement()
        .satisfies(
            d ->
                assertThat(d.path("dedupe_key").asText().substring("purchase:".length()))
                    .isIn(sessions));
    assertThat(ok("GET", "/api/deliveries?status=delivered,failed").path("items")).hasSize(5);
    assertThat(ok("GET", "/api/deliveries?type=invoice.payment_failed").path("items")).isEmpty();
    assertThat(ok("GET", "/api/deliveries?workflow=checkout-purchase").path("items")).hasSize(5);
    assertThat(ok("GET", "/api/deliveries?q=buyer3@example.com").path("items"))
        .singleElement()
        .satisfies(d -> assertThat(d.path("dedupe_key").asText()).endsWith(sessions.get(3)));
    assertThat(ok("GET", "/api/deliveries?q=" + sessions.get(2)).path("items")).hasSize(1);
    assertThat(ok("GET", "/api/deliveries?q=uyer3@example.co").path("items"))
        .as("exact match only")
        .isEmpty();
    assertThat(ok("GET", "/api/deliveries?from=2100-01-01").path("items")).isEmpty();
    assertThat(ok("GET", "/api/deliveries?to=2100-01-01").path("items")).hasSize(5);

    assertThat(call("GET", "/api/deliveries?status=lost", "Bearer " + TOKEN).statusCode())
        .isEqualTo(400);
    assertThat(call("GET", "/api/deliveries?from=yesterday", "Bearer " + TOKEN).statusCode())
        .isEqualTo(400);
    assertThat(call("GET", "/api/deliveries?cursor=abc", "Bearer " + TOKEN).statusCode())
        .isEqualTo(400);
  }

  @Test
  void shows_one_delivery_with_attempts_and_params_and_404s_unknown_ones() {
    t.rc.respondWith(503);
    String s = sale(1);
    t.deliverDue();
    JsonNode d = ok("GET", "/api/deliveries/" + delivery(s).id());
    assertThat(d.path("status").asText()).isEqualTo("pending");
    assertThat(d.path("params").path("email").asText()).isEqualTo("buyer1@example.com");
    assertThat(d.path("params").has("signature")).isFalse();
    assertThat(d.path("attempt_history"))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.path("http_status").asInt()).isEqualTo(503);
              assertThat(a.path("verdict").asText()).isEqualTo("retry");
              assertThat(a.path("outcome_class").asText()).isEqualTo("not_processed");
              assertThat(a.path("trigger").asText()).isEqualTo("scheduled");
            });
    assertThat(d.toString()).doesNotContain("test-rc-secret-key");
    assertThat(call("GET", "/api/deliveries/999999", "Bearer " + TOKEN).statusCode())
        .isEqualTo(404);
    assertThat(call("GET", "/api/deliveries/abc", "Bearer " + TOKEN).statusCode()).isEqualTo(404);
  }

  @Test
  void lists_and_shows_events_with_decisions_payload_and_deliveries() {
    sale(1);
    sale(2);
    JsonNode events = ok("GET", "/api/events?type=checkout.session.completed&limit=1");
    assertThat(events.path("items")).hasSize(1);
    assertThat(ok("GET", "/api/events?cursor=" + events.path("next_cursor").asText()).path("items"))
        .hasSize(1);
    JsonNode e = ok("GET", "/api/events/" + EVENT + "_2");
    assertThat(e.path("type").asText()).isEqualTo("checkout.session.completed");
    assertThat(e.path("payload").path("data").path("object").path("id").asText())
        .isEqualTo(SESSION + "_2");
    assertThat(e.path("decisions"))
        .anySatisfy(
            dec -> {
              assertThat(dec.path("workflow").asText()).isEqualTo("checkout-purchase");
              assertThat(dec.path("matched").asBoolean()).isTrue();
            });
    assertThat(e.path("deliveries")).hasSize(1);
    assertThat(ok("GET", "/api/events?q=" + SESSION + "_1").path("items")).hasSize(1);
    assertThat(call("GET", "/api/events/evt_nope", "Bearer " + TOKEN).statusCode()).isEqualTo(404);
  }

  @Test
  void an_event_for_a_sale_already_planned_answers_and_shows_the_delivery_it_went_to() {
    String session = sale(1);
    long planned = delivery(session).id().value();
    String async =
        SyntheticEvents.from(
            "stripe/checkout.session.async_payment_succeeded.json",
            "evt_async_1",
            session,
            NOW,
            null);

    HttpResponse<String> answer = StripeWebhooks.postSigned(t.port(), async, NOW);

    String honest = "already planned as delivery #" + planned + " (purchase:" + session + ")";
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(json(answer.body()).path("detail").asText())
        .isEqualTo("checkout-async-purchase: " + honest);
    JsonNode e = ok("GET", "/api/events/evt_async_1");
    assertThat(e.path("summary").asText()).isEqualTo("checkout-async-purchase: " + honest);
    assertThat(e.path("decisions"))
        .singleElement()
        .satisfies(
            dec -> {
              assertThat(dec.path("workflow").asText()).isEqualTo("checkout-async-purchase");
              assertThat(dec.path("matched").asBoolean()).isTrue();
              assertThat(dec.path("reason").asText()).isEqualTo(honest);
            });
    assertThat(e.path("deliveries")).isEmpty();
    assertThat(ok("GET", "/api/events/" + EVENT + "_1").path("summary").asText())
        .isEqualTo("checkout-purchase: create_purchase planned as purchase:" + session);
  }

  @Test
  void replays_a_failed_delivery_which_then_succeeds_as_a_manual_attempt() {
    t.rc.respondWith(400);
    String s = sale(1);
    t.deliverDue();
    assertThat(delivery(s).status()).isEqualTo(DeliveryStatus.FAILED);

    JsonNode r = ok("POST", "/api/deliveries/" + delivery(s).id() + "/replay");
    assertThat(r.path("delivery").path("status").asText()).isEqualTo("pending");
    t.deliverDue();

    assertThat(delivery(s).status()).isEqualTo(DeliveryStatus.DELIVERED);
    assertThat(t.app.store().attempts(delivery(s).id()))
        .extracting(a -> a.trigger().name())
        .containsExactly("SCHEDULED", "MANUAL");
    assertThat(t.rc.received("purchase.json")).hasSize(2);
  }

  @Test
  void replays_a_delivered_one_on_request_and_refuses_a_pending_one() {
    String s = sale(1);
    assertThat(
            call("POST", "/api/deliveries/" + delivery(s).id() + "/replay", "Bearer " + TOKEN)
                .statusCode())
        .as("still pending")
        .isEqualTo(409);
    t.deliverDue();
    ok("POST", "/api/deliveries/" + delivery(s).id() + "/replay");
    t.deliverDue();
    assertThat(t.rc.received("purchase.json")).hasSize(2);
    assertThat(call("POST", "/api/deliveries/424242/replay", "Bearer " + TOKEN).statusCode())
        .isEqualTo(404);
  }

  @Test
  void a_failed_replay_is_not_retried_automatically() {
    t.rc.respondWith(400, 503);
    String s = sale(1);
    t.deliverDue();
    ok("POST", "/api/deliveries/" + delivery(s).id() + "/replay");
    t.deliverDue();
    t.clock.advance(Duration.ofDays(1));
    t.deliverDue();
    assertThat(delivery(s).status()).isEqualTo(DeliveryStatus.FAILED);
    assertThat(delivery(s).lastError().orElseThrow())
        .contains("replay failed, not retried automatically");
    assertThat(t.rc.received("purchase.json")).hasSize(2);
  }

  @Test
  void bulk_replay_by_filter_needs_explicit_statuses() {
    t.rc.respondWith(400, 400);
    sale(1);
    sale(2);
    sale(3);
    t.deliverDue();
    assertThat(call("POST", "/api/deliveries/replay", "Bearer " + TOKEN).statusCode())
        .isEqualTo(400);
    assertThat(
            call("POST", "/api/deliveries/replay?status=pending", "Bearer " + TOKEN).statusCode())
        .isEqualTo(400);
    assertThat(ok("POST", "/api/deliveries/replay?status=failed").path("replayed").asInt())
        .isEqualTo(2);
    t.deliverDue();
    assertThat(ok("GET", "/api/deliveries?status=delivered").path("items")).hasSize(3);
    assertThat(t.rc.received("purchase.json")).hasSize(5);
  }

  @Test
  void an_in_doubt_delivery_is_resolved_as_sent_or_resent() {
    String a = sale(1);
    String b = sale(2);
    var now = t.clock.instant();
    t.app.store().claimDue(now, 10, "dead-instance", now.plusSeconds(60));
    t.app.store().markAbandonedInDoubt(now, true);
    assertThat(delivery(a).status()).isEqualTo(DeliveryStatus.IN_DOUBT);

    assertThat(
            call(
                    "POST",
                    "/api/deliveries/" + delivery(a).id() + "/resolve?as=maybe",
                    "Bearer " + TOKEN)
                .statusCode())
        .isEqualTo(400);
    assertThat(
            ok("POST", "/api/deliveries/" + delivery(a).id() + "/resolve?as=sent")
                .path("delivery")
                .path("status")
                .asText())
        .isEqualTo("delivered");
    assertThat(
            ok("POST", "/api/deliveries/" + delivery(b).id() + "/resolve?as=resend")
                .path("delivery")
                .path("status")
                .asText())
        .isEqualTo("pending");
    t.deliverDue();

    assertThat(t.rc.received("purchase.json"))
        .extracting(c -> c.params().get("external_reference_id"))
        .containsExactly(b);
    assertThat(t.app.store().attempts(delivery(a).id()))
        .extracting(x -> x.trigger().name())
        .containsExactly("RECOVERY", "RESOLUTION");
    assertThat(
            call(
                    "POST",
                    "/api/deliveries/" + delivery(a).id() + "/resolve?as=sent",
                    "Bearer " + TOKEN)
                .statusCode())
        .as("no longer in doubt")
        .isEqualTo(409);
  }

  /** Sales 1..n, each claimed by an instance that then died: all in doubt. */
  private List<String> inDoubtSales(int from, int to) {
    List<String> sessions = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      sessions.add(sale(i));
    }
    var now = t.clock.instant();
    t.app.store().claimDue(now, 100, "dead-instance", now.plusSeconds(60));
    t.app.store().markAbandonedInDoubt(now, true);
    return sessions;
  }

  @Test
  void bulk_resolve_counts_first_on_a_dry_run_then_settles_every_in_doubt_match() {
    t.rc.respondWith(400);
    String failed = sale(0);
    t.deliverDue();
    List<String> doubt = inDoubtSales(1, 3);

    JsonNode dry = ok("POST", "/api/deliveries/resolve?status=in_doubt&as=sent&dry_run=true");
    assertThat(dry.path("would_resolve").asInt()).isEqualTo(3);
    assertThat(dry.path("dry_run").asBoolean()).isTrue();
    assertThat(doubt)
        .allSatisfy(s -> assertThat(delivery(s).status()).isEqualTo(DeliveryStatus.IN_DOUBT));

    assertThat(
            ok("POST", "/api/deliveries/resolve?status=in_doubt&as=sent&q=" + doubt.get(0))
                .path("resolved")
                .asInt())
        .isEqualTo(1);
    assertThat(
            ok("POST", "/api/deliveries/resolve?status=in_doubt&as=resend&dry_run=true")
                .path("would_resolve")
                .asInt())
        .isEqualTo(2);
    assertThat(
            ok("POST", "/api/deliveries/resolve?status=in_doubt&as=resend")
                .path("resolved")
                .asInt())
        .isEqualTo(2);
    t.deliverDue();

    assertThat(delivery(doubt.get(0)).status()).isEqualTo(DeliveryStatus.DELIVERED);
    assertThat(t.app.store().attempts(delivery(doubt.get(0)).id()))
        .extracting(x -> x.trigger().name())
        .containsExactly("RECOVERY", "RESOLUTION");
    assertThat(delivery(doubt.get(1)).status()).isEqualTo(DeliveryStatus.DELIVERED);
    assertThat(t.app.store().attempts(delivery(doubt.get(1)).id()))
        .extracting(x -> x.trigger().name())
        .containsExactly("RECOVERY", "MANUAL");
    assertThat(delivery(failed).status())
        .as("not in doubt: untouched")
        .isEqualTo(DeliveryStatus.FAILED);
    assertThat(t.rc.received("purchase.json"))
        .extracting(c -> c.params().get("external_reference_id"))
        .containsExactlyInAnyOrder(failed, doubt.get(1), doubt.get(2));
    assertThat(
            ok("POST", "/api/deliveries/resolve?status=in_doubt&as=resend")
                .path("resolved")
                .asInt())
        .as("nothing left in doubt")
        .isZero();
  }

  @Test
  void bulk_resolve_filters_by_creation_time() {
    inDoubtSales(1, 1);
    t.clock.advance(Duration.ofDays(2));
    String late = inDoubtSales(2, 2).get(0);
    String from = t.clock.instant().minus(Duration.ofDays(1)).toString();
    assertThat(
            ok("POST", "/api/deliveries/resolve?status=in_doubt&as=sent&dry_run=true&from=" + from)
                .path("would_resolve")
                .asInt())
        .isEqualTo(1);
    assertThat(
            ok("POST", "/api/deliveries/resolve?status=in_doubt&as=sent&from=" + from)
                .path("resolved")
                .asInt())
        .isEqualTo(1);
    assertThat(delivery(late).status()).isEqualTo(DeliveryStatus.DELIVERED);
    assertThat(ok("GET", "/api/deliveries?status=in_doubt").path("items")).hasSize(1);
  }

  @Test
  void bulk_resolve_refuses_a_missing_or_bad_status_or_resolution() {
    String s = inDoubtSales(1, 1).get(0);
    for (String query :
        List.of(
            "as=sent",
            "status=failed&as=sent",
            "status=in_doubt,failed&as=sent",
            "status=nonsense&as=sent",
            "status=in_doubt",
            "status=in_doubt&as=maybe",
            "status=in_doubt&as=sent&dry_run=perhaps",
            "status=in_doubt&as=sent&from=yesterday")) {
      HttpResponse<String> r = call("POST", "/api/deliveries/resolve?" + query, "Bearer " + TOKEN);
      assertThat(r.statusCode()).as(query).isEqualTo(400);
      assertThat(json(r.body()).path("error").asText()).as(query).isEqualTo("bad_request");
      assertThat(json(r.body()).path("detail").asText()).as(query).isNotBlank();
    }
    assertThat(
            json(call("POST", "/api/deliveries/resolve?status=failed&as=sent", "Bearer " + TOKEN)
                    .body())
                .path("detail")
                .asText())
        .contains("in_doubt");
    assertThat(call("POST", "/api/deliveries/resolve?status=in_doubt&as=sent", null).statusCode())
        .isEqualTo(401);
    assertThat(delivery(s).status()).isEqualTo(DeliveryStatus.IN_DOUBT);
  }

  @Test
  void bulk_replay_dry_run_counts_and_changes_nothing() {
    t.rc.respondWith(400, 400);
    String a = sale(1);
    sale(2);
    t.deliverDue();
    JsonNode dry = ok("POST", "/api/deliveries/replay?status=failed&dry_run=true");
    assertThat(dry.path("would_replay").asInt()).isEqualTo(2);
    assertThat(dry.path("dry_run").asBoolean()).isTrue();
    assertThat(delivery(a).status()).isEqualTo(DeliveryStatus.FAILED);
    assertThat(
            ok("POST", "/api/deliveries/replay?status=failed&dry_run=false")
                .path("replayed")
                .asInt())
        .isEqualTo(2);
    assertThat(
            call("POST", "/api/deliveries/replay?status=failed&dry_run=yes", "Bearer " + TOKEN)
                .statusCode())
        .isEqualTo(400);
  }

  @Test
  void dry_run_through_the_api_shows_each_workflow_and_stores_nothing() throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + t.port() + "/api/dry-run"))
            .header("Authorization", "Bearer " + TOKEN)
            .POST(HttpRequest.BodyPublishers.ofString(TEMPLATE))
            .build();
    HttpResponse<String> r;
    try {
      r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = json(r.body());
    assertThat(body.path("workflows")).hasSize(2);
    assertThat(body.path("workflows").get(0).path("matched").asBoolean()).isTrue();
    assertThat(body.path("workflows").get(0).path("params").path("invoice_amount").asText())
        .isEqualTo("30.00");
    assertThat(body.path("workflows").get(1).path("reason").asText()).startsWith("trigger is");
    assertThat(t.app.store().eventSummary(EVENT)).isEmpty();
  }

  @Test
  void hourly_stats_count_deliveries_by_status() {
    t.rc.respondWith(400);
    sale(1);
    sale(2);
    t.deliverDue();
    JsonNode stats = ok("GET", "/api/stats/hourly?hours=48");
    long delivered = 0;
    long failed = 0;
    for (JsonNode c : stats.path("counts")) {
      if (c.path("status").asText().equals("delivered")) delivered += c.path("count").asLong();
      if (c.path("status").asText().equals("failed")) failed += c.path("count").asLong();
    }
    assertThat(delivered).isEqualTo(1);
    assertThat(failed).isEqualTo(1);
    assertThat(call("GET", "/api/stats/hourly?hours=0", "Bearer " + TOKEN).statusCode())
        .isEqualTo(400);
  }

  @Test
  void admin_is_disabled_without_a_token(@TempDir Path other) {
    try (TestApp plain = TestApp.start(other, NOW)) {
      HttpResponse<String> r = StripeWebhooks.get(plain.port(), "/api/deliveries");
      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(r.body()).contains("admin_disabled");
    }
  }
}
