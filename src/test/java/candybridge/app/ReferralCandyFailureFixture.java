package candybridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryStatus;
import candybridge.testing.FakeAlertReceiver;
import candybridge.testing.Fixtures;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.TestApp;
import candybridge.workflow.Workflow;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tests of failing ReferralCandy calls share: the service with a 1 s client timeout (real)
 * and a {@code MutableClock}, an alert receiver, numbered sales posted to it as signed webhooks,
 * and the counts they read back. The test classes extend it; a test that needs the service started
 * differently assigns {@code t} itself.
 */
abstract class ReferralCandyFailureFixture {
  static final long NOW = 1_789_466_660L;
  static final String TEMPLATE = Fixtures.read("stripe/checkout.session.completed.json");
  static final String SESSION = Fixtures.event("stripe/checkout.session.completed.json").objectId();
  static final String EVENT_ID =
      Fixtures.event("stripe/checkout.session.completed.json").id().value();

  @TempDir Path dir;
  final FakeAlertReceiver alerts = FakeAlertReceiver.start();
  TestApp t;

  @AfterEach
  void stop() {
    if (t != null) {
      t.close();
    }
    alerts.close();
  }

  TestApp start(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(extra);
    env.put("CANDYBRIDGE_DELIVERY_TIMEOUT", "1s");
    env.put("CANDYBRIDGE_ALERT_WEBHOOK_URL", alerts.url().toString());
    t = TestApp.start(dir, NOW, StripeWebhooks.SECRET, env, Workflow.defaults());
    return t;
  }

  long countStatus(int sales, DeliveryStatus status) {
    long n = 0;
    for (int i = 0; i < sales; i++) {
      if (delivery(i).status() == status) {
        n++;
      }
    }
    return n;
  }

  int pendingOrFlight() {
    var q = t.app.store().queueStats(t.clock.instant());
    return (int) (q.count(DeliveryStatus.PENDING) + q.count(DeliveryStatus.IN_FLIGHT));
  }

  Delivery delivery(int i) {
    return t.app.store().findDeliveryByKey("purchase:" + session(i)).orElseThrow();
  }

  static String session(int i) {
    return SESSION + "_u" + i;
  }

  void post(int i) {
    String body = TEMPLATE.replace(SESSION, session(i)).replace(EVENT_ID, EVENT_ID + "_u" + i);
    assertThat(
            StripeWebhooks.postSigned(t.port(), body, t.clock.instant().getEpochSecond())
                .statusCode())
        .isEqualTo(200);
  }
}
