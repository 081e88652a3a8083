package candybridge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryStatus;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A SQLite deployment with history, made through the real service: signed events posted over HTTP,
 * deliveries sent to the fake RC (some accepted, some refused, some to retry), one in doubt after a
 * crash, one failed and replayed, one still pending, and an event that planned nothing. The service
 * is stopped on return, as a migration requires.
 */
public final class SqliteDeployment {
  public static final long NOW = 1_789_466_700L;
  static final String TEMPLATE = Fixtures.read("stripe/checkout.session.completed.json");
  static final String SESSION = Fixtures.event("stripe/checkout.session.completed.json").objectId();
  static final String EVENT = Fixtures.event("stripe/checkout.session.completed.json").id().value();

  /** Sessions by what became of them; {@code path} is the SQLite file. */
  public record Made(
      Path path,
      String delivered,
      String failed,
      String retrying,
      String inDoubt,
      String replayed,
      String pending,
      Instant clock) {
    public String url() {
      return "jdbc:sqlite:" + path;
    }
  }

  private SqliteDeployment() {}

  public static String session(int i) {
    return SESSION + "_" + i;
  }

  /** The checkout.session.completed event of sale {@code i} with event id {@code eventId}. */
  public static String saleEvent(int i, String eventId) {
    return TEMPLATE.replace(SESSION, session(i)).replace(EVENT, eventId);
  }

  public static Made make(Path dir) {
    try (TestApp t = TestApp.start(dir, NOW)) {
      // One at a time: the worker sends a round's calls concurrently, in no fixed order.
      deliverOne(t, 1, 200);
      deliverOne(t, 2, 400);
      deliverOne(t, 3, 503);
      sale(t, 4);
      Instant now = t.clock.instant();
      assertThat(t.app.store().claimDue(now, 10, "crashed-worker", now.plusSeconds(60))).hasSize(1);
      assertThat(t.app.store().markAbandonedInDoubt(now, true)).hasSize(1);
      sale(t, 5);
      t.rc.respondWith(400);
      t.deliverDue();
      assertThat(t.app.store().replay(delivery(t, 5).id(), now)).isPresent();
      t.rc.respondWith(200);
      t.deliverDue();
      sale(t, 6);
      String refund = Fixtures.read("stripe/charge.refunded.json");
      assertThat(StripeWebhooks.postSigned(t.port(), refund, NOW).statusCode()).isEqualTo(200);

      assertThat(delivery(t, 1).status()).isEqualTo(DeliveryStatus.DELIVERED);
      assertThat(delivery(t, 2).status()).isEqualTo(DeliveryStatus.FAILED);
      assertThat(delivery(t, 3).status()).isEqualTo(DeliveryStatus.PENDING);
      assertThat(delivery(t, 3).attemptCount()).isEqualTo(1);
      assertThat(delivery(t, 4).status()).isEqualTo(DeliveryStatus.IN_DOUBT);
      assertThat(delivery(t, 5).status()).isEqualTo(DeliveryStatus.DELIVERED);
      assertThat(t.app.store().attempts(delivery(t, 5).id())).hasSize(2);
      assertThat(delivery(t, 6).attemptCount()).isZero();
      return new Made(
          t.database,
          session(1),
          session(2),
          session(3),
          session(4),
          session(5),
          session(6),
          t.clock.instant());
    }
  }

  private static void deliverOne(TestApp t, int i, int rcStatus) {
    sale(t, i);
    t.rc.respondWith(rcStatus);
    t.deliverDue();
  }

  private static void sale(TestApp t, int i) {
    assertThat(StripeWebhooks.postSigned(t.port(), saleEvent(i, EVENT + "_" + i), NOW).statusCode())
        .isEqualTo(200);
  }

  private static Delivery delivery(TestApp t, int i) {
    return t.app.store().findDeliveryByKey("purchase:" + session(i)).orElseThrow();
  }
}
