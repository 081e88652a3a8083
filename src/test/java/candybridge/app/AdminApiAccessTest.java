package candybridge.app;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import candybridge.testing.StripeWebhooks;
import candybridge.testing.TestApp;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may use the admin API: every route needs the token (as a bearer token, or as the password of
 * basic auth for the page), and without a configured token the admin API is off.
 */
class AdminApiAccessTest extends AdminApiFixture {
  @Test
  void every_route_needs_the_token() {
    for (String[] route :
        new String[][] {
          {"GET", "/api/deliveries"},
          {"GET", "/api/deliveries/1"},
          {"GET", "/api/events"},
          {"GET", "/api/events/evt_x"},
          {"POST", "/api/deliveries/1/replay"},
          {"POST", "/api/deliveries/replay?status=failed"},
          {"POST", "/api/deliveries/1/resolve?as=sent"},
          {"POST", "/api/deliveries/resolve?status=in_doubt&as=sent"},
          {"POST", "/api/dry-run"},
          {"GET", "/api/stats/hourly"},
          {"GET", "/api/status"},
          {"GET", "/api/openapi.json"},
          {"GET", "/admin"}
        }) {
      for (String auth :
          new String[] {
            null, "Bearer wrong", "Bearer " + TOKEN + "x", "Basic !!!", "Token " + TOKEN
          }) {
        HttpResponse<String> r = call(route[0], route[1], auth);
        assertThat(r.statusCode()).as("%s %s with %s", route[0], route[1], auth).isEqualTo(401);
        assertThat(r.body()).contains("\"error\":\"unauthorized\"").doesNotContain(TOKEN);
      }
    }
    assertThat(call("GET", "/admin", null).headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
  }

  @Test
  void basic_auth_with_the_token_as_password_is_accepted() {
    String basic =
        "Basic " + Base64.getEncoder().encodeToString(("anyone:" + TOKEN).getBytes(UTF_8));
    assertThat(call("GET", "/api/deliveries", basic).statusCode()).isEqualTo(200);
  }

  @Test
  void admin_is_disabled_without_a_token(@TempDir Path other) {
    try (TestApp plain = TestApp.start(other, NOW)) {
      HttpResponse<String> r = StripeWebhooks.get(plain.port(), "/api/deliveries");
      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(r.body()).contains("admin_disabled");
    }
  }
}
