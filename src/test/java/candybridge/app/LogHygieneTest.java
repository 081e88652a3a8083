package candybridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryStatus;
import candybridge.delivery.Replay;
import candybridge.testing.FakeReferralCandyServer;
import candybridge.testing.Poll;
import candybridge.testing.ServiceProcess;
import candybridge.testing.SignedFixture;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.TestApp;
import candybridge.workflow.WorkflowFile;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Runs last (junit-platform.properties orders classes by {@link Order}): scans every log line the
 * whole test run wrote, in-process and from child processes, for secrets and e-mail addresses.
 * First it plays a workflow whose dedupe key is customer text, so the scan covers that too.
 */
@Order(Integer.MAX_VALUE)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LogHygieneTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path IN_PROCESS =
      Path.of(System.getProperty("candybridge.testLogFile", "target/test-in-process.log"));
  private static final String FORGED_START = "2020-01-01T00:00:00.000Z";
  private static final Pattern LOG_LINE =
      Pattern.compile("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z \\[[^\\]]+\\] \\[[A-Z]+\\] .*");

  /** A buyer's metadata: a forged log line, terminal escapes, a line separator, a bidi override. */
  private static final String HOSTILE_NOTE =
      "x\r\n"
          + FORGED_START
          + " [main] [INFO] DeliveryWorker - delivery=1"
          + " FORGED by mallory@evil.example\u001b[2J\u001b]0;pwned\u0007\u2028FORGED2 \u202etxt.exe";

  /** Dedupe key, workflow filter and mapping all read the buyer's text and address. */
  private static final String HOSTILE_WORKFLOWS =
      """
      default_workflows: replace
      workflows:
        - name: hostile-key
          trigger: checkout.session.completed
          action: create_purchase
          dedupe_key: "purchase:{metadata.note}:{customer_details.email}"
          params:
            email: customer_details.email
            first_name: {field: customer_details.name, transform: first_name}
            invoice_amount: {field: amount_total, transform: major_units}
            currency_code: {field: currency, transform: upper_case}
            order_timestamp: $event.created
        - name: hostile-filter
          trigger: checkout.session.completed
          filter:
            - field: metadata.note
              equals: something else
          action: sign_up_contact
          params: {email: customer_details.email, first_name: customer_details.name}
      """;

  @TempDir Path dir;

  @Test
  @Order(1)
  void a_dedupe_key_of_customer_text_is_logged_escaped_and_without_the_address()
      throws IOException {
    // The first log call of this JVM opens (and empties) the file: measure after it.
    LoggerFactory.getLogger(LogHygieneTest.class).info("a workflow with a hostile dedupe key");
    long logStart = Files.size(IN_PROCESS);
    SignedFixture f = SignedFixture.of("checkout.session.completed.json");
    ObjectNode event = (ObjectNode) new ObjectMapper().readTree(f.body());
    ObjectNode session = (ObjectNode) event.path("data").path("object");
    ((ObjectNode) session.path("metadata")).put("note", HOSTILE_NOTE);
    ((ObjectNode) session.path("customer_details")).put("name", "Jenny\u001b[31m Rosen\u001b[0m");
    byte[] body = event.toString().getBytes(StandardCharsets.UTF_8);

    try (TestApp t =
        TestApp.start(
            dir,
            f.t() + 1,
            SignedFixture.SECRET,
            Map.of(),
            WorkflowFile.parse(HOSTILE_WORKFLOWS, "hostile.yaml"))) {
      t.rc.respondWith(500);
      long now = t.clock.instant().getEpochSecond();
      assertThat(
              StripeWebhooks.post(
                      t.port(), body, StripeWebhooks.sign(body, SignedFixture.SECRET, now))
                  .statusCode())
          .isEqualTo(200);
      t.deliverDue();
      Delivery held =
          t.app
              .store()
              .findDeliveryByKey("purchase:" + HOSTILE_NOTE + ":jenny.rosen@example.com")
              .orElseThrow();
      assertThat(held.status())
          .as("a 500 is in doubt, logged with its key")
          .isEqualTo(DeliveryStatus.IN_DOUBT);
      new Replay(t.app.store(), t.clock, () -> {}).replay(held.id());
      t.deliverDue();
      assertThat(t.rc.received("purchase.json")).hasSize(2);
    }

    String written = readFrom(IN_PROCESS, logStart);
    assertThat(written).as("the key reached the log").contains("FORGED", "[e-mail removed]");
    assertThat(written)
        .as("no raw control character, line separator or bidi override")
        .doesNotContain("\r", "\u001b", "\u0007", "\u2028", "\u202e");
    List<String> lines = written.lines().toList();
    assertThat(lines)
        .as("each line is one real log call, none forged")
        .allMatch(l -> LOG_LINE.matcher(l).matches())
        .noneMatch(l -> l.startsWith(FORGED_START));
    assertThat(lines)
        .filteredOn(l -> l.contains("FORGED"))
        .as("ingest summary, in-doubt warning, replay, attempts")
        .hasSizeGreaterThanOrEqualTo(4)
        .allSatisfy(
            l ->
                assertThat(l)
                    .contains(
                        "x\\r\\n" + FORGED_START + " [main]",
                        "\\u001b[2J",
                        "\\u0007\\u2028FORGED2",
                        "\\u202etxt"));
    assertThat(lines)
        .as("the filter's reason quotes the buyer's text, escaped")
        .anyMatch(l -> l.contains("hostile-filter") && l.contains("FORGED"));
    assertThat(lines).noneMatch(l -> EMAIL.matcher(l).find());
  }

  private static String readFrom(Path file, long offset) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      byte[] bytes = new byte[(int) (f.length() - offset)];
      f.seek(offset);
      f.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private static final Pattern EMAIL =
      Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");
  private static final List<String> SECRETS =
      List.of(
          StripeWebhooks.SECRET,
          SignedFixture.SECRET,
          TestApp.RC_SECRET,
          "whsec_",
          "sk_test_",
          "sk_live_");

  /**
   * CANDYBRIDGE_LOG_FORMAT=json in a real serve process (the format is chosen in Main, before the
   * first logger): every line is one JSON object with time, level, logger and message, the
   * delivery's lines carry its delivery_id and event_id, and the hostile buyer text is in them
   * escaped, without the address. The scan below reads this process's log too.
   */
  @Test
  @Order(2)
  void json_format_is_one_object_per_line_with_the_ids_and_nothing_private() throws IOException {
    SignedFixture f = SignedFixture.of("checkout.session.completed.json");
    ObjectNode event = (ObjectNode) JSON.readTree(f.body());
    ObjectNode session = (ObjectNode) event.path("data").path("object");
    ((ObjectNode) session.path("metadata")).put("note", HOSTILE_NOTE);
    ((ObjectNode) session.path("customer_details")).put("name", "Jenny\u001b[31m Rosen\u001b[0m");
    byte[] body = event.toString().getBytes(StandardCharsets.UTF_8);
    String eventId = event.path("id").asText();

    try (FakeReferralCandyServer rc =
        FakeReferralCandyServer.start(TestApp.RC_ACCESS_ID, TestApp.RC_SECRET)) {
      Map<String, String> env =
          new HashMap<>(TestApp.env(dir.resolve("json.db"), rc, StripeWebhooks.SECRET));
      env.put("CANDYBRIDGE_LOG_FORMAT", "json");
      try (ServiceProcess p = ServiceProcess.start("log-format-json", env)) {
        long now = System.currentTimeMillis() / 1000;
        assertThat(
                StripeWebhooks.post(
                        p.port(), body, StripeWebhooks.sign(body, StripeWebhooks.SECRET, now))
                    .statusCode())
            .isEqualTo(200);
        Poll.until(
            "the delivery's log line",
            Duration.ofSeconds(30),
            () -> {
              try {
                return Files.readString(p.log()).contains("-> delivered");
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
        List<String> lines = Files.readAllLines(p.log());
        assertThat(lines).as("log lines").hasSizeGreaterThan(2);
        List<JsonNode> objects = new ArrayList<>();
        for (String line : lines) {
          JsonNode o = JSON.readTree(line);
          assertThat(o.isObject()).as(line).isTrue();
          assertThat(o.fieldNames())
              .toIterable()
              .as(line)
              .contains("time", "level", "logger", "message");
          assertThat(o.path("time").asText()).as(line).matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z");
          objects.add(o);
        }
        assertThat(objects)
            .as("the ingest line names the event")
            .anyMatch(
                o ->
                    o.path("logger").asText().endsWith("StripeIngest")
                        && o.path("event_id").asText().equals(eventId));
        assertThat(objects)
            .as("the delivery line names the delivery and its event")
            .anyMatch(
                o ->
                    o.path("message").asText().contains("-> delivered")
                        && o.path("delivery_id").asText().matches("\\d+")
                        && o.path("event_id").asText().equals(eventId));
        assertThat(lines)
            .as("no raw control character, line separator or bidi override")
            .allMatch(l -> l.chars().noneMatch(c -> c < 0x20 || c == 0x2028 || c == 0x202e));
        assertThat(lines).noneMatch(l -> EMAIL.matcher(l).find());
      }
    }
  }

  @Test
  @Order(3)
  void no_secret_and_no_customer_e_mail_reaches_a_log_line() throws IOException {
    List<Path> logs = new ArrayList<>();
    if (Files.exists(IN_PROCESS)) logs.add(IN_PROCESS);
    try (Stream<Path> s = Files.list(ServiceProcess.logDir())) {
      s.filter(p -> p.toString().endsWith(".log")).forEach(logs::add);
    }
    assertThat(logs).as("log files of this run").isNotEmpty();
    long lines = 0;
    List<String> leaks = new ArrayList<>();
    for (Path log : logs) {
      for (String line : Files.readAllLines(log)) {
        lines++;
        Matcher m = EMAIL.matcher(line);
        if (m.find()) leaks.add(log.getFileName() + ": e-mail in: " + line);
        for (String secret : SECRETS) {
          if (line.contains(secret)) leaks.add(log.getFileName() + ": secret in: " + line);
        }
      }
    }
    assertThat(lines).as("log lines scanned").isGreaterThan(20);
    assertThat(leaks).isEmpty();
  }
}
