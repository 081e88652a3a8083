package candybridge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import candybridge.delivery.StoreException;
import candybridge.testing.MutableClock;
import candybridge.testing.Postgres;
import candybridge.testing.TcpForwarder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Start-up against a real PostgreSQL that is not there yet: the first connection is refused, the
 * server "comes up" (a forwarder to the embedded one starts on the refused port) during the first
 * wait, and the store opens. A failure waiting cannot fix fails without a single wait.
 */
class DatabaseWaitPostgresTest {
  static final Pattern HOST_PORT = Pattern.compile("//([^/:]+):(\\d+)/");
  static final Instant NOW = Instant.ofEpochSecond(1_789_466_700L);

  final MutableClock clock = new MutableClock(NOW);
  final List<Duration> pauses = new CopyOnWriteArrayList<>();

  @Test
  void opens_once_postgresql_comes_up_after_the_first_attempt_was_refused() {
    String url = Postgres.freshDatabaseUrl();
    Matcher m = HOST_PORT.matcher(url);
    assertThat(m.find()).as(url).isTrue();
    int port = TcpForwarder.freePort();
    String notYetUp = m.replaceFirst("//127.0.0.1:" + port + "/");
    AtomicReference<TcpForwarder> forwarder = new AtomicReference<>();
    DatabaseWait wait =
        new DatabaseWait(
            Duration.ofSeconds(60),
            "the test database",
            clock,
            pause -> {
              pauses.add(pause);
              if (forwarder.get() == null) {
                forwarder.set(TcpForwarder.start(port, Integer.parseInt(m.group(2))));
              }
              clock.advance(pause);
            });
    try (JdbcStore store = JdbcStore.open(notYetUp, 2, wait, NOW)) {
      assertThat(store.queueStats(NOW)).isNotNull();
      assertThat(pauses).containsExactly(Duration.ofSeconds(1));
    } finally {
      if (forwarder.get() != null) {
        forwarder.get().close();
      }
    }
  }

  @Test
  void an_unknown_role_fails_at_once() {
    String url = Postgres.freshDatabaseUrl().replaceFirst("user=[^&]*", "user=no_such_role");
    assertThatThrownBy(() -> JdbcStore.open(url, 2, waitingUpTo(Duration.ofSeconds(60)), NOW))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("refused")
        .hasMessageContaining("no_such_role");
    assertThat(pauses).isEmpty();
  }

  @Test
  void a_missing_database_fails_at_once() {
    String url = Postgres.freshDatabaseUrl().replaceFirst("/candybridge_\\d+", "/no_such_database");
    assertThatThrownBy(() -> JdbcStore.open(url, 2, waitingUpTo(Duration.ofSeconds(60)), NOW))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("no_such_database");
    assertThat(pauses).isEmpty();
  }

  private DatabaseWait waitingUpTo(Duration patience) {
    return new DatabaseWait(
        patience,
        "the test database",
        clock,
        pause -> {
          pauses.add(pause);
          clock.advance(pause);
        });
  }
}
