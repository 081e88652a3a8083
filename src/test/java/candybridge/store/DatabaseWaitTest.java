package candybridge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import candybridge.delivery.StoreException;
import candybridge.testing.MutableClock;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The start-up wait with a settable clock and a sleeper that only advances it. */
class DatabaseWaitTest {
  static final SQLException REFUSED =
      new SQLException("Connection to 127.0.0.1:5432 refused", "08001");

  final MutableClock clock = MutableClock.at(1_789_466_700L);
  final List<Duration> pauses = new ArrayList<>();
  final AtomicInteger attempts = new AtomicInteger();

  DatabaseWait waitingUpTo(Duration patience) {
    return new DatabaseWait(
        patience,
        "jdbc:postgresql://db/x?…",
        clock,
        pause -> {
          pauses.add(pause);
          clock.advance(pause);
        });
  }

  /** Fails as "refused" {@code failures} times, then answers. */
  DatabaseWait.Attempt<String> upAfter(int failures) {
    return () -> {
      if (attempts.incrementAndGet() <= failures) {
        throw REFUSED;
      }
      return "connected";
    };
  }

  @Test
  void waits_one_second_doubling_to_ten_until_the_server_answers() {
    assertThat(waitingUpTo(Duration.ofSeconds(60)).until(upAfter(6))).isEqualTo("connected");
    assertThat(pauses)
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(8),
            Duration.ofSeconds(10),
            Duration.ofSeconds(10));
    assertThat(attempts).hasValue(7);
  }

  @Test
  void gives_up_with_one_clear_message_when_the_patience_is_spent() {
    assertThatThrownBy(() -> waitingUpTo(Duration.ofSeconds(20)).until(upAfter(Integer.MAX_VALUE)))
        .isInstanceOf(StoreException.class)
        .hasMessage(
            "database jdbc:postgresql://db/x?… not reachable after waiting 20s "
                + "(CANDYBRIDGE_DATABASE_WAIT): Connection to 127.0.0.1:5432 refused")
        .hasCause(REFUSED);
    // 1 + 2 + 4 + 8, then the 5 s left, then one last try at the deadline.
    assertThat(pauses)
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(8),
            Duration.ofSeconds(5));
    assertThat(attempts).hasValue(6);
  }

  @Test
  void zero_means_one_try_and_no_wait() {
    assertThatThrownBy(() -> waitingUpTo(Duration.ZERO).until(upAfter(1)))
        .hasMessage(
            "database jdbc:postgresql://db/x?… not reachable: Connection to 127.0.0.1:5432 refused");
    assertThat(pauses).isEmpty();
    assertThat(attempts).hasValue(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"28P01", "28000", "3D000", "08004", "42P01"})
  void failures_waiting_cannot_fix_fail_at_once(String sqlState) {
    SQLException e = new SQLException("FATAL: no", sqlState);
    assertThatThrownBy(
            () ->
                waitingUpTo(Duration.ofSeconds(60))
                    .until(
                        () -> {
                          attempts.incrementAndGet();
                          throw e;
                        }))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("refused: FATAL: no")
        .hasCause(e);
    assertThat(pauses).isEmpty();
    assertThat(attempts).hasValue(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"08001", "08006", "57P03", "53300"})
  void a_server_not_up_yet_is_waited_for(String sqlState) {
    assertThat(DatabaseWait.isTransient(new SQLException("x", sqlState))).isTrue();
  }

  @Test
  void a_failure_without_a_state_is_not_waited_for() {
    assertThat(DatabaseWait.isTransient(new SQLException("x"))).isFalse();
  }
}
