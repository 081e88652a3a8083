package candybridge.referralcandy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryAfterTest {
  private static final Instant NOW = Instant.parse("2015-10-21T07:28:00Z");

  @ParameterizedTest(name = "''{0}'' -> {1}s")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          30                            | 30
          0                             | 0
          ' 120 '                       | 120
          -5                            | 0
          Wed, 21 Oct 2015 07:29:30 GMT | 90
          Wed, 21 Oct 2015 07:28:00 GMT | 0
          Wed, 21 Oct 2015 07:00:00 GMT | 0
          """)
  void reads_delta_seconds_and_http_dates(String header, long seconds) {
    assertThat(RetryAfter.parse(header, NOW)).contains(Duration.ofSeconds(seconds));
  }

  @ParameterizedTest(name = "''{0}''")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          ''
          soon
          1.5
          2015-10-21T07:29:30Z
          99999999999999999999999
          """)
  void gives_nothing_for_what_it_cannot_read(String header) {
    assertThat(RetryAfter.parse(header, NOW)).isEmpty();
  }
}
