package candybridge.demo;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.testing.ServiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code candybridge demo --no-wait} as a real child JVM, as a newcomer runs it: its table and the
 * calls its ReferralCandy stand-in received. The service's log (stderr) goes to the test-log folder
 * so the log-hygiene test scans it; the table (stdout, which shows e-mail addresses on purpose)
 * does not.
 */
class DemoCommandProcessTest {
  private static final String PAID_SESSION =
      "cs_test_a1Q7mZr4Kx2LwT9bVn3Yc8Hd5Fj0Ps6Ue1Gk4Ri7Ao2Sl9Nq3Bt5Xv8Wy0Zc";
  private static final String KONBINI_SESSION =
      "cs_test_b1Kp3Rt6Yw9Zq2Xs5Cv8Bn1Mm4Lk7Jh0Gf3Ds6Aa9Pp2Oo5Ii8Uu1Yy4Tt7Rr";
  private static final String TRIAL_SESSION =
      "cs_test_c1Fr8Ee2Wq5Tt7Yu9Ii0Oo3Pp6Aa1Ss4Dd7Ff0Gg3Hh6Jj9Kk2Ll5Zz8Xx";

  private static int exitCode;
  private static String out;

  @BeforeAll
  static void run_demo_once() throws IOException, InterruptedException {
    Path stdout = Path.of("target", "demo-process.out");
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                "candybridge.Main",
                "demo",
                "--no-wait"));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectOutput(stdout.toFile())
            .redirectError(ServiceProcess.logDir().resolve("demo.log").toFile());
    // The demo must not depend on (or leak) the caller's settings: give it hostile ones.
    builder.environment().put("STRIPE_API_KEY", "sk_test_must_not_be_used");
    builder.environment().put("REFERRALCANDY_API_BASE", "http://192.0.2.1/api/v1");
    Process process = builder.start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("demo --no-wait did not exit within 120 s");
    }
    exitCode = process.exitValue();
    out = Files.readString(stdout);
  }

  @Test
  void exits_zero_after_the_table() {
    assertThat(exitCode).as(out).isZero();
    assertThat(out).doesNotContain("Ctrl-C");
  }

  @Test
  void table_shows_each_sample_outcome() {
    assertThat(out)
        .containsPattern(
            "1 +paid card session +checkout\\.session\\.completed +stored +sent\\R"
                + " +purchase\\.json delivered");
    assertThat(out)
        .containsPattern(
            "2 +konbini, unpaid at completion +checkout\\.session\\.completed +stored +waiting\\R"
                + " +.*payment_status is 'unpaid'.*the purchase came with #3");
    assertThat(out)
        .containsPattern(
            "3 +konbini paid days later +checkout\\.session\\.async_payment_succeeded +stored +sent");
    assertThat(out)
        .containsPattern(
            "4 +paid card, redelivered +checkout\\.session\\.completed +duplicate +duplicate\\R"
                + " +event evt_1TfQ7pZr4Kx2LwT9Qm3Nb4Vc was already received; nothing sent again");
    assertThat(out)
        .containsPattern(
            "5 +free trial, nothing to pay +checkout\\.session\\.completed +stored +skipped\\R"
                + " +.*payment_status is 'no_payment_required'");
  }

  @Test
  void readme_shows_the_same_table() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    String block =
        readme.substring(
            readme.indexOf("<!-- demo-output:begin -->"),
            readme.indexOf("<!-- demo-output:end -->"));
    assertThat(table(block)).isEqualTo(table(out));
  }

  /**
   * The outcome table: from its header to the first sent call (no ports, times or secrets in it).
   */
  private static String table(String text) {
    return text.substring(text.indexOf("#  sample"), text.indexOf("#1 sent")).strip();
  }

  @Test
  void the_demo_referralcandy_received_exactly_the_two_purchases_signed() {
    assertThat(out).contains("The demo ReferralCandy received 2 calls, 2 with a valid signature.");
    assertThat(out)
        .contains(
            "received purchase.json external_reference_id=" + PAID_SESSION + " signature=valid");
    assertThat(out)
        .contains(
            "received purchase.json external_reference_id=" + KONBINI_SESSION + " signature=valid");
    assertThat(out).doesNotContain("external_reference_id=" + TRIAL_SESSION);
  }

  @Test
  void sent_parameters_follow_the_default_mapping() {
    String paid =
        out.substring(out.indexOf("#1 sent purchase.json"), out.indexOf("#3 sent purchase.json"));
    assertThat(paid)
        .contains("signature: valid")
        .containsPattern("invoice_amount += 30\\.00")
        .containsPattern("currency_code += USD")
        .containsPattern("first_name += Jenny")
        .containsPattern("order_timestamp += 1789466652");
    String konbini =
        out.substring(
            out.indexOf("#3 sent purchase.json"), out.indexOf("The demo ReferralCandy received"));
    assertThat(konbini)
        .containsPattern("invoice_amount += 5000\\R")
        .containsPattern("currency_code += JPY")
        .containsPattern("locale += ja")
        .containsPattern("external_reference_id += " + KONBINI_SESSION);
  }
}
