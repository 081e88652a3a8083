package candybridge.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

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

  /** Send-to-ReferralCandy latencies of events {@code from} (inclusive) to {@code to} that arrived. */
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

  /** Deliveries of events {@code from..to} per second between the first and the last arrival. */
  double deliveredPerSecond(int from, int to) {
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    int count = 0;
    for (int n = from; n < Math.min(to, capacity()); n++) {
      long r = received.get(n);
      if (r != 0) {
        first = Math.min(first, r);
        last = Math.max(last, r);
        count++;
      }
    }
    return count < 2 ? Double.NaN : (count - 1) / ((last - first) / 1e9);
  }

  /** Earliest arrival among events {@code from..to} at or after {@code nanos}, or 0. */
  long firstArrivalAfter(int from, int to, long nanos) {
    long first = Long.MAX_VALUE;
    for (int n = from; n < Math.min(to, capacity()); n++) {
      long r = received.get(n);
      if (r != 0 && r >= nanos) {
        first = Math.min(first, r);
      }
    }
    return first == Long.MAX_VALUE ? 0 : first;
  }

  /** Latest arrival among events {@code from..to}, or 0. */
  long lastArrival(int from, int to) {
    long last = 0;
    for (int n = from; n < Math.min(to, capacity()); n++) {
      last = Math.max(last, received.get(n));
    }
    return last;
  }

  /** Arrivals among events {@code from..to} in each second from {@code start} on, in order. */
  List<Integer> perSecond(int from, int to, long start) {
    List<Integer> counts = new ArrayList<>();
    for (int n = from; n < Math.min(to, capacity()); n++) {
      long r = received.get(n);
      if (r != 0 && r >= start) {
        int second = (int) ((r - start) / 1_000_000_000L);
        while (counts.size() <= second) {
          counts.add(0);
        }
        counts.set(second, counts.get(second) + 1);
      }
    }
    return counts;
  }
}
