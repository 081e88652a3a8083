package candybridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.testing.ServiceProcess;
import candybridge.testing.SignedFixture;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.TestApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Runs last (junit-platform.properties orders classes by {@link Order}): scans every log line the
 * whole test run wrote, in-process and from child processes, for secrets and e-mail addresses.
 */
@Order(Integer.MAX_VALUE)
class LogHygieneTest {
  private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");
  private static final List<String> SECRETS = List.of(
      StripeWebhooks.SECRET, SignedFixture.SECRET, TestApp.RC_SECRET, "whsec_", "sk_test_", "sk_live_");

  @Test
  void no_secret_and_no_customer_e_mail_reaches_a_log_line() throws IOException {
    List<Path> logs = new ArrayList<>();
    Path inProcess = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile", "target/test-in-process.log"));
    if (Files.exists(inProcess)) logs.add(inProcess);
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
