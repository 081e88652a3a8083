package candybridge.bench;

import java.util.Arrays;

/** Nanosecond samples of one thread, merged and sorted to read percentiles. Not thread-safe. */
final class Latencies {
  private long[] samples = new long[1 << 14];
  private int size;

  void add(long nanos) {
    if (size == samples.length) {
      samples = Arrays.copyOf(samples, size * 2);
    }
    samples[size++] = nanos;
  }

  void addAll(Latencies other) {
    for (int i = 0; i < other.size; i++) {
      add(other.samples[i]);
    }
  }

  int count() {
    return size;
  }

  /** Percentile {@code p} (0..100) in milliseconds; sorts in place. NaN when empty. */
  double percentileMs(double p) {
    if (size == 0) {
      return Double.NaN;
    }
    Arrays.sort(samples, 0, size);
    int rank = (int) Math.ceil(p / 100.0 * size) - 1;
    return samples[Math.max(0, Math.min(size - 1, rank))] / 1e6;
  }
}
