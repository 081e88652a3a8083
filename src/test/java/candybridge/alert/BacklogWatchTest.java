package candybridge.alert;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.QueueStats;
import candybridge.testing.FakeAlertReceiver;
import candybridge.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class BacklogWatchTest {
  @Test
  void an_unreadable_queue_neither_raises_nor_clears_the_backlog_alert() {
    Deque<Supplier<Optional<QueueStats>>> readings =
        new ArrayDeque<>(
            List.of(
                () -> due(Duration.ofMinutes(20)),
                () -> {
                  throw new IllegalStateException("store down");
                },
                Optional::empty,
                () -> due(Duration.ofMinutes(25))));
    try (FakeAlertReceiver receiver = FakeAlertReceiver.start()) {
      Alerts alerts = Alerts.start(receiver.url(), MutableClock.at(0), AlertSettings.defaults());
      BacklogWatch watch = new BacklogWatch(alerts, () -> readings.poll().get());

      for (int i = 0; i < 4; i++) watch.checkNow();
      watch.close();
      alerts.close();

      assertThat(receiver.received()).hasSize(1);
    }
  }

  private static Optional<QueueStats> due(Duration age) {
    return Optional.of(new QueueStats(Map.of(), 1, Optional.of(age)));
  }
}
