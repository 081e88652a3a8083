package candybridge.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import candybridge.testing.FakeStripeApiServer;
import candybridge.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code connect-stripe} against the fake Stripe API, which checks the form-encoded requests: it
 * creates the endpoint once (secret shown once), leaves it alone when it is up to date, takes over
 * a hand-made one without deleting it, and refuses bad input with one line and nothing changed.
 */
class ConnectStripeCommandTest {
  static final String KEY = "sk_test_connect_key";
  static final String URL = "https://shop.example.com/webhooks/stripe";
  static final List<String> TRIGGERS =
      List.of("checkout.session.completed", "checkout.session.async_payment_succeeded");

  @TempDir Path dir;
  FakeStripeApiServer stripe;
  Map<String, String> env;

  record Run(int code, String out, String err) {}

  @BeforeEach
  void start() {
    stripe = FakeStripeApiServer.start(KEY);
    env =
        new HashMap<>(
            Map.of("STRIPE_API_KEY", KEY, "STRIPE_API_BASE", stripe.apiBase().toString()));
  }

  @AfterEach
  void stop() {
    stripe.close();
  }

  Run connect(String... args) {
    ConnectStripeCommand c = new ConnectStripeCommand();
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
  void creates_the_endpoint_once_with_exactly_the_workflows_triggers_and_shows_the_secret_once() {
    Run first = connect("--url", URL);
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.out())
        .contains(
            "Stripe key: test mode; set CANDYBRIDGE_STRIPE_MODE=test on the instance behind " + URL)
        .contains("created endpoint we_fake1 for " + URL)
        .contains(
            "signing secret (shown once, Stripe will not show it again): whsec_fake_created_1");
    assertThat(stripe.endpointPosts())
        .singleElement()
        .satisfies(
            post -> {
              assertThat(post.path()).isEqualTo("/v1/webhook_endpoints");
              assertThat(post.form().get("url")).containsExactly(URL);
              assertThat(post.form().get("metadata[candybridge]")).containsExactly("1");
              assertThat(post.form()).containsKey("description");
              assertThat(
                      post.form().entrySet().stream()
                          .filter(e -> e.getKey().startsWith("enabled_events["))
                          .flatMap(e -> e.getValue().stream())
                          .toList())
                  .containsExactlyElementsOf(TRIGGERS);
            });

    Run second = connect("--url", URL);
    assertThat(second.code()).isZero();
    assertThat(second.out())
        .contains("endpoint we_fake1 for " + URL + " is up to date")
        .doesNotContain("whsec_");
    assertThat(stripe.endpointPosts()).as("the second run changes nothing").hasSize(1);
    assertThat(stripe.endpoints()).hasSize(1);
  }

