package candybridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The admin routes behind the page's status panel, Events view and merchant columns (issue 18). */
class AdminStatusApiTest extends AdminApiFixture {
  private JsonNode get(String path) {
    return ok("GET", path);
  }

  @Test
  void status_before_any_webhook_says_none_yet() throws Exception {
    JsonNode s = get("/api/status");
    assertThat(s.path("last_event").path("received_at").isNull()).isTrue();
    assertThat(s.path("referralcandy").path("breaker").asText()).isEqualTo("closed");
    assertThat(s.path("referralcandy").path("reachable").asText()).isEqualTo("yes");
    assertThat(s.path("queue").path("due_now").asLong()).isZero();
    assertThat(s.path("stripe_mode").asText())
        .as("TestApp sets CANDYBRIDGE_STRIPE_MODE=test")
        .isEqualTo("test");
  }

  @Test
  void status_shows_the_last_webhook_and_the_queue() throws Exception {
    sale(1);
    t.clock.advance(java.time.Duration.ofSeconds(90));
    JsonNode s = get("/api/status");
    assertThat(s.path("last_event").path("event_id").asText()).isEqualTo(EVENT + "_1");
    assertThat(s.path("last_event").path("type").asText()).isEqualTo("checkout.session.completed");
    assertThat(s.path("last_event").path("age_seconds").asLong()).isEqualTo(90);
    assertThat(s.path("queue").path("pending").asLong()).isEqualTo(1);
    assertThat(s.path("queue").path("due_now").asLong()).isEqualTo(1);
    assertThat(s.path("queue").path("oldest_due_seconds").asLong()).isEqualTo(90);
    assertThat(s.path("queue").path("in_doubt").asLong()).isZero();
  }

  @Test
  void deliveries_carry_the_merchants_columns_and_are_found_by_email() throws Exception {
    sale(1);
    String second = sale(2);
    JsonNode found = get("/api/deliveries?q=buyer2@example.com").path("items");
    assertThat(found).hasSize(1);
    JsonNode d = found.get(0);
    assertThat(d.path("dedupe_key").asText()).isEqualTo("purchase:" + second);
    assertThat(d.path("email").asText()).isEqualTo("buyer2@example.com");
    assertThat(d.path("amount").asText()).isEqualTo("30.00");
    assertThat(d.path("currency").asText()).isEqualToIgnoringCase("usd");
    assertThat(get("/api/deliveries?q=" + second).path("items")).hasSize(1);
  }

  @Test
  void the_events_list_carries_each_workflows_decision() throws Exception {
    sale(1);
    JsonNode items = get("/api/events").path("items");
    assertThat(items).hasSize(1);
    JsonNode decisions = items.get(0).path("decisions");
    assertThat(decisions).isNotEmpty();
    assertThat(decisions.get(0).path("workflow").asText()).isNotBlank();
    assertThat(decisions.get(0).path("reason").asText()).isNotBlank();
    assertThat(decisions.get(0).has("matched")).isTrue();
  }

  @Test
  void the_openapi_description_is_served() throws Exception {
    JsonNode spec = get("/api/openapi.json");
    assertThat(spec.path("openapi").asText()).startsWith("3.");
    assertThat(spec.path("paths").has("/api/status")).isTrue();
  }
}
