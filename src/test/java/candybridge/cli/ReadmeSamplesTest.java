package candybridge.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import candybridge.testing.Fixtures;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.TestApp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every README block that shows what a command or the service prints is what it prints: each sits
 * between {@code <!-- NAME:begin -->} and {@code <!-- NAME:end -->} markers and is compared here
 * (the demo and dry-run blocks in DemoCommandProcessTest and DryRunCommandTest). Where the output
 * holds times and sizes, the block's shape is checked with those numbers as wildcards.
 */
class ReadmeSamplesTest {
  static final long NOW = 1_789_466_700L;
  static final String CHECKOUT = Fixtures.read("stripe/checkout.session.completed.json");

  /** The text between the markers, without the code fence. */
  static String block(String name) throws IOException {
    String readme = Files.readString(Path.of("README.md"), UTF_8);
    String begin = "<!-- " + name + ":begin -->\n";
    String end = "<!-- " + name + ":end -->";
    assertThat(readme).as("README markers for " + name).contains(begin).contains(end);
    String fenced = readme.substring(readme.indexOf(begin) + begin.length(), readme.indexOf(end));
    assertThat(fenced).startsWith("```").endsWith("```\n");
    return fenced.substring(fenced.indexOf('\n') + 1, fenced.length() - "```\n".length());
  }

  /** The block's lines after a line starting with {@code $ } (the command typed). */
  static String output(String block) {
    return block
        .lines()
        .filter(l -> !l.startsWith("$ ") && !l.startsWith("# "))
        .map(l -> l + "\n")
        .reduce("", String::concat);
  }

  @Test
  void webhook_answers_are_the_real_ones(@TempDir Path dir) throws IOException {
    try (TestApp t = TestApp.start(dir, NOW)) {
      String stored = StripeWebhooks.postSigned(t.port(), CHECKOUT, NOW).body();
      String duplicate = StripeWebhooks.postSigned(t.port(), CHECKOUT, NOW).body();
      assertThat(output(block("webhook-answer"))).isEqualTo(stored + "\n" + duplicate + "\n");
    }
  }

  @Test
  void a_live_instance_s_answer_to_a_test_mode_event_is_the_real_one(@TempDir Path dir)
      throws IOException {
    try (TestApp t =
        TestApp.start(dir, NOW, StripeWebhooks.SECRET, Map.of("CANDYBRIDGE_STRIPE_MODE", "live"))) {
      String ignored = StripeWebhooks.postSigned(t.port(), CHECKOUT, NOW).body();
      assertThat(output(block("webhook-answer-live-mode"))).isEqualTo(ignored + "\n");
    }
  }

  @Test
  void backup_output_has_the_shape_the_readme_shows(@TempDir Path dir) throws IOException {
    try (TestApp t = TestApp.start(dir, NOW)) {
      StripeWebhooks.postSigned(t.port(), CHECKOUT, NOW);
      Map<String, String> env = new HashMap<>(TestApp.env(t.database, t.rc, StripeWebhooks.SECRET));
      Run r = backup(env, t, dir.resolve("copy.db").toString());
      assertThat(r.code()).isZero();
      List<String> shown = output(block("backup-output")).lines().toList();
      List<String> real = r.out().lines().toList();
      assertThat(real).hasSameSizeAs(shown);
      for (int i = 0; i < shown.size(); i++) {
        assertThat(real.get(i)).matches(shape(shown.get(i)));
      }
    }
  }

  @Test
  void backup_on_postgresql_prints_the_recipe_the_readme_shows(@TempDir Path dir)
      throws IOException {
    try (TestApp t = TestApp.start(dir, NOW)) {
      Map<String, String> env = new HashMap<>(TestApp.env(t.database, t.rc, StripeWebhooks.SECRET));
      env.put(
          "CANDYBRIDGE_DATABASE_URL",
          "jdbc:postgresql://db.internal:5432/candybridge?user=candybridge&password=s3cret");
      Run r = backup(env, t, dir.resolve("copy.db").toString());
      assertThat(r.code()).isEqualTo(2);
      assertThat(output(block("backup-postgresql-output"))).isEqualTo(r.err());
    }
  }

  @Test
  void a_broken_workflow_file_stops_start_up_with_the_message_the_readme_shows(@TempDir Path dir)
      throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("my.yaml"),
            """
        workflows:
          - name: vip
            trigger: checkout.session.completed
            filter:
              - field: amount_total
                gt: lots
            action: create_purchase
            dedupe_key: "purchase:{id}"
            params:
              email: {field: customer_details.email}
              first_name: {field: customer_details.name}
              order_timestamp: {field: created}
              invoice_amount: {field: amount_total}
              currency_code: {field: currency}
        """);
    String message;
    try {
      candybridge.workflow.WorkflowFile.load(file);
      throw new AssertionError("a broken file loads");
    } catch (candybridge.config.ConfigException e) {
      message = "candybridge: " + e.getMessage() + "\n";
    }
    assertThat(block("broken-workflow-output"))
        .isEqualTo(message.replace(file.toString(), "my.yaml"));
  }

  record Run(int code, String out, String err) {}

  private static Run backup(Map<String, String> env, TestApp t, String file) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    BackupCommand c = new BackupCommand();
    c.terminal =
        new Terminal(
            env, t.clock, new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
    int code = new CommandLine(c).execute(file);
    return new Run(code, out.toString(UTF_8), err.toString(UTF_8));
  }

  /** A README line as a pattern: paths, numbers and instants stand for any. */
  private static String shape(String line) {
    String p = Pattern.quote(line);
    p = p.replaceAll("/[A-Za-z0-9_./-]+", "\\\\E\\\\S+\\\\Q");
    p = p.replaceAll("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z", "\\\\E\\\\S+Z\\\\Q");
    p = p.replaceAll("\\d+(\\.\\d+)?", "\\\\E[\\\\d.]+\\\\Q");
    return p;
  }
}
