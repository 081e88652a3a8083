package candybridge.alert;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.testing.FakeAlertReceiver;
import candybridge.testing.MutableClock;
import candybridge.testing.Poll;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AlertsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T10:15:30Z"));
  private final FakeAlertReceiver receiver = FakeAlertReceiver.start();
  private Alerts alerts = start(settings(Duration.ofSeconds(5), 10));

  @AfterEach
  void stop() {
    receiver.close();
    alerts.close();
  }

  @Test
  void failed_delivery_alert_arrives_with_the_delivery_and_a_sentence() {
    alerts.deliveryFailed(
        new DeliveryAlert(
            12,
            "purchase",
            "purchase:cs_test_a1",
            "evt_1",
            "failed",
            "HTTP 400: invalid currency",
            1));

    JsonNode alert = onlyAlert();
    assertThat(alert.get("alert").asText()).isEqualTo("delivery_failed");
    assertThat(alert.get("at").asText()).isEqualTo("2025-03-01T10:15:30Z");
    JsonNode d = alert.get("delivery");
    assertThat(d.get("id").asLong()).isEqualTo(12);
    assertThat(d.get("workflow").asText()).isEqualTo("purchase");
    assertThat(d.get("dedupe_key").asText()).isEqualTo("purchase:cs_test_a1");
    assertThat(d.get("event_id").asText()).isEqualTo("evt_1");
    assertThat(d.get("status").asText()).isEqualTo("failed");
    assertThat(d.get("reason").asText()).isEqualTo("HTTP 400: invalid currency");
    assertThat(d.get("attempts").asInt()).isEqualTo(1);
    assertThat(alert.get("detail").asText()).startsWith("Delivery 12 failed after 1 attempt(s)");
  }

  @Test
  void in_doubt_deliveries_of_one_burst_make_one_alert_with_the_count_and_window() {
    Instant first = clock.instant();
    alerts.deliveryInDoubt(
        new DeliveryAlert(
            13,
            "purchase",
            "purchase:cs_test_b2",
            "evt_2",
            "in_doubt",
            "sent 2025-03-01 10:15:30 UTC, no answer within 10 s: it may have processed the call",
            1));
    clock.advance(Duration.ofSeconds(4));
    alerts.deliveryInDoubt(alert(14, "the same outage"));
    clock.advance(Duration.ofSeconds(5));
    alerts.deliveryInDoubt(alert(15, "the same outage"));
    clock.advance(Alerts.BURST_QUIET.minusMillis(1));
    alerts.tick();
    assertThat(receiver.received()).as("the burst is still going on").isEmpty();

    clock.advance(Duration.ofMillis(1));
    alerts.tick();
    JsonNode alert = onlyAlert();
    assertThat(alert.get("alert").asText()).isEqualTo("delivery_in_doubt");
    assertThat(alert.get("count").asInt()).isEqualTo(3);
    assertThat(alert.get("from").asText()).isEqualTo(first.toString());
    assertThat(alert.get("to").asText()).isEqualTo(first.plusSeconds(9).toString());
    assertThat(alert.get("delivery").get("id").asLong()).isEqualTo(13);
    assertThat(alert.get("delivery").get("status").asText()).isEqualTo("in_doubt");
    assertThat(alert.get("detail").asText())
        .startsWith("3 deliveries went in doubt between")
        .contains("no answer within 10 s")
        .contains("resolve --status in_doubt");
    alerts.tick();
    assertThat(receiver.received()).as("sent once").hasSize(1);
  }

  @Test
  void a_burst_that_goes_on_is_reported_a_minute_after_its_first() {
    for (int i = 0; i < 13; i++) {
      alerts.deliveryInDoubt(alert(100 + i, "outage"));
      alerts.tick();
      clock.advance(Duration.ofSeconds(5));
    }
    JsonNode alert = onlyAlert();
    assertThat(alert.get("count").asInt()).isEqualTo(13);
  }

  @Test
  void receiver_failing_twice_gets_the_alert_on_the_third_try() {
    receiver.respondWith(500, 503);

    alerts.deliveryFailed(alert(14, "HTTP 404"));

    Poll.until("three tries", WAIT, () -> receiver.received().size() == 3);
    alerts.close();
    assertThat(receiver.received()).hasSize(3).containsOnly(receiver.received().get(0));
  }

  @Test
  void hanging_receiver_never_blocks_the_caller_and_drops_with_a_warn() {
    receiver.hang();
    alerts.close();
    alerts = start(settings(Duration.ofSeconds(30), 2));

    long t0 = System.nanoTime();
    for (int i = 0; i < 20; i++) {
      clock.advance(Alerts.SUMMARY_EVERY); // a minute apart: each one is an alert of its own
      alerts.deliveryFailed(alert(9100 + i, "HTTP 400"));
    }
    Duration took = Duration.ofNanos(System.nanoTime() - t0);

    assertThat(took).isLessThan(Duration.ofSeconds(2));
    assertThat(alerts.dropped()).isBetween(17L, 18L);
    awaitWarn("alert delivery_failed delivery=9119 dropped");
  }

  @Test
  void unreachable_receiver_logs_a_warn_once_the_retries_are_used_up() {
    receiver.close();

    alerts.deliveryFailed(alert(9200, "HTTP 400"));

    awaitWarn("alert delivery_failed delivery=9200 not delivered to the alert webhook");
  }

  @Test
  void every_alert_is_one_warn_line() {
    alerts.deliveryFailed(alert(9300, "HTTP 401: bad signature"));

    awaitWarn(
        "alert delivery_failed delivery=9300 key=purchase:cs_9300 reason=HTTP 401: bad signature");
  }

  @Test
  void backlog_alert_fires_once_when_crossed_and_again_only_after_recovery() {
    alerts.checkBacklog(Optional.of(Duration.ofMinutes(14)));
    alerts.checkBacklog(Optional.of(Duration.ofMinutes(15)));
    alerts.checkBacklog(Optional.of(Duration.ofMinutes(20)));
    alerts.checkBacklog(Optional.of(Duration.ofHours(3)));
    alerts.checkBacklog(Optional.empty());
    alerts.checkBacklog(Optional.of(Duration.ofMinutes(16)));
    alerts.checkBacklog(Optional.of(Duration.ofMinutes(17)));
    alerts.checkBacklog(Optional.of(Duration.ofMinutes(1)));
    alerts.checkBacklog(Optional.of(Duration.ofMinutes(30)));
    alerts.close();

    List<JsonNode> sent = receiver.received().stream().map(AlertsTest::parse).toList();
    assertThat(sent).extracting(a -> a.get("alert").asText()).containsOnly("backlog_old");
    assertThat(sent)
        .extracting(a -> a.get("oldest_due_age_seconds").asLong())
        .containsExactly(900L, 960L, 1800L);
    assertThat(sent.get(0).get("threshold_seconds").asLong()).isEqualTo(900);
    assertThat(sent.get(0).get("detail").asText()).contains("15 min");
  }

  @Test
  void no_e_mail_address_leaves_in_an_alert_even_if_the_reason_holds_one() {
    alerts.deliveryFailed(
        new DeliveryAlert(
            15,
            "signup",
            "signup:jane.doe+vip@example.co.uk",
            "evt_3",
            "failed",
            "RC said: Jane.Doe@Example.com is not a valid buyer",
            1));

    String body = receiver.received().isEmpty() ? awaitOne() : receiver.received().get(0);
    assertThat(body).doesNotContain("@").contains(DeliveryAlert.EMAIL_REMOVED);
    assertThat(parse(body).get("delivery").get("reason").asText())
        .isEqualTo("RC said: [e-mail removed] is not a valid buyer");
    assertThat(new DeliveryAlert(1, "w", "k", "e", "s", "to a@b.io", 0).toString())
        .doesNotContain("@");
  }

  @Test
  void a_slack_webhook_takes_every_alert_as_a_message_with_a_one_line_text_and_the_admin_link() {
    receiver.likeSlack();
    alerts.close();
    alerts =
        Alerts.start(
            receiver.url(),
            clock,
            settings(Duration.ofSeconds(5), 10)
                .withAdminPage(Optional.of(URI.create("https://shop.example.com/admin"))));

    alerts.deliveryFailed(alert(12, "HTTP 400: amount <0 & no currency"));
    alerts.deliveryInDoubt(alert(13, "sent, no answer within 10 s"));
    alerts.breakerOpened("5 calls failed");
    alerts.breakerClosed(Optional.of(Duration.ofSeconds(42)));
    alerts.checkBacklog(Optional.of(Duration.ofMinutes(16)));
    clock.advance(Alerts.BURST_QUIET);
    alerts.tick();
    alerts.close();

    assertThat(receiver.answered())
        .as("Slack refuses a body without text with 400 no_text")
        .containsOnly(200)
        .hasSize(5);
    List<JsonNode> sent = receiver.received().stream().map(AlertsTest::parse).toList();
    assertThat(sent)
        .allSatisfy(
            a ->
                assertThat(a.get("text").asText())
                    .startsWith("Candybridge: ")
                    .doesNotContain("\n"));
    JsonNode failed =
        sent.stream()
            .filter(a -> a.get("alert").asText().equals("delivery_failed"))
            .findFirst()
            .orElseThrow();
    assertThat(failed.get("text").asText())
        .isEqualTo(
            "Candybridge: delivery 12 (purchase) failed after 3 attempt(s):"
                + " HTTP 400: amount &lt;0 &amp; no currency https://shop.example.com/admin#delivery-12");
    assertThat(failed.get("link").asText()).isEqualTo("https://shop.example.com/admin#delivery-12");
    assertThat(failed.get("delivery").get("reason").asText())
        .as("the structured fields stay as they were")
        .isEqualTo("HTTP 400: amount <0 & no currency");
    JsonNode inDoubt =
        sent.stream()
            .filter(a -> a.get("alert").asText().equals("delivery_in_doubt"))
            .findFirst()
            .orElseThrow();
    assertThat(inDoubt.get("text").asText())
        .contains("1 delivery went in doubt")
        .endsWith("#delivery-13");
    assertThat(sent)
        .extracting(a -> a.get("alert").asText())
        .containsExactlyInAnyOrder(
            "delivery_failed",
            "delivery_in_doubt",
            "referralcandy_unavailable",
            "referralcandy_recovered",
            "backlog_old");
  }

  @Test
  void failures_within_a_minute_make_one_alert_at_once_and_one_summary_with_their_count() {
    Instant first = clock.instant();
    alerts.deliveryFailed(alert(20, "HTTP 401: bad signature"));
    Poll.until("the first failure at once", WAIT, () -> receiver.received().size() == 1);
    clock.advance(Duration.ofSeconds(5));
    alerts.deliveryFailed(alert(21, "HTTP 401: bad signature"));
    for (int i = 22; i < 30; i++) {
      clock.advance(Duration.ofSeconds(5));
      alerts.deliveryFailed(alert(i, "HTTP 401: bad signature"));
      alerts.tick();
    }
    clock.set(first.plus(Alerts.SUMMARY_EVERY).minusMillis(1));
    alerts.tick();
    assertThat(receiver.received()).as("the rest of the minute is counted, not sent").hasSize(1);

    clock.advance(Duration.ofMillis(1));
    alerts.tick();
    Poll.until("the summary", WAIT, () -> receiver.received().size() == 2);
    JsonNode summary = parse(receiver.received().get(1));
    assertThat(summary.get("alert").asText()).isEqualTo("delivery_failed");
    assertThat(summary.get("count").asInt()).isEqualTo(9);
    assertThat(summary.get("from").asText()).isEqualTo(first.plusSeconds(5).toString());
    assertThat(summary.get("to").asText()).isEqualTo(first.plusSeconds(45).toString());
    assertThat(summary.get("delivery").get("id").asLong()).isEqualTo(21);
    assertThat(summary.get("text").asText())
        .startsWith("Candybridge: 9 more deliveries failed between");
    assertThat(summary.get("detail").asText())
        .contains("deliveries list --status failed", "replay --status failed");

    clock.advance(Alerts.SUMMARY_EVERY);
    alerts.tick();
    alerts.tick();
    clock.advance(Duration.ofSeconds(1));
    alerts.deliveryFailed(alert(40, "HTTP 400"));
    Poll.until(
        "after a quiet minute, the next failure at once",
        WAIT,
        () -> receiver.received().size() == 3);
    assertThat(parse(receiver.received().get(2)).get("count").asInt()).isEqualTo(1);
    alerts.close();
    assertThat(receiver.received()).hasSize(3);
  }

  @Test
  void failures_counted_when_stopping_are_sent_as_their_summary() {
    alerts.deliveryFailed(alert(50, "HTTP 400"));
    alerts.deliveryFailed(alert(51, "HTTP 400"));
    alerts.deliveryFailed(alert(52, "HTTP 400"));
    alerts.close();

    assertThat(receiver.received()).hasSize(2);
    assertThat(parse(receiver.received().get(1)).get("count").asInt()).isEqualTo(2);
  }

  @Test
  void a_slack_url_answering_404_costs_one_warn_after_the_retries_and_never_blocks_the_caller() {
    receiver.respondWith(404, 404, 404);

    long t0 = System.nanoTime();
    alerts.deliveryFailed(alert(9500, "HTTP 400"));
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));

    awaitWarn("alert delivery_failed delivery=9500 not delivered to the alert webhook: HTTP 404");
    assertThat(receiver.answered()).containsExactly(404, 404, 404);
  }

  @Test
  void disabled_alerts_send_and_log_nothing() {
    Alerts disabled = Alerts.disabled();
    disabled.deliveryFailed(alert(9400, "HTTP 400"));
    disabled.checkBacklog(Optional.of(Duration.ofDays(1)));
    disabled.close();

    assertThat(receiver.received()).isEmpty();
    assertThat(disabled.dropped()).isZero();
  }

  private Alerts start(AlertSettings settings) {
    return Alerts.start(receiver.url(), clock, settings);
  }

  /** Retries after 1 ms: the schedule is data, so the test needs no sleeps. */
  private static AlertSettings settings(Duration timeout, int capacity) {
    return new AlertSettings(
        timeout,
        List.of(Duration.ofMillis(1), Duration.ofMillis(1)),
        capacity,
        Duration.ofMinutes(15));
  }

  private static DeliveryAlert alert(long id, String reason) {
    return new DeliveryAlert(id, "purchase", "purchase:cs_" + id, "evt_" + id, "failed", reason, 3);
  }

  private JsonNode onlyAlert() {
    String body = awaitOne();
    alerts.close();
    assertThat(receiver.received()).hasSize(1);
    return parse(body);
  }

  private String awaitOne() {
    Poll.until("an alert", WAIT, () -> !receiver.received().isEmpty());
    return receiver.received().get(0);
  }

  private static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The whole test run logs to one file (see the surefire configuration in pom.xml). */
  private static void awaitWarn(String text) {
    Path log = Path.of(System.getProperty("candybridge.testLogFile", "target/test-in-process.log"));
    Poll.until(
        "WARN line '" + text + "'",
        WAIT,
        () -> {
          try {
            return Files.exists(log)
                && Files.readAllLines(log).stream()
                    .anyMatch(l -> l.contains("[WARN]") && l.contains(text));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}
