package candybridge.referralcandy;

import static candybridge.referralcandy.TestVectors.ACCESS_ID;
import static candybridge.referralcandy.TestVectors.SECRET;
import static candybridge.referralcandy.TestVectors.tv4Purchase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import candybridge.config.Secret;
import candybridge.testing.ScriptedServer;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How {@link HttpReferralCandy} uses its connections, against a raw-socket server whose every byte
 * the test decides: kept alive and reused, never a request sent twice behind the worker's back, and
 * a whole-exchange deadline that a trickling body cannot escape.
 */
class HttpReferralCandyConnectionTest {
  private static final RcCall TV4 = RcCall.of(RcMethod.PURCHASE, tv4Purchase());
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1700000100), ZoneOffset.UTC);

  private final ScriptedServer server = new ScriptedServer();

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void reuses_one_kept_alive_connection_for_calls_in_a_row() throws IOException {
    server.answer(ScriptedServer::ok);
    try (HttpReferralCandy client = client(Duration.ofSeconds(5))) {
      for (int i = 0; i < 20; i++) {
        assertThat(client.send(TV4).isSuccess()).isTrue();
      }
    }
    assertThat(server.requests()).isEqualTo(20);
    assertThat(server.connections()).isEqualTo(1);
  }

  @Test
  void does_not_resend_a_post_whose_connection_was_reset() {
    server.answer(ScriptedServer::reset);
    try (HttpReferralCandy client = client(Duration.ofSeconds(5))) {
      assertThatThrownBy(() -> client.send(TV4))
          .isInstanceOfSatisfying(NoAnswerException.class, e -> assertThat(e.timedOut()).isFalse());
    }
    assertThat(server.requests()).isEqualTo(1);
  }

  @Test
  void returns_a_redirect_as_a_value_without_following_it() throws IOException {
    server.answer(ScriptedServer::redirect);
    try (HttpReferralCandy client = client(Duration.ofSeconds(5))) {
      RcResponse response = client.send(TV4);

      assertThat(response.status()).isEqualTo(302);
      assertThat(response.isSuccess()).isFalse();
    }
    assertThat(server.requests()).isEqualTo(1);
  }

  @Test
  void ends_a_body_that_trickles_in_at_the_whole_exchange_deadline() throws IOException {
    // A byte every 50 ms never trips the 400 ms per-read timeout; only the deadline ends it. The
    // status and headers had come: RC answered, so the call returns what came of the body.
    server.answer(server::trickle);
    Duration timeout = Duration.ofMillis(400);
    try (HttpReferralCandy client = client(timeout)) {
      long started = System.nanoTime();

      RcResponse response = client.send(TV4);

      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isGreaterThanOrEqualTo(timeout.minusMillis(50))
          .isLessThan(timeout.plusSeconds(2));
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body()).isNotEmpty().isBlank().hasSizeLessThan(1000);
    }
  }

  private HttpReferralCandy client(Duration timeout) {
    return new HttpReferralCandy(server.apiBase(), ACCESS_ID, new Secret(SECRET), CLOCK, timeout);
  }
}
