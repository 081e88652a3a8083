package candybridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryStatus;
import candybridge.store.JdbcStore;
import candybridge.testing.FakeReferralCandyServer;
import candybridge.testing.Fixtures;
import candybridge.testing.Poll;
import candybridge.testing.RecordedCall;
import candybridge.testing.ServiceProcess;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.TestApp;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service as a real process, killed with SIGKILL while calls are on the wire and more events
 * wait: after a restart every acknowledged sale is delivered, none twice, and the calls that were
 * mid-flight are in doubt instead of resent.
 */
class CrashRecoveryTest {
  static final int EVENTS = 20;
  static final String TEMPLATE = Fixtures.read("stripe/checkout.session.completed.json");
  static final String SESSION = Fixtures.event("stripe/checkout.session.completed.json").objectId();
  static final String EVENT_ID =
      Fixtures.event("stripe/checkout.session.completed.json").id().value();

  @TempDir Path dir;

  @Test
  void killed_mid_delivery_then_restarted_delivers_every_acknowledged_sale_once() {
    Path db = dir.resolve("candybridge.db");
    try (FakeReferralCandyServer rc =
        FakeReferralCandyServer.start(TestApp.RC_ACCESS_ID, TestApp.RC_SECRET)) {
      Map<String, String> env = new java.util.HashMap<>(TestApp.env(db, rc, StripeWebhooks.SECRET));
      env.put("CANDYBRIDGE_DELIVERY_CONCURRENCY", "8");
      rc.hangAll(true);

      List<String> acknowledged = new ArrayList<>();
      ServiceProcess first = ServiceProcess.start("crash-first-run", env);
      try {
        for (int i = 0; i < EVENTS; i++) {
          String session = SESSION + "_" + i;
          String body = TEMPLATE.replace(SESSION, session).replace(EVENT_ID, EVENT_ID + "_" + i);
          HttpResponse<String> r =
              StripeWebhooks.postSigned(
                  first.port(), body, Clock.systemUTC().instant().getEpochSecond());
          assertThat(r.statusCode()).isEqualTo(200);
          acknowledged.add(session);
        }
        // The worker sends up to its concurrency (8, set above) at once; all of them hang at the
        // fake.
        Poll.until("calls in flight", Duration.ofSeconds(30), () -> rc.received().size() >= 8);
      } finally {
        first.kill();
      }
      int inFlightAtKill = rc.received().size();
      assertThat(inFlightAtKill).isBetween(1, EVENTS - 1);

      rc.hangAll(false);
      try (ServiceProcess second = ServiceProcess.start("crash-second-run", env)) {
        Poll.until(
            "every other sale delivered",
            Duration.ofSeconds(60),
            () -> rc.received().size() >= EVENTS);
        try (JdbcStore store = JdbcStore.open("jdbc:sqlite:" + db, Clock.systemUTC().instant())) {
          Poll.until(
              "every delivery settled",
              Duration.ofSeconds(30),
              () -> acknowledged.stream().allMatch(s -> settled(store, s)));
          Map<DeliveryStatus, Long> byStatus =
              acknowledged.stream()
                  .map(s -> store.findDeliveryByKey("purchase:" + s).orElseThrow().status())
                  .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
          assertThat(byStatus)
              .containsEntry(DeliveryStatus.IN_DOUBT, (long) inFlightAtKill)
              .containsEntry(DeliveryStatus.DELIVERED, (long) (EVENTS - inFlightAtKill));
        }
      }
      Map<String, Long> sends =
          rc.received("purchase.json").stream()
              .collect(
                  Collectors.groupingBy(
                      c -> c.params().get("external_reference_id"), Collectors.counting()));
      assertThat(sends.keySet()).containsExactlyInAnyOrderElementsOf(acknowledged);
      assertThat(sends.values()).as("no sale sent twice").allMatch(n -> n == 1);
      assertThat(rc.received()).allMatch(RecordedCall::signatureValid);
    }
  }

  private static boolean settled(JdbcStore store, String session) {
    Delivery d = store.findDeliveryByKey("purchase:" + session).orElseThrow();
    return d.status() == DeliveryStatus.DELIVERED || d.status() == DeliveryStatus.IN_DOUBT;
  }
}
