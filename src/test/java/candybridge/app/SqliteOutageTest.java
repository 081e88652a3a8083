package candybridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.DeliveryStatus;
import candybridge.testing.Fixtures;
import candybridge.testing.ReliabilityReport;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.TestApp;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outage suite, database side on SQLite (RELIABILITY.md; PostgreSQL stopped and restarted is
 * DatabaseOutageTest's). The database is made unwritable from outside the service: another
 * connection holds {@code BEGIN EXCLUSIVE} on the file, so every write of the service fails with
 * SQLITE_BUSY after its 10 s busy timeout. {@code chmod} would not do: CI runs as root, which
 * ignores file permissions. Webhooks then answer 503 (Stripe retries), never 200; once the lock is
 * gone the same service, not restarted, stores and delivers them.
 */
class SqliteOutageTest {
  static final long NOW = 1_789_466_660L;
  static final String TEMPLATE = Fixtures.read("stripe/checkout.session.completed.json");
  static final String SESSION = Fixtures.event("stripe/checkout.session.completed.json").objectId();
  static final String EVENT_ID =
      Fixtures.event("stripe/checkout.session.completed.json").id().value();
  static final int EVENTS = 4;

  @TempDir Path dir;

  @Test
  void webhooks_answer_503_while_the_database_is_locked_and_recover_without_a_restart()
      throws SQLException {
    try (TestApp t = TestApp.start(dir, NOW)) {
      List<Integer> during = new ArrayList<>();
      try (Connection lock = DriverManager.getConnection("jdbc:sqlite:" + t.database);
          Statement s = lock.createStatement()) {
        s.execute("BEGIN EXCLUSIVE");
        List<CompletableFuture<HttpResponse<String>>> posts =
            IntStream.range(0, EVENTS)
                .mapToObj(
                    i ->
                        CompletableFuture.supplyAsync(
                            () -> StripeWebhooks.postSigned(t.port(), body(i), NOW)))
                .toList();
        for (CompletableFuture<HttpResponse<String>> p : posts) {
          HttpResponse<String> r = p.join();
          during.add(r.statusCode());
          assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
          assertThat(r.body()).contains("\"error\":\"store_unavailable\"");
        }
        s.execute("ROLLBACK");
      }
      // Stripe's retries, after the database is back: the same process takes them.
      List<Integer> after = new ArrayList<>();
      for (int i = 0; i < EVENTS; i++) {
        HttpResponse<String> r = StripeWebhooks.postSigned(t.port(), body(i), NOW);
        after.add(r.statusCode());
        assertThat(r.body()).contains("\"status\":\"stored\"");
      }
      t.deliverDue();
      for (int i = 0; i < EVENTS; i++) {
        assertThat(
                t.app
                    .store()
                    .findDeliveryByKey("purchase:" + SESSION + "_db_" + i)
                    .orElseThrow()
                    .status())
            .isEqualTo(DeliveryStatus.DELIVERED);
      }
      assertThat(t.rc.received("purchase.json")).hasSize(EVENTS);
      new ReliabilityReport("outage-sqlite-locked")
          .put("webhooksWhileLocked", during)
          .put("webhooksAfter", after)
          .put("rcPurchases", t.rc.received("purchase.json").size())
          .write();
    }
  }

  static String body(int i) {
    return TEMPLATE.replace(SESSION, SESSION + "_db_" + i).replace(EVENT_ID, EVENT_ID + "_db_" + i);
  }
}
