package candybridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.DeliveryStatus;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Replay through the admin API: one delivery or many by filter, with a dry run first; a replay is a
 * manual attempt, and one that fails is not retried automatically.
 */
class AdminApiReplayTest extends AdminApiFixture {
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
}
