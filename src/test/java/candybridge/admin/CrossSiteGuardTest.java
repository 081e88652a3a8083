package candybridge.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The cross-site rule as a table: Sec-Fetch-Site, Origin, own origin, X-Candybridge-Request. */
class CrossSiteGuardTest {
  @ParameterizedTest(name = "site={0} origin={1} own={2} mark={3} -> refused={4}")
  @CsvSource(
      nullValues = "-",
      value = {
        "cross-site,  -,                          http://admin.test:8080,   1, true",
        "same-site,   http://admin.test:8080,     http://admin.test:8080,   1, true",
        "CROSS-SITE,  -,                          http://admin.test:8080,   -, true",
        "same-origin, http://admin.test:8080,     http://admin.test:8080,   -, false",
        "none,        -,                          http://admin.test:8080,   -, false",
        "same-origin, -,                          http://admin.test:8080,   -, false",
        "-,           http://admin.test:8080,     http://admin.test:8080,   -, false",
        "-,           http://ADMIN.test:8080/,    http://admin.test:8080,   -, false",
        "-,           https://admin.test,         https://admin.test:443,   -, false",
        "-,           http://admin.test,          http://admin.test:80,     -, false",
        "-,           http://admin.test:8081,     http://admin.test:8080,   1, true",
        "-,           https://admin.test:8080,    http://admin.test:8080,   1, true",
        "-,           http://evil.test,           http://admin.test:8080,   1, true",
        "-,           null,                       http://admin.test:8080,   1, true",
        "-,           http://a@admin.test:8080,   http://admin.test:8080,   1, true",
        "-,           http://admin.test:8080/x,   http://admin.test:8080,   1, true",
        "-,           '',                         http://admin.test:8080,   1, true",
        "-,           -,                          http://admin.test:8080,   -, true",
        "-,           -,                          http://admin.test:8080,   '', true",
        "-,           -,                          http://admin.test:8080,   1, false",
        "-,           http://[::1]:8080,          http://[::1]:8080,        -, false",
      })
  void refuses_what_a_page_on_another_origin_could_send(
      String fetchSite, String origin, String own, String mark, boolean refused) {
    assertThat(CrossSiteGuard.refusal(fetchSite, origin, own, mark).isPresent()).isEqualTo(refused);
  }
}
