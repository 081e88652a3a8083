package candybridge.app;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import candybridge.alert.Alerts;
import candybridge.testing.FakeAlertReceiver;
import candybridge.testing.Fixtures;
import candybridge.testing.Poll;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.TestApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /metrics after a scripted run, and alerts to a local receiver, through the real service. */
class ObservabilityTest {
  static final long NOW = 1_789_466_700L;
  static final String TEMPLATE = Fixtures.read("stripe/checkout.session.completed.json");
  static final String SESSION = Fixtures.event("stripe/checkout.session.completed.json").objectId();
  static final String EVENT = Fixtures.event("stripe/checkout.session.completed.json").id().value();

  @TempDir Path dir;
  FakeAlertReceiver receiver;
  TestApp t;

  @BeforeEach
  void start() {
    receiver = FakeAlertReceiver.start();
    t =
        TestApp.start(
            dir,
            NOW,
            StripeWebhooks.SECRET,
            Map.of("CANDYBRIDGE_ALERT_WEBHOOK_URL", receiver.url().toString()));
  }

  @AfterEach
  void stop() {
    t.close();
    receiver.close();
  }

  private void sale(int i) {
    String body = TEMPLATE.replace(SESSION, SESSION + "_" + i).replace(EVENT, EVENT + "_" + i);
    assertThat(StripeWebhooks.postSigned(t.port(), body, NOW).statusCode()).isEqualTo(200);
  }

  private static double value(String scrape, String series) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.Ee+-]+)$").matcher(scrape);
    assertThat(m.find()).as("series %s in%n%s", series, scrape).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void metrics_count_webhooks_attempts_and_the_queue_after_a_scripted_run() {
    t.rc.respondWith(503, 400);
    sale(1);
    sale(2);
    sale(3);
    sale(3); // duplicate
    StripeWebhooks.post(t.port(), "{}".getBytes(UTF_8), "t=1,v1=00"); // rejected
    t.deliverDue(); // one 503 (retry), one 400 (failed), one delivered

    var r = StripeWebhooks.get(t.port(), "/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
    String s = r.body();
    assertThat(
            value(
                s,
                "candybridge_webhooks_received_total{outcome=\"stored\",type=\"checkout.session.completed\"}"))
        .isEqualTo(3);
    assertThat(
            value(
                s,
                "candybridge_webhooks_received_total{outcome=\"duplicate\",type=\"checkout.session.completed\"}"))
        .isEqualTo(1);
    assertThat(
            value(s, "candybridge_webhooks_received_total{outcome=\"rejected\",type=\"unknown\"}"))
        .isEqualTo(1);
    assertThat(value(s, "candybridge_delivery_attempts_total{verdict=\"retry\"}")).isEqualTo(1);
    assertThat(value(s, "candybridge_delivery_attempts_total{verdict=\"fail\"}")).isEqualTo(1);
    assertThat(value(s, "candybridge_delivery_attempts_total{verdict=\"delivered\"}")).isEqualTo(1);
    assertThat(value(s, "candybridge_deliveries{status=\"pending\"}")).isEqualTo(1);
    assertThat(value(s, "candybridge_deliveries{status=\"failed\"}")).isEqualTo(1);
    assertThat(value(s, "candybridge_deliveries{status=\"delivered\"}")).isEqualTo(1);
    assertThat(value(s, "candybridge_queue_depth")).as("the retry is not due yet").isEqualTo(0);
    assertThat(s).contains("candybridge_ingest_duration_seconds_count");
    assertThat(value(s, "candybridge_store_commit_duration_seconds_count"))
        .as("every stored webhook and recorded attempt waited for a commit")
        .isGreaterThanOrEqualTo(3);
  }

  @Test
  void a_failed_delivery_and_an_in_doubt_one_are_alerted_without_customer_data() {
    t.rc.respondWith(400);
    sale(1);
    t.deliverDue();
    sale(2);
    var now = t.clock.instant();
    t.app.store().claimDue(now, 10, "dead", now.plusSeconds(60));
    t.app.worker().recoverAbandoned(true);
    t.clock.advance(Alerts.BURST_QUIET);
    t.app.alerts().tick();

    Poll.until("two alerts", Duration.ofSeconds(20), () -> receiver.received().size() >= 2);
    assertThat(receiver.received())
        .anySatisfy(
            a ->
                assertThat(a)
                    .contains("\"alert\":\"delivery_failed\"")
                    .contains("purchase:" + SESSION + "_1")
                    .contains("400"));
    assertThat(receiver.received())
        .anySatisfy(
            a ->
                assertThat(a)
                    .contains("\"alert\":\"delivery_in_doubt\"")
                    .contains("purchase:" + SESSION + "_2")
                    .contains("\"count\":1"));
    assertThat(receiver.received()).noneMatch(a -> a.contains("@"));
  }
}
