package candybridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.history.EventRecord;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.SyntheticEvents;
import candybridge.testing.TestApp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code CANDYBRIDGE_STRIPE_MODE} end to end: with the default ({@code live}) a test-mode event is
 * stored with its reason, answered {@code ignored}, and nothing reaches ReferralCandy; a live-mode
 * one becomes a purchase; {@code test} mode is the mirror image. (The other end-to-end tests run in
 * {@code test} mode, since their fixtures are Stripe test-mode events.)
 */
class StripeModeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long NOW = 1_785_000_000L;
  private static final String TOKEN = "admin-token-for-stripe-mode";

  @TempDir Path dir;
  TestApp t;

  @AfterEach
  void stop() {
    if (t != null) t.close();
  }

  private static String checkout(String eventId, String session, boolean livemode)
      throws IOException {
    ObjectNode event =
        (ObjectNode) JSON.readTree(SyntheticEvents.checkoutCompleted(eventId, session, NOW - 5));
    event.put("livemode", livemode);
    return event.toString();
  }

  private JsonNode post(String body) throws IOException {
    HttpResponse<String> r = StripeWebhooks.postSigned(t.port(), body, NOW);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  void by_default_a_test_mode_event_is_stored_and_ignored_with_its_reason_and_nothing_is_sent()
      throws Exception {
    // Blank is the default: the harness sets test mode for its fixtures.
    t =
        TestApp.start(
            dir,
            NOW,
            StripeWebhooks.SECRET,
            Map.of("CANDYBRIDGE_STRIPE_MODE", "", "CANDYBRIDGE_ADMIN_TOKEN", TOKEN));
    String test = checkout("evt_test_1", "cs_test_1", false);

    JsonNode answer = post(test);
    assertThat(answer.path("status").asText()).isEqualTo("ignored");
    assertThat(answer.path("event").asText()).isEqualTo("evt_test_1");
    assertThat(answer.path("detail").asText())
        .isEqualTo("test-mode event while CANDYBRIDGE_STRIPE_MODE=live; stored, nothing planned");
    assertThat(post(test).path("status").asText()).as("a redelivery, too").isEqualTo("ignored");

    EventRecord stored = t.app.store().history().event("evt_test_1").orElseThrow();
    assertThat(stored.summary())
        .isEqualTo(
            "checkout-purchase: not planned: test-mode event while CANDYBRIDGE_STRIPE_MODE=live");
    t.deliverDue();
    assertThat(t.rc.received("purchase.json")).isEmpty();
    assertThat(t.app.store().findDeliveryByKey("purchase:cs_test_1")).isEmpty();

    // The admin event view and dry-run say why.
    assertThat(admin("GET", "/api/events/evt_test_1", null).path("summary").asText())
        .contains("not planned: test-mode event while CANDYBRIDGE_STRIPE_MODE=live");
    JsonNode dry = admin("POST", "/api/dry-run", test);
    assertThat(dry.path("workflows").get(0).path("matched").asBoolean()).isFalse();
    assertThat(dry.path("workflows").get(0).path("reason").asText())
        .isEqualTo("not planned: test-mode event while CANDYBRIDGE_STRIPE_MODE=live");

    // A live-mode event still goes through.
    assertThat(post(checkout("evt_live_1", "cs_live_1", true)).path("status").asText())
        .isEqualTo("stored");
    t.deliverDue();
    assertThat(t.rc.received("purchase.json"))
        .singleElement()
        .satisfies(call -> assertThat(call.signatureValid()).isTrue());
  }

  @Test
  void test_mode_ignores_live_events_and_any_takes_both() throws Exception {
    t = TestApp.start(dir, NOW, StripeWebhooks.SECRET, Map.of("CANDYBRIDGE_STRIPE_MODE", "test"));
    assertThat(post(checkout("evt_live_2", "cs_live_2", true)).path("detail").asText())
        .isEqualTo("live-mode event while CANDYBRIDGE_STRIPE_MODE=test; stored, nothing planned");
    assertThat(post(checkout("evt_test_2", "cs_test_2", false)).path("status").asText())
        .isEqualTo("stored");
    t.deliverDue();
    assertThat(t.rc.received("purchase.json")).hasSize(1);
    t.close();

    java.nio.file.Files.createDirectories(dir.resolve("any"));
    t =
        TestApp.start(
            dir.resolve("any"),
            NOW,
            StripeWebhooks.SECRET,
            Map.of("CANDYBRIDGE_STRIPE_MODE", "any"));
    assertThat(post(checkout("evt_live_3", "cs_live_3", true)).path("status").asText())
        .isEqualTo("stored");
    assertThat(post(checkout("evt_test_3", "cs_test_3", false)).path("status").asText())
        .isEqualTo("stored");
    t.deliverDue();
    assertThat(t.rc.received("purchase.json")).hasSize(2);
  }

  private JsonNode admin(String method, String path, String body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + t.port() + path))
            .header("Authorization", "Bearer " + TOKEN)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> r =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }
}
