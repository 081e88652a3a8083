package candybridge.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.AttemptOutcome.Transport;
import candybridge.referralcandy.NoAnswerException;
import candybridge.referralcandy.NotSentException;
import candybridge.referralcandy.RcResponse;
import java.io.IOException;
import java.net.SocketException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every class of docs/design.md §6, from the status or the transport failure. */
class AttemptOutcomeTest {
  private static final Instant SENT = Instant.parse("2026-12-04T14:02:11.250Z");

  @ParameterizedTest
  @CsvSource({
    "200, '{\"message\":\"Success\"}', DELIVERED, ANSWERED",
    "201, '{\"message\":\"Success\",\"x\":1}', DELIVERED, ANSWERED",
    "200, '{\"message\":\"Queued\"}', FAIL, ANSWERED",
    "200, '<html>ok</html>', FAIL, ANSWERED",
    "400, '{\"message\":\"bad\"}', FAIL, ANSWERED",
    "401, '', FAIL, ANSWERED",
    "404, '', FAIL, ANSWERED",
    "301, '', FAIL, ANSWERED",
    "429, '{}', RETRY, THROTTLED",
    "503, '<html>down</html>', RETRY, BROKEN",
    "500, '', IN_DOUBT, BROKEN",
    "502, '<html>bad gateway</html>', IN_DOUBT, BROKEN",
    "504, '', IN_DOUBT, BROKEN",
    "501, '', IN_DOUBT, BROKEN",
    "520, '', IN_DOUBT, BROKEN",
  })
  void classes_each_status_as_design_section_6(
      int status, String body, Verdict verdict, Transport transport) {
    AttemptOutcome o = AttemptOutcome.of(RcResponse.of(status, body), SENT);
    assertThat(o.verdict()).isEqualTo(verdict);
    assertThat(o.transport()).isEqualTo(transport);
    assertThat(o.httpStatus()).hasValue(status);
  }

  @Test
  void a_5xx_that_may_have_been_processed_says_when_it_was_sent() {
    AttemptOutcome o = AttemptOutcome.of(RcResponse.of(502, ""), SENT);
    assertThat(o.error())
        .hasValue(
            "sent 2026-12-04 14:02:11 UTC, ReferralCandy answered 502: it may have processed the call");
    assertThat(o.verdict().outcomeClass()).isEqualTo("may_have_been_processed");
  }

  @Test
  void never_sent_is_not_processed_and_retried() {
    AttemptOutcome o =
        AttemptOutcome.of(new NotSentException("connection refused", null), SENT, Duration.ZERO);
    assertThat(o.verdict()).isEqualTo(Verdict.RETRY);
    assertThat(o.verdict().outcomeClass()).isEqualTo("not_processed");
    assertThat(o.transport()).isEqualTo(Transport.BROKEN);
    assertThat(o.error())
        .hasValueSatisfying(e -> assertThat(e).contains("nothing was sent").contains("refused"));
  }

  @Test
  void sent_with_no_answer_in_time_is_in_doubt_with_its_reason() {
    AttemptOutcome o =
        AttemptOutcome.of(
            new NoAnswerException("timed out", SENT, true, null),
            SENT.minusMillis(3),
            Duration.ofMillis(10_020));
    assertThat(o.verdict()).isEqualTo(Verdict.IN_DOUBT);
    assertThat(o.error())
        .hasValue(
            "sent 2026-12-04 14:02:11 UTC, no answer within 10 s: it may have processed the call");
  }

  @Test
  void a_connection_closed_after_the_write_or_any_failure_that_cannot_be_placed_is_in_doubt() {
    IOException[] failures = {
      new NoAnswerException(
          "connection reset", SENT, false, new SocketException("Connection reset")),
      new IOException("something odd"),
    };
    for (IOException e : failures) {
      AttemptOutcome o = AttemptOutcome.of(e, SENT, Duration.ofMillis(5));
      assertThat(o.verdict()).as(e.toString()).isEqualTo(Verdict.IN_DOUBT);
      assertThat(o.error())
          .hasValueSatisfying(
              m -> assertThat(m).startsWith("sent 2026-12-04 14:02:11 UTC, no answer ("));
    }
  }

  @Test
  void a_huge_answer_is_kept_as_a_500_character_excerpt() {
    AttemptOutcome o =
        AttemptOutcome.of(new RcResponse(502, "x".repeat(100_000), Optional.empty()), SENT);
    assertThat(o.responseExcerpt()).hasValueSatisfying(e -> assertThat(e).hasSize(500));
  }
}