  @Test
  void writes_the_secret_to_a_new_file_only_its_owner_reads_instead_of_printing_it()
      throws Exception {
    Path file = dir.resolve("whsec.txt");
    Run r = connect("--url", URL, "--secret-file", file.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("signing secret written to " + file)
        .doesNotContain("whsec_fake_created_1");
    assertThat(Files.readString(file)).isEqualTo("whsec_fake_created_1\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");

    Run again =
        connect(
            "--url", "https://other.example.com/webhooks/stripe", "--secret-file", file.toString());
    assertThat(again.code()).isEqualTo(2);
    assertThat(again.err()).contains("--secret-file " + file + " exists");
    assertThat(stripe.endpoints()).hasSize(1);
  }

  @Test
  void dry_run_shows_what_it_would_do_and_changes_nothing() {
    Run r = connect("--url", URL, "--dry-run");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("would create an endpoint for " + URL + " sending " + String.join(", ", TRIGGERS))
        .contains("dry run: nothing was changed at Stripe");
    assertThat(stripe.endpointPosts()).isEmpty();
  }

  @Test
  void takes_over_a_hand_made_endpoint_by_updating_it_never_deleting_it() {
    stripe.withEndpoint(
        URL, List.of("checkout.session.completed", "charge.refunded"), false, Map.of());
    stripe.withEndpoint("https://elsewhere.example.com/hook", List.of("*"), true, Map.of());

    Run dry = connect("--url", URL, "--dry-run");
    assertThat(dry.out())
        .contains("endpoint we_fake1 for " + URL + ":")
        .contains("would enable it")
        .contains(
            "would set its events from checkout.session.completed, charge.refunded to "
                + String.join(", ", TRIGGERS))
        .contains("would mark it metadata[candybridge]=1");
    assertThat(stripe.endpointPosts()).isEmpty();

    Run r = connect("--url", URL);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("updated endpoint we_fake1")
        .contains("signing secret is unchanged")
        .doesNotContain("whsec_");
    assertThat(stripe.requests()).noneMatch(q -> q.method().equals("DELETE"));
    assertThat(stripe.endpointPosts())
        .singleElement()
        .satisfies(
            post -> {
              assertThat(post.path()).isEqualTo("/v1/webhook_endpoints/we_fake1");
              assertThat(post.form().get("disabled")).containsExactly("false");
              assertThat(post.form().get("metadata[candybridge]")).containsExactly("1");
            });
    assertThat(stripe.endpoints())
        .hasSize(2)
        .first()
        .satisfies(
            e -> {
              assertThat(e.path("status").asText()).isEqualTo("enabled");
              assertThat(e.path("enabled_events").toString())
                  .isEqualTo(
                      "[\"checkout.session.completed\",\"checkout.session.async_payment_succeeded\"]");
            });
    assertThat(connect("--url", URL).out()).contains("is up to date");
  }

  @Test
  void a_live_key_says_live_mode() {
    stripe.close();
    stripe = FakeStripeApiServer.start("sk_live_connect_key");
    env.put("STRIPE_API_KEY", "sk_live_connect_key");
    env.put("STRIPE_API_BASE", stripe.apiBase().toString());
    assertThat(connect("--url", URL, "--dry-run").out())
        .contains(
            "Stripe key: live mode; set CANDYBRIDGE_STRIPE_MODE=live on the instance behind "
                + URL
                + " (the default)");
  }

  @Test
  void bad_usage_is_refused_before_stripe_is_called() {
    assertThat(connect("--url", "http://shop.example.com/webhooks/stripe"))
        .satisfies(r -> assertThat(r.code()).isEqualTo(2))
        .satisfies(
            r ->
                assertThat(r.err())
                    .contains("is plain http")
                    .contains("https://shop.example.com/webhooks/stripe"));
    assertThat(connect("--url", "https://shop.example.com").err()).contains("has no path");
    assertThat(connect("--url", "http://127.0.0.1:8080/webhooks/stripe", "--dry-run").code())
        .isZero();
    env.put("STRIPE_API_KEY", "whsec_oops");
    Run secret = connect("--url", URL);
    assertThat(secret.code()).isEqualTo(2);
    assertThat(secret.err()).contains("webhook signing secret").doesNotContain("whsec_oops");
    env.remove("STRIPE_API_KEY");
    assertThat(connect("--url", URL).err()).contains("STRIPE_API_KEY is required");
    assertThat(stripe.requests()).hasSize(1).allMatch(q -> q.method().equals("GET"));
  }

  @Test
  void
      a_wrong_or_read_only_key_an_unreachable_stripe_and_the_endpoint_limit_fail_in_one_line_changing_nothing() {
    env.put("STRIPE_API_KEY", "sk_test_wrong");
    Run wrong = connect("--url", URL);
    assertThat(wrong.code()).isEqualTo(1);
    assertThat(wrong.err().lines())
        .singleElement()
        .asString()
        .startsWith("candybridge: Stripe refused STRIPE_API_KEY (HTTP 401")
        .contains("use the account's secret key")
        .endsWith("nothing was changed")
        .doesNotContain("sk_test_wrong");

    stripe.withReadOnlyKey("rk_test_readonly");
    env.put("STRIPE_API_KEY", "rk_test_readonly");
    Run readOnly = connect("--url", URL);
    assertThat(readOnly.code()).isEqualTo(1);
    assertThat(readOnly.err().lines())
        .singleElement()
        .asString()
        .contains("STRIPE_API_KEY may not create the endpoint (HTTP 403")
        .contains("Webhook Endpoints write access");

    env.put("STRIPE_API_KEY", KEY);
    stripe.endpointLimit(0);
    Path file = dir.resolve("secret");
    Run full = connect("--url", URL, "--secret-file", file.toString());
    assertThat(full.code()).isEqualTo(1);
    assertThat(full.err().lines())
        .singleElement()
        .asString()
        .contains("HTTP 400: You have reached the maximum of 0 test webhook endpoints.")
        .contains("delete an unused endpoint in the Dashboard");
    assertThat(file).as("no empty secret file left").doesNotExist();
    assertThat(stripe.endpoints()).isEmpty();

    stripe.close();
    Run down = connect("--url", URL);
    assertThat(down.code()).isEqualTo(1);
    assertThat(down.err().lines())
        .singleElement()
        .asString()
        .contains("is not reachable")
        .contains("STRIPE_API_BASE");
  }

  @Test
  void several_endpoints_for_the_url_are_ambiguous_and_left_alone() {
    stripe.withEndpoint(URL, TRIGGERS, true, Map.of());
    stripe.withEndpoint(URL, TRIGGERS, true, Map.of());
    Run r = connect("--url", URL);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .contains("2 endpoints for " + URL + " (we_fake1, we_fake2)")
        .contains("delete all but one");
    assertThat(stripe.endpointPosts()).isEmpty();
  }
}
