package candybridge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import candybridge.testing.FakeReferralCandyServer;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.TestApp;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CANDYBRIDGE_LOG_FORMAT: text or json (LogHygieneTest runs a serve process with json). */
class LogFormatTest {
  @Test
  void text_and_json_are_the_formats_any_case() {
    assertThat(LogFormat.parse("text")).isEqualTo("text");
    assertThat(LogFormat.parse(" JSON ")).isEqualTo("json");
    assertThatThrownBy(() -> LogFormat.parse("xml"))
        .hasMessage("'xml' is not a log format: text or json");
  }

  @Test
  void a_bad_value_is_a_configuration_problem_naming_the_variable(@TempDir Path dir) {
    try (FakeReferralCandyServer rc =
        FakeReferralCandyServer.start(TestApp.RC_ACCESS_ID, TestApp.RC_SECRET)) {
      Map<String, String> env =
          new HashMap<>(TestApp.env(dir.resolve("x.db"), rc, StripeWebhooks.SECRET));
      env.put("CANDYBRIDGE_LOG_FORMAT", "xml");
      assertThatThrownBy(() -> ConfigLoader.fromEnv(env))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("CANDYBRIDGE_LOG_FORMAT")
          .hasMessageContaining("text or json");
      env.put("CANDYBRIDGE_LOG_FORMAT", "json");
      assertThat(ConfigLoader.fromEnv(env)).isNotNull();
    }
  }
}
