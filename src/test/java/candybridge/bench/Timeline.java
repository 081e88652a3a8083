package candybridge.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

/**
 * Per event number: when its webhook was sent and when ReferralCandy first received its purchase
 * ({@link System#nanoTime()} of this process; both sides live here). Thread-safe.
 */
final class Timeline {
  private final AtomicLongArray sent;
  private final AtomicLongArray received;
  private final AtomicInteger deliveries = new AtomicInteger();

  Timeline(int capacity) {
    sent = new AtomicLongArray(capacity);
    received = new AtomicLongArray(capacity);
  }

  int capacity() {
    return sent.length();
  }

  void sent(int n, long nanos) {
    sent.set(n, nanos);
  }

  void received(int n, long nanos) {
    if (n >= 0 && n < received.length() && received.compareAndSet(n, 0, nanos)) {
      deliveries.incrementAndGet();
    }
  }

  int deliveries() {
    return deliveries.get();
  }

  /**
   * Send-to-ReferralCandy latencies of events {@code from} (inclusive) to {@code to} that arrived.
   */
  Latencies endToEnd(int from, int to) {
    Latencies l = new Latencies();
    for (int n = from; n < Math.min(to, capacity()); n++) {
      long s = sent.get(n);
      long r = received.get(n);
      if (s != 0 && r != 0) {
        l.add(r - s);
      }
    }
    return l;
  }

  /**
   * Arrival times of events {@code from} (inclusive) to {@code to} that arrived, in event order.
   */
  private LongStream arrivals(int from, int to) {
    return IntStream.range(from, Math.min(to, capacity()))
        .mapToLong(received::get)
        .filter(r -> r != 0);
  }

  /** Deliveries of events {@code from..to} per second between the first and the last arrival. */
  double deliveredPerSecond(int from, int to) {
    LongSummaryStatistics s = arrivals(from, to).summaryStatistics();
    return s.getCount() < 2 ? Double.NaN : (s.getCount() - 1) / ((s.getMax() - s.getMin()) / 1e9);
  }

  /** Earliest arrival among events {@code from..to} at or after {@code nanos}, or 0. */
  long firstArrivalAfter(int from, int to, long nanos) {
    return arrivals(from, to).filter(r -> r >= nanos).min().orElse(0);
  }

  /** Latest arrival among events {@code from..to}, or 0. */
  long lastArrival(int from, int to) {
    return arrivals(from, to).max().orElse(0);
  }

  /** Arrivals among events {@code from..to} in each second from {@code start} on, in order. */
  List<Integer> perSecond(int from, int to, long start) {
    List<Integer> counts = new ArrayList<>();
    arrivals(from, to)
        .filter(r -> r >= start)
        .forEach(
            r -> {
              int second = (int) ((r - start) / 1_000_000_000L);
              while (counts.size() <= second) {
                counts.add(0);
              }
              counts.set(second, counts.get(second) + 1);
            });
    return counts;
  }
}
