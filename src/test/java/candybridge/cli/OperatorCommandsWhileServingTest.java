package candybridge.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import candybridge.testing.FakeReferralCandyServer;
import candybridge.testing.Fixtures;
import candybridge.testing.ServiceProcess;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.TestApp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The operator commands do not take serve's lock (docs/design.md §7): they work while serve runs.
 */
class OperatorCommandsWhileServingTest {
  @TempDir Path dir;

  @Test
  void deliveries_list_works_while_a_serve_process_holds_the_file() {
    Path db = dir.resolve("candybridge.db");
    try (FakeReferralCandyServer rc =
        FakeReferralCandyServer.start(TestApp.RC_ACCESS_ID, TestApp.RC_SECRET)) {
      Map<String, String> env = TestApp.env(db, rc, StripeWebhooks.SECRET);
      try (ServiceProcess serve = ServiceProcess.start("serve-lock-operator", env)) {
        String sale = Fixtures.read("stripe/checkout.session.completed.json");
        long now = Clock.systemUTC().instant().getEpochSecond();
        assertThat(StripeWebhooks.postSigned(serve.port(), sale, now).statusCode()).isEqualTo(200);
        assertThat(Files.exists(dir.resolve("candybridge.db.lock"))).isTrue();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        DeliveriesCommand.ListDeliveries list = new DeliveriesCommand.ListDeliveries();
        list.terminal =
            new Terminal(
                env,
                Clock.systemUTC(),
                new PrintStream(out, true, UTF_8),
                new PrintStream(err, true, UTF_8));
        int code = new CommandLine(list).execute();

        assertThat(err.toString(UTF_8)).isEmpty();
        assertThat(code).isZero();
        assertThat(out.toString(UTF_8)).contains("purchase:");
      }
    }
  }
}
