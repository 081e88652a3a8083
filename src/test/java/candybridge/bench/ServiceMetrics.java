package candybridge.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The service's own view of a load window, from two scrapes of its {@code /metrics}: how many
 * durable commits it made and how long the slowest took (to a bucket bound), and how often and how
 * long the JVM paused for garbage collection. Tells whether a latency spike in a row was the disk,
 * the collector, or neither.
 *
 * @param commitBuckets cumulative commit counts by upper bound in seconds (Prometheus {@code le})
 * @param gcPauseMaxSeconds the longest pause of the last two minutes or so (Micrometer's window)
 */
record ServiceMetrics(
    double commits,
    NavigableMap<Double, Double> commitBuckets,
    double gcPauses,
    double gcPauseSeconds,
    double gcPauseMaxSeconds) {

  private static final String COMMIT = "candybridge_store_commit_duration_seconds";
  private static final String GC = "jvm_gc_pause_seconds";

  static ServiceMetrics scrape(int port) {
    HttpRequest get =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
            .timeout(Duration.ofSeconds(10))
            .build();
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient().send(get, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("/metrics answered " + response.statusCode());
      }
      return parse(response.body());
    } catch (IOException e) {
      throw new IllegalStateException("/metrics could not be read", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Reads the series named above from Prometheus text; GC series are summed over their labels. */
  static ServiceMetrics parse(String page) {
    double commits = 0, gcPauses = 0, gcSeconds = 0, gcMax = 0;
    NavigableMap<Double, Double> buckets = new TreeMap<>();
    for (String line : page.lines().toList()) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String series = line.substring(0, space);
      double value = Double.parseDouble(line.substring(space + 1));
      if (series.equals(COMMIT + "_count")) {
        commits = value;
      } else if (series.startsWith(COMMIT + "_bucket{le=\"") && !series.contains("+Inf")) {
        buckets.put(
            Double.parseDouble(series.substring(series.indexOf('"') + 1, series.lastIndexOf('"'))),
            value);
      } else if (series.startsWith(GC + "_count")) {
        gcPauses += value;
      } else if (series.startsWith(GC + "_sum")) {
        gcSeconds += value;
      } else if (series.startsWith(GC + "_max")) {
        gcMax = Math.max(gcMax, value);
      }
    }
    return new ServiceMetrics(commits, buckets, gcPauses, gcSeconds, gcMax);
  }

  /** One line on what happened between {@code before} and this scrape. */
  String since(ServiceMetrics before) {
    double n = commits - before.commits;
    String slowest =
        commitBuckets.keySet().stream()
            .filter(le -> within(le, before) >= n)
            .findFirst()
            .map(le -> String.format(Locale.ROOT, "%.0f ms", le * 1000))
            .orElse(String.format(Locale.ROOT, "over %.1f s", commitBuckets.lastKey()));
    return String.format(
        Locale.ROOT,
        "service: %,.0f store commits, the slowest within %s, %.0f over 100 ms; %,.0f GC pauses, %.2f s in all,"
            + " the longest of the last minutes %.0f ms",
        n,
        slowest,
        n - within(0.1, before),
        gcPauses - before.gcPauses,
        gcPauseSeconds - before.gcPauseSeconds,
        gcPauseMaxSeconds * 1000);
  }

  /** Commits of the window no longer than {@code le} seconds. */
  private double within(double le, ServiceMetrics before) {
    return commitBuckets.getOrDefault(le, 0.0) - before.commitBuckets.getOrDefault(le, 0.0);
  }
}
