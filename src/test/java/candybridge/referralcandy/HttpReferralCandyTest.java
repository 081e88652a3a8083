package candybridge.referralcandy;

import static candybridge.referralcandy.TestVectors.ACCESS_ID;
import static candybridge.referralcandy.TestVectors.SECRET;
import static candybridge.referralcandy.TestVectors.tv4Purchase;
import static candybridge.referralcandy.TestVectors.tv5Purchase;
import static candybridge.referralcandy.TestVectors.with;
import static candybridge.referralcandy.TestVectors.withAuth;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import candybridge.config.Secret;
import candybridge.testing.FakeReferralCandyServer;
import candybridge.testing.RecordedCall;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpReferralCandyTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final Duration SHORT_TIMEOUT = Duration.ofMillis(300);
  private static final RcCall TV4 = RcCall.of(RcMethod.PURCHASE, tv4Purchase());

  private final FakeReferralCandyServer fake = FakeReferralCandyServer.start(ACCESS_ID, SECRET);

  @AfterEach
  void stopFake() {
    fake.close();
  }

  @Test
  void sends_a_purchase_the_fake_accepts_as_correctly_signed() throws IOException {
    RcResponse response = client(SECRET, 1700000100).send(TV4);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.isSuccess()).isTrue();
    assertThat(fake.received("purchase.json"))
        .singleElement()
        .satisfies(
            call -> {
              assertThat(call.method()).isEqualTo("POST");
              assertThat(call.path()).isEqualTo("/api/v1/purchase.json");
              assertThat(call.signatureValid()).isTrue();
            });
  }

  @Test
  void sends_exactly_the_tv4_parameters_with_the_tv4_signature() throws IOException {
    client(SECRET, 1700000100).send(TV4);

    Map<String, String> expected =
        with(
            withAuth(tv4Purchase(), "1700000100"), "signature", "56b297c7e3e8e631aceea9acbb8f5962");
    assertThat(fake.received())
        .singleElement()
        .extracting(RecordedCall::params)
        .isEqualTo(expected);
  }

  @Test
  void sends_non_ascii_and_empty_values_as_tv5() throws IOException {
    RcResponse response =
        client(SECRET, 1700000200).send(RcCall.of(RcMethod.PURCHASE, tv5Purchase()));

    assertThat(response.isSuccess()).isTrue();
    assertThat(fake.received())
        .singleElement()
        .satisfies(
            call -> {
              assertThat(call.params())
                  .containsEntry("first_name", "José")
                  .containsEntry("last_name", "")
                  .containsEntry("signature", "bfc8c8134002ac638b8e5312522b4fcf");
              assertThat(call.signatureValid()).isTrue();
            });
  }

  @Test
  void signs_with_the_configured_clock_second() throws IOException {
    Clock clock = Clock.fixed(Instant.parse("2023-11-14T22:15:00.999Z"), ZoneOffset.UTC);
    new HttpReferralCandy(fake.apiBase(), ACCESS_ID, new Secret(SECRET), clock, TIMEOUT).send(TV4);

    assertThat(fake.received().get(0).params())
        .containsEntry("timestamp", Long.toString(clock.instant().getEpochSecond()));
  }

  @Test
  void tolerates_a_trailing_slash_on_the_api_base() throws IOException {
    URI withSlash = URI.create(fake.apiBase() + "/");
    RcResponse response =
        new HttpReferralCandy(
                withSlash, ACCESS_ID, new Secret(SECRET), fixedClock(1700000100), TIMEOUT)
            .send(
                RcCall.of(RcMethod.REFERRAL, Map.of("customer_email", "jane.doe+rc@example.com")));

    assertThat(response.isSuccess()).isTrue();
    assertThat(fake.received())
        .extracting(RecordedCall::path)
        .containsExactly("/api/v1/referral.json");
  }

  @Test
  void gets_401_as_a_value_when_configured_with_a_wrong_secret() throws IOException {
    RcResponse response = client("not-the-secret", 1700000100).send(TV4);

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.body()).contains("Invalid Credentials");
    assertThat(response.isSuccess()).isFalse();
    assertThat(fake.received())
        .singleElement()
        .extracting(RecordedCall::signatureValid)
        .isEqualTo(false);
  }

  @Test
  void returns_a_500_as_a_value() throws IOException {
    fake.respondWith(500);

    RcResponse response = client(SECRET, 1700000100).send(TV4);

    assertThat(response.status()).isEqualTo(500);
    assertThat(response.isSuccess()).isFalse();
    assertThat(response.excerpt()).isEqualTo("{\"message\":\"scripted 500\"}");
    assertThat(response.retryAfter()).isEmpty();
  }

  @Test
  void reads_retry_after_seconds() throws IOException {
    fake.respondWith(429, Duration.ofSeconds(30));

    RcResponse response = client(SECRET, 1700000100).send(TV4);

    assertThat(response.status()).isEqualTo(429);
    assertThat(response.retryAfter()).contains(Duration.ofSeconds(30));
  }

  @Test
  void times_out_within_the_timeout_when_rc_hangs() {
    fake.hangNext(1);
    HttpReferralCandy client =
        new HttpReferralCandy(
            fake.apiBase(), ACCESS_ID, new Secret(SECRET), fixedClock(1700000100), SHORT_TIMEOUT);
    long started = System.nanoTime();

    assertThatThrownBy(() -> client.send(TV4))
        .isInstanceOfSatisfying(
            NoAnswerException.class,
            e -> {
              assertThat(e.timedOut()).isTrue();
              assertThat(e.sentAt()).isEqualTo(Instant.ofEpochSecond(1700000100));
            });

    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(SHORT_TIMEOUT.minusMillis(50))
        .isLessThan(SHORT_TIMEOUT.plusSeconds(2));
    assertThat(fake.received()).hasSize(1);
  }

  @Test
  void throws_not_sent_when_rc_refuses_the_connection() {
    HttpReferralCandy client = client(SECRET, 1700000100);
    fake.close();

    assertThatThrownBy(() -> client.send(TV4)).isInstanceOf(NotSentException.class);
  }

  @Test
  void keeps_the_interrupt_and_sends_nothing_when_interrupted_before_the_call() {
    fake.hangNext(1);
    HttpReferralCandy client = client(SECRET, 1700000100);
    Thread.currentThread().interrupt();

    assertThatThrownBy(() -> client.send(TV4))
        .isInstanceOf(NotSentException.class)
        .hasCauseInstanceOf(InterruptedIOException.class);
    assertThat(Thread.interrupted()).isTrue();
    assertThat(fake.received()).isEmpty();
  }

  @Test
  void sends_concurrently_from_many_threads() throws Exception {
    HttpReferralCandy client = client(SECRET, 1700000100);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<RcResponse>> sent = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        String reference = "cs_test_" + i;
        sent.add(
            pool.submit(
                () ->
                    client.send(
                        RcCall.of(
                            RcMethod.PURCHASE,
                            with(tv4Purchase(), "external_reference_id", reference)))));
      }
      for (Future<RcResponse> response : sent) {
        assertThat(response.get().isSuccess()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(fake.received()).hasSize(16).allMatch(RecordedCall::signatureValid);
  }

  private HttpReferralCandy client(String secret, long epochSecond) {
    return new HttpReferralCandy(
        fake.apiBase(), ACCESS_ID, new Secret(secret), fixedClock(epochSecond), TIMEOUT);
  }

  private static Clock fixedClock(long epochSecond) {
    return Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
  }
}
