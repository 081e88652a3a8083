package candybridge.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import candybridge.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code candybridge dry-run}: the README's example output is what the command prints. */
class DryRunCommandTest {
  static final Map<String, String> ENV =
      Map.of(
          "REFERRALCANDY_ACCESS_ID",
          "demo-access-id",
          "REFERRALCANDY_SECRET_KEY",
          "demo-secret",
          "CANDYBRIDGE_STRIPE_MODE",
          "test");
  static final Path CHECKOUT = Path.of("src/test/resources/stripe/checkout.session.completed.json");

  record Run(int code, String out, String err) {}

  static Run run(Path config, Path event, Map<String, String> env) {
    DryRunCommand command = new DryRunCommand();
    command.config = config;
    command.eventFile = event;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        command.run(
            env,
            MutableClock.at(1_789_466_700L),
            new PrintStream(out, true, UTF_8),
            new PrintStream(err, true, UTF_8));
    return new Run(code, out.toString(UTF_8), err.toString(UTF_8));
  }

  @Test
  void readme_shows_exactly_what_dry_run_prints_for_the_checkout_fixture() throws IOException {
    Run r = run(null, CHECKOUT, ENV);
    assertThat(r.code()).isZero();
    String readme = Files.readString(Path.of("README.md"), UTF_8);
    String begin = "<!-- dry-run-output:begin -->\n```text\n";
    String end = "```\n<!-- dry-run-output:end -->";
    assertThat(readme).contains(begin).contains(end);
    String shown = readme.substring(readme.indexOf(begin) + begin.length(), readme.indexOf(end));
    assertThat(r.out()).isEqualTo(shown);
  }

  @Test
  void in_the_default_live_mode_a_test_mode_event_plans_nothing_and_says_why() {
    Run r = run(null, CHECKOUT, Map.of());
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("(checkout.session.completed, test mode)")
        .contains(
            "workflow checkout-purchase: not matched: not planned: test-mode event while"
                + " CANDYBRIDGE_STRIPE_MODE=live")
        .doesNotContain("matched ->");
    Run bad = run(null, CHECKOUT, Map.of("CANDYBRIDGE_STRIPE_MODE", "sandbox"));
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err())
        .contains("CANDYBRIDGE_STRIPE_MODE: must be live, test or any, not 'sandbox'");
  }

  @Test
  void shows_the_signature_but_never_the_secret() {
    Run r = run(null, CHECKOUT, ENV);
    assertThat(r.out()).contains("signature").doesNotContain("demo-secret");
  }

  @Test
  void without_credentials_says_why_there_is_no_signature() {
    Run r = run(null, CHECKOUT, Map.of("CANDYBRIDGE_STRIPE_MODE", "test"));
    assertThat(r.code()).isZero();
    assertThat(r.out()).doesNotContainPattern("signature +=").contains("signature not shown");
  }

  @Test
  void a_workflow_file_is_honoured_and_each_workflow_says_why_it_did_not_match()
      throws IOException {
    Run r =
        run(
            Path.of("examples/workflows.yaml"),
            Path.of("src/test/resources/stripe/invoice.payment_failed.json"),
            ENV);
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("workflow checkout-purchase: not matched: trigger is checkout.session.completed")
        .contains("workflow first-invoice-failed-returned: not matched: disabled");
  }

  @Test
  void include_disabled_evaluates_a_disabled_workflow_as_if_enabled_and_says_so() {
    DryRunCommand command = new DryRunCommand();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new picocli.CommandLine(command)
        .parseArgs(
            "--include-disabled",
            "--config",
            "examples/workflows.yaml",
            "src/test/resources/stripe/invoice.payment_failed.json");
    int code =
        command.run(
            ENV,
            MutableClock.at(1_789_466_700L),
            new PrintStream(out, true, UTF_8),
            new PrintStream(new ByteArrayOutputStream(), true, UTF_8));
    assertThat(code).isZero();
    assertThat(out.toString(UTF_8))
        .contains("workflow first-invoice-failed-returned (disabled, evaluated as if enabled): ")
        .doesNotContain("not matched: disabled")
        .contains("workflow checkout-purchase: not matched: trigger is checkout.session.completed");
  }

  @Test
  void bad_input_is_bad_usage(@TempDir Path dir) throws IOException {
    assertThat(run(null, dir.resolve("missing.json"), ENV).code()).isEqualTo(2);
    Path notEvent = Files.writeString(dir.resolve("x.json"), "{\"id\": 1}");
    assertThat(run(null, notEvent, ENV).code()).isEqualTo(2);
    Path badConfig =
        Files.writeString(dir.resolve("w.yaml"), "workflows:\n  - name: x\n    trigger: nope\n");
    Run r = run(badConfig, CHECKOUT, ENV);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("workflow 'x'").contains("'trigger'");
  }
}
