package candybridge.referralcandy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RcResponseTest {

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          200 | {"message":"Success","referralcorner_url":"https://x.test/r/1"} | true
          200 | {"message":"Success","status":true}                              | true
          200 | {"message":"Contact already signed up."}                         | false
          200 | {"message":"success"}                                            | false
          200 | {"status":"Success"}                                             | false
          200 | ["Success"]                                                      | false
          200 | Success                                                          | false
          200 | <html>Success</html>                                             | false
          200 | ''                                                               | false
          201 | {"message":"Success"}                                            | true
          400 | {"message":"Success"}                                            | false
          401 | {"message":"Invalid Credentials"}                                | false
          500 | {"message":"Success"}                                            | false
          """)
  void is_success_only_for_2xx_with_success_message(int status, String body, boolean success) {
    assertThat(RcResponse.of(status, body).isSuccess()).isEqualTo(success);
  }

  @Test
  void excerpt_keeps_a_short_body_whole() {
    assertThat(RcResponse.of(500, "{\"message\":\"oops\"}").excerpt())
        .isEqualTo("{\"message\":\"oops\"}");
  }

  @Test
  void excerpt_cuts_a_long_body_to_500_chars() {
    String body = "x".repeat(499) + "yz" + "w".repeat(100);

    assertThat(RcResponse.of(502, body).excerpt()).hasSize(500).endsWith("xy");
  }

  @Test
  void excerpt_does_not_split_a_surrogate_pair() {
    String body = "x".repeat(499) + "😀" + "tail";

    assertThat(RcResponse.of(200, body).excerpt()).isEqualTo("x".repeat(499));
  }

  @Test
  void of_carries_no_retry_after() {
    assertThat(RcResponse.of(429, "").retryAfter()).isEmpty();
  }

  @Test
  void to_string_leaves_the_body_out() {
    RcResponse response =
        new RcResponse(
            200, "{\"customer_email\":\"jane@example.com\"}", Optional.of(Duration.ofSeconds(5)));

    assertThat(response.toString()).doesNotContain("jane@example.com").contains("200", "PT5S");
  }
}
