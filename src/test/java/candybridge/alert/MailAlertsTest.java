package candybridge.alert;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.testing.FakeAlertReceiver;
import candybridge.testing.MutableClock;
import candybridge.testing.Poll;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** E-mail alerts through a real SMTP server (GreenMail) on a free port, with SMTP AUTH. */
class MailAlertsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String PASSWORD = "s3cret-smtp-pass";

  @RegisterExtension
  static final GreenMailExtension smtp =
      new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
          .withConfiguration(
              GreenMailConfiguration.aConfig().withUser("alerts@shop.example", PASSWORD));

  private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T10:15:30Z"));
  private final FakeAlertReceiver webhook = FakeAlertReceiver.start();
  private Alerts alerts;

  @AfterEach
  void stop() {
    if (alerts != null) alerts.close();
    webhook.close();
  }

  @Test
  void an_alert_arrives_by_e_mail_with_its_line_as_the_subject_and_the_admin_link()
      throws Exception {
    alerts = start(server(smtp.getSmtp().getPort(), PASSWORD), Optional.empty());

    alerts.deliveryFailed(
        new DeliveryAlert(
            12,
            "purchase",
            "purchase:cs_test_a1",
            "evt_1",
            "failed",
            "HTTP 400: jane.doe@example.com is not a valid buyer",
            1));

    assertThat(smtp.waitForIncomingEmail(WAIT.toMillis(), 1)).isTrue();
    MimeMessage mail = smtp.getReceivedMessages()[0];
    assertThat(mail.getSubject())
        .isEqualTo(
            "Candybridge: delivery 12 (purchase) failed after 1 attempt(s): HTTP 400: [e-mail removed] is not a valid buyer");
    assertThat(mail.getFrom()[0].toString()).isEqualTo("candybridge@shop.example");
    assertThat(mail.getRecipients(Message.RecipientType.TO))
        .extracting(Object::toString)
        .containsExactly("ops@shop.example", "owner@shop.example");
    assertThat(mail.getHeader("Auto-Submitted")).containsExactly("auto-generated");
    String body = GreenMailUtil.getBody(mail);
    assertThat(body)
        .contains("Delivery 12 failed after 1 attempt(s)")
        .contains("In the admin page: https://shop.example.com/admin#delivery-12")
        .contains("\"dedupe_key\" : \"purchase:cs_test_a1\"")
        .doesNotContain("jane.doe");
    assertThat(smtp.getReceivedMessages()).as("each recipient gets it once").hasSize(2);
  }

  @Test
  void
      a_broken_mail_server_costs_one_warn_after_the_retries_and_delays_neither_the_caller_nor_the_webhook() {
    int closedPort = closedPort();
    alerts = start(server(closedPort, PASSWORD), Optional.of(webhook.url()));

    long t0 = System.nanoTime();
    alerts.deliveryFailed(alert(9600));
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));

    Poll.until("the webhook has it", WAIT, () -> webhook.received().size() == 1);
    awaitWarn("alert delivery_failed delivery=9600 not delivered by e-mail: MailConnectException");
    assertThat(logLines())
        .filteredOn(l -> l.contains("delivery=9600"))
        .allSatisfy(l -> assertThat(l).doesNotContain(PASSWORD, "ops@shop", "owner@shop"));
  }

  @Test
  void a_wrong_password_is_a_warn_that_does_not_repeat_it() {
    alerts = start(server(smtp.getSmtp().getPort(), "wrong-pass-123456"), Optional.empty());

    alerts.deliveryFailed(alert(9700));

    awaitWarn(
        "alert delivery_failed delivery=9700 not delivered by e-mail: AuthenticationFailedException");
    assertThat(logLines())
        .filteredOn(l -> l.contains("delivery=9700"))
        .allSatisfy(l -> assertThat(l).doesNotContain("wrong-pass", "alerts@shop"));
    assertThat(smtp.getReceivedMessages()).isEmpty();
  }

  private Alerts start(SmtpSettings mail, Optional<URI> hook) {
    AlertSettings settings =
        new AlertSettings(
            Duration.ofSeconds(5),
            List.of(Duration.ofMillis(1), Duration.ofMillis(1)),
            10,
            Duration.ofMinutes(15),
            Optional.of(URI.create("https://shop.example.com/admin")));
    return Alerts.start(new AlertDestinations(hook, Optional.of(mail)), clock, settings);
  }

  private static SmtpSettings server(int port, String password) {
    return new SmtpSettings(
        false,
        "127.0.0.1",
        port,
        Optional.of("alerts@shop.example"),
        Optional.of(password),
        "candybridge@shop.example",
        List.of("ops@shop.example", "owner@shop.example"));
  }

  private static DeliveryAlert alert(long id) {
    return new DeliveryAlert(
        id, "purchase", "purchase:cs_" + id, "evt_" + id, "failed", "HTTP 400", 1);
  }

  private static int closedPort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> logLines() {
    Path log = Path.of(System.getProperty("candybridge.testLogFile", "target/test-in-process.log"));
    try {
      return Files.exists(log) ? Files.readAllLines(log) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The whole test run logs to one file (see the surefire configuration in pom.xml). */
  private static void awaitWarn(String text) {
    Poll.until(
        "WARN line '" + text + "'",
        WAIT,
        () -> logLines().stream().anyMatch(l -> l.contains("[WARN]") && l.contains(text)));
  }
}
