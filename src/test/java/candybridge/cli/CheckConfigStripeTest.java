package candybridge.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import candybridge.testing.FakeReferralCandyServer;
import candybridge.testing.FakeStripeApiServer;
import candybridge.testing.MutableClock;
import candybridge.testing.TestApp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code check-config --online} and Stripe: the key's mode against {@code CANDYBRIDGE_STRIPE_MODE},
 * and an enabled endpoint for the URL ({@code --url} or {@code CANDYBRIDGE_PUBLIC_URL}) sending
 * every enabled workflow's trigger; an answer that is not JSON is one short line.
 */
class CheckConfigStripeTest {
  static final String KEY = "sk_test_check_key";
  static final String URL = "https://shop.example.com/webhooks/stripe";
  static final List<String> TRIGGERS =
      List.of("checkout.session.completed", "checkout.session.async_payment_succeeded");

  FakeStripeApiServer stripe;
  FakeReferralCandyServer rc;
  Map<String, String> env;

  record Run(int code, String out, String err) {}

  @BeforeEach
  void start() {
    stripe = FakeStripeApiServer.start(KEY);
    rc = FakeReferralCandyServer.start(TestApp.RC_ACCESS_ID, TestApp.RC_SECRET);
    env =
        new HashMap<>(
            Map.of(
                "STRIPE_WEBHOOK_SECRET",
                "whsec_check",
                "STRIPE_API_KEY",
                KEY,
                "STRIPE_API_BASE",
                stripe.apiBase().toString(),
                "CANDYBRIDGE_STRIPE_MODE",
                "test",
                "REFERRALCANDY_ACCESS_ID",
                TestApp.RC_ACCESS_ID,
                "REFERRALCANDY_SECRET_KEY",
                TestApp.RC_SECRET,
                "REFERRALCANDY_API_BASE",
                rc.apiBase().toString()));
  }

  @AfterEach
  void stop() {
    stripe.close();
    rc.close();
  }

  Run check(String... args) {
    CheckConfigCommand c = new CheckConfigCommand();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    c.terminal =
        new Terminal(
            env,
            MutableClock.at(1_785_000_000L),
            new PrintStream(out, true, UTF_8),
            new PrintStream(err, true, UTF_8));
    int code = new CommandLine(c).execute(args);
    return new Run(code, out.toString(UTF_8), err.toString(UTF_8));
  }

  @Test
  void an_enabled_endpoint_sending_every_trigger_and_a_key_of_the_configured_mode_pass() {
    stripe.withEndpoint(URL, TRIGGERS, true, Map.of("candybridge", "1"));
    Run r = check("--online", "--url", URL);
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .contains(
            "Stripe mode: STRIPE_API_KEY is a test-mode key, CANDYBRIDGE_STRIPE_MODE=test (OK)")
        .contains("Stripe endpoint we_fake1 for " + URL + ": enabled, sends every trigger")
        .contains("configuration OK, credentials accepted");

    env.put("CANDYBRIDGE_PUBLIC_URL", URL);
    assertThat(check("--online").out())
        .contains("Stripe endpoint we_fake1 for " + URL + ": enabled");
    env.remove("CANDYBRIDGE_PUBLIC_URL");
    assertThat(check("--online").out()).contains("Stripe endpoint: not checked (give --url");
    assertThat(stripe.endpointPosts()).as("a check changes nothing").isEmpty();
  }

  @Test
  void a_missing_disabled_or_incomplete_endpoint_fails_naming_the_command_that_fixes_it() {
    Run none = check("--online", "--url", URL);
    assertThat(none.code()).isEqualTo(1);
    assertThat(none.out())
        .contains(
            "Stripe endpoint for "
                + URL
                + ": none; run: candybridge connect-stripe --url "
                + URL
                + " (FAILED)")
        .contains("credentials check FAILED");

    stripe.withEndpoint(URL, List.of("checkout.session.completed"), true, Map.of());
    Run partial = check("--online", "--url", URL);
    assertThat(partial.code()).isEqualTo(1);
    assertThat(partial.out())
        .contains(
            "does not send checkout.session.async_payment_succeeded, which enabled"
                + " workflows need; run: candybridge connect-stripe");
  }

  @Test
  void a_disabled_endpoint_fails() {
    stripe.withEndpoint(URL, List.of("*"), false, Map.of("candybridge", "1"));
    Run r = check("--online", "--url", URL);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out())
        .contains(
            "Stripe endpoint we_fake1 for " + URL + ": disabled; run: candybridge connect-stripe");
  }

  @Test
  void a_key_of_the_other_mode_fails() {
    env.put("CANDYBRIDGE_STRIPE_MODE", "live");
    Run r = check("--online");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out())
        .contains(
            "Stripe mode: STRIPE_API_KEY is a test-mode key but CANDYBRIDGE_STRIPE_MODE=live:"
                + " set CANDYBRIDGE_STRIPE_MODE=test, or use a live-mode key (FAILED)");
  }

  @Test
  void a_bad_url_is_bad_usage() {
    Run r = check("--online", "--url", "http://shop.example.com/webhooks/stripe");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--url: ").contains("is plain http");
  }

  @Test
  void an_html_page_instead_of_an_answer_is_one_short_line() {
    String page =
        "<!DOCTYPE html>\n<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n"
            + "<h1>Bad Gateway</h1>\n"
            + "<p>The proxy could not reach the upstream server.</p>\n".repeat(40)
            + "</body>\n</html>\n";
    rc.respondWithBody(502, page);
    stripe.withEndpoint(URL, TRIGGERS, true, Map.of("candybridge", "1"));
    stripe.htmlNext(502, page);
    Run r = check("--online", "--url", URL);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out())
        .contains("verify.json: HTTP 502 (<!DOCTYPE html> <html> <head><title>502 Bad Gateway");
    assertThat(r.out().lines().filter(l -> !l.startsWith("settings: ")))
        .allSatisfy(line -> assertThat(line.length()).as(line).isLessThan(400));
    assertThat(r.out()).doesNotContain("</html>");
  }

  @Test
  void the_stand_in_referralcandy_script_answers_verify() throws Exception {
    int port;
    try (var socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Process script =
        new ProcessBuilder(
                "python3",
                "scripts/fake-referralcandy.py",
                Integer.toString(port),
                TestApp.RC_ACCESS_ID,
                TestApp.RC_SECRET)
            .redirectErrorStream(true)
            .start();
    try {
      env.put("REFERRALCANDY_API_BASE", "http://127.0.0.1:" + port + "/api/v1");
      env.remove("STRIPE_API_KEY");
      Run r = null;
      for (int i = 0; i < 100; i++) { // until the script listens
        r = check("--online");
        if (!r.out().contains("not reachable")) {
          break;
        }
        script.waitFor(100, java.util.concurrent.TimeUnit.MILLISECONDS);
      }
      assertThat(r.code()).as(r.out()).isZero();
      assertThat(r.out()).contains("verify.json: HTTP 200 (accepted)");
    } finally {
      script.destroy();
    }
  }
}
