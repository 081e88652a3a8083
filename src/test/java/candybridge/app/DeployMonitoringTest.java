package candybridge.app;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import candybridge.testing.Fixtures;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.TestApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus alert rules and the Grafana dashboard of deploy/ name only series that a real
 * {@code /metrics} scrape has, after a run that fails, retries and delivers ({@code promtool} in
 * .ci/check-deploy checks their syntax and the rules' behaviour; this checks the names).
 */
class DeployMonitoringTest {
  private static final Pattern METRIC = Pattern.compile("\\bcandybridge_[a-z0-9_]+");
  private static final long NOW = 1_789_466_700L;

  @TempDir Path dir;

  @Test
  void every_metric_in_the_rules_and_the_dashboard_is_in_a_real_scrape() throws IOException {
    String scrape = scrapeAfterAScriptedRun();
    Set<String> series =
        Pattern.compile("(?m)^(candybridge_[a-z0-9_]+)[{ ]")
            .matcher(scrape)
            .results()
            .map(m -> m.group(1))
            .collect(Collectors.toCollection(TreeSet::new));

    for (String file :
        new String[] {
          "deploy/prometheus/candybridge-rules.yml", "deploy/grafana/candybridge-dashboard.json"
        }) {
      Set<String> used = names(Files.readString(Path.of(file)));
      assertThat(used).as("sanity: %s names metrics", file).hasSizeGreaterThan(4);
      assertThat(series).as("series of /metrics that %s uses", file).containsAll(used);
    }
    assertThat(names(Files.readString(Path.of("deploy/prometheus/candybridge-rules.yml"))))
        .as("the issue's four: backlog age, in doubt, failures, commit time; and the breaker")
        .contains(
            "candybridge_queue_oldest_due_age_seconds",
            "candybridge_deliveries_in_doubt",
            "candybridge_delivery_status_changes_total",
            "candybridge_store_commit_duration_seconds_bucket",
            "candybridge_breaker_state");
    assertThat(scrape).contains("candybridge_delivery_status_changes_total{status=\"failed\"}");
  }

  private static Set<String> names(String text) {
    Set<String> names = new TreeSet<>();
    Matcher m = METRIC.matcher(text);
    while (m.find()) names.add(m.group());
    return names;
  }

  /** One sale retried (503), one failed (400), one delivered, one duplicate, one rejected. */
  private String scrapeAfterAScriptedRun() {
    String template = Fixtures.read("stripe/checkout.session.completed.json");
    String session = Fixtures.event("stripe/checkout.session.completed.json").objectId();
    String event = Fixtures.event("stripe/checkout.session.completed.json").id().value();
    try (TestApp t = TestApp.start(dir, NOW)) {
      t.rc.respondWith(503, 400);
      for (int i : new int[] {1, 2, 3, 3}) {
        String body = template.replace(session, session + "_" + i).replace(event, event + "_" + i);
        assertThat(StripeWebhooks.postSigned(t.port(), body, NOW).statusCode()).isEqualTo(200);
      }
      StripeWebhooks.post(t.port(), "{}".getBytes(UTF_8), "t=1,v1=00");
      t.deliverDue();
      var r = StripeWebhooks.get(t.port(), "/metrics");
      assertThat(r.statusCode()).isEqualTo(200);
      return r.body();
    }
  }
}
