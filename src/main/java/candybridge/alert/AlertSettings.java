package candybridge.alert;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How alerts are sent.
 *
 * @param timeout connect and response timeout of one POST
 * @param retryDelays waits before each retry of a POST that failed (non-2xx or I/O error)
 * @param queueCapacity alerts waiting to be sent before new ones are dropped
 * @param backlogThreshold age of the oldest due delivery that raises {@code backlog_old}
 * @param adminPage the admin page's public address ({@code https://HOST/admin}): alerts about a
 *     delivery link to it ({@code #delivery-12})
 */
public record AlertSettings(
    Duration timeout,
    List<Duration> retryDelays,
    int queueCapacity,
    Duration backlogThreshold,
    Optional<URI> adminPage) {
  public AlertSettings {
    requireNonNull(timeout, "timeout == null");
    retryDelays = List.copyOf(requireNonNull(retryDelays, "retryDelays == null"));
    if (queueCapacity < 1) throw new IllegalArgumentException("queueCapacity < 1");
    requireNonNull(backlogThreshold, "backlogThreshold == null");
    requireNonNull(adminPage, "adminPage == null");
  }

  public AlertSettings(
      Duration timeout, List<Duration> retryDelays, int queueCapacity, Duration backlogThreshold) {
    this(timeout, retryDelays, queueCapacity, backlogThreshold, Optional.empty());
  }

  public AlertSettings withAdminPage(Optional<URI> page) {
    return new AlertSettings(timeout, retryDelays, queueCapacity, backlogThreshold, page);
  }

  /** 5 s timeout, retries after 1 s, 10 s and 1 min, 100 queued, backlog alert at 15 min. */
  public static AlertSettings defaults() {
    return new AlertSettings(
        Duration.ofSeconds(5),
        List.of(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(1)),
        100,
        Duration.ofMinutes(15));
  }
}
