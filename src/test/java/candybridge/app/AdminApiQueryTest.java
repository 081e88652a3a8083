package candybridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.testing.StripeWebhooks;
import candybridge.testing.SyntheticEvents;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The admin API's read side over real HTTP: deliveries and events listed with filters and cursor
 * paging, one of each shown in full, the dry run that stores nothing, and the hourly stats.
 */
class AdminApiQueryTest extends AdminApiFixture {
  private static List<String> ids(JsonNode listing) {
    List<String> out = new ArrayList<>();
    listing.path("items").forEach(i -> out.add(i.path("id").asText()));
    return out;
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
}
