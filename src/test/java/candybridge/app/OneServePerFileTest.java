package candybridge.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import candybridge.config.ConfigLoader;
import candybridge.store.DatabaseInUseException;
import candybridge.testing.FakeReferralCandyServer;
import candybridge.testing.ServiceProcess;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.TestApp;
import candybridge.workflow.Workflow;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/design.md §7: one {@code serve} per SQLite file. A second one is refused, naming the holder;
 * a holder killed with SIGKILL never blocks the restart; a clean close frees the file at once.
 */
class OneServePerFileTest {
  static final long NOW = 1_789_466_700L;

  @TempDir Path dir;

  @Test
  void a_second_app_on_the_same_file_is_refused_naming_the_first() {
    try (TestApp first = TestApp.start(dir, NOW)) {
      var config =
          ConfigLoader.fromEnv(TestApp.env(first.database, first.rc, StripeWebhooks.SECRET));
      assertThatThrownBy(
              () -> App.start(config, Workflow.defaults(), first.clock, new App.Options(false)))
          .isInstanceOf(DatabaseInUseException.class)
          .hasMessageContaining(first.database.toString())
          .hasMessageContaining("process " + ProcessHandle.current().pid())
          .hasMessageContaining("started " + Instant.ofEpochSecond(NOW))
          .hasMessageNotContaining("\n");
      // The refused App left the first one's lock alone.
      assertThat(first.app.store().queueStats(first.clock.instant())).isNotNull();
      assertThatThrownBy(
              () -> App.start(config, Workflow.defaults(), first.clock, new App.Options(false)))
          .isInstanceOf(DatabaseInUseException.class);
    }
  }

  @Test
  void after_a_clean_close_the_same_file_is_served_again_in_the_same_jvm() {
    TestApp.start(dir, NOW).close();
    try (TestApp again = TestApp.start(dir, NOW)) {
      assertThat(again.port()).isPositive();
    }
  }

  @Test
  void a_second_serve_process_exits_2_naming_the_first_and_starts_at_once_after_a_sigkill() {
    Path db = dir.resolve("candybridge.db");
    try (FakeReferralCandyServer rc =
        FakeReferralCandyServer.start(TestApp.RC_ACCESS_ID, TestApp.RC_SECRET)) {
      Map<String, String> env = TestApp.env(db, rc, StripeWebhooks.SECRET);
      ServiceProcess first = ServiceProcess.start("serve-lock-first", env);
      try {
        ServiceProcess.Exit refused =
            ServiceProcess.runToExit("serve-lock-refused", env, Duration.ofSeconds(60));
        assertThat(refused.code()).isEqualTo(2);
        String line =
            refused
                .output()
                .lines()
                .filter(l -> l.startsWith("candybridge: "))
                .findFirst()
                .orElseThrow();
        assertThat(line)
            .contains(db.toString())
            .contains("process " + first.pid())
            .containsPattern("started \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:[\\d.]+Z");
      } finally {
        first.kill();
      }
      try (ServiceProcess restarted = ServiceProcess.start("serve-lock-restarted", env)) {
        assertThat(restarted.port()).isPositive();
      }
    }
  }
}
