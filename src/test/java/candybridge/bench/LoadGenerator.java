package candybridge.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * Sends requests over keep-alive connections to 127.0.0.1, bounded in time and in count. Closed
 * loop: {@code connections} threads each send the next request as soon as the last one answered.
 * Open loop: requests are due at a fixed rate and latency is measured from when each was due, so a
 * slow server cannot hide its queueing (no coordinated omission).
 */
final class LoadGenerator {
  /** What one run saw. Latency percentiles in ms; throughput counts only 2xx answers. */
  record Result(long ok, long errors, double seconds, Latencies latencies) {
    double okPerSecond() {
      return ok / seconds;
    }
  }

  private final int[] ports;
  private final AtomicInteger nextEvent;
  private final int lastEvent;

  /**
   * Connection i goes to {@code ports[i % ports.length]}. Event numbers are taken from {@code
   * nextEvent} and never pass {@code lastEvent}.
   */
  LoadGenerator(int[] ports, AtomicInteger nextEvent, int lastEvent) {
    this.ports = ports.clone();
    this.nextEvent = nextEvent;
    this.lastEvent = lastEvent;
  }

  /** {@code requestFor(n)} builds request n; {@code onSend(n, nanos)} notes when it went out. */
  interface Requests {
    byte[] request(int threadIndex, int n);

    default void onSend(int n, long nanos) {}
  }

  Result closedLoop(int connections, Duration duration, long maxRequests, Requests requests) {
    long deadline = System.nanoTime() + duration.toNanos();
    AtomicLong budget = new AtomicLong(maxRequests);
    return run(
        connections,
        i ->
            () -> {
              Latencies l = new Latencies();
              long[] counts = new long[2];
              try (RawHttp http = new RawHttp(ports[i % ports.length])) {
                while (System.nanoTime() < deadline && budget.getAndDecrement() > 0) {
                  int n = nextEvent.getAndIncrement();
                  if (n >= lastEvent) {
                    break;
                  }
                  byte[] req = requests.request(i, n);
                  long t0 = System.nanoTime();
                  requests.onSend(n, t0);
                  send(http, req, counts);
                  l.add(System.nanoTime() - t0);
                }
              }
              return new Partial(l, counts[0], counts[1]);
            });
  }

  Result openLoop(double perSecond, Duration duration, int connections, Requests requests) {
    long start = System.nanoTime() + 50_000_000L;
    long total = (long) (perSecond * duration.toSeconds());
    long hardStop = start + duration.toNanos() * 3;
    int base = nextEvent.getAndAdd((int) total);
    if (base + total > lastEvent) {
      throw new IllegalArgumentException("not enough event numbers for " + total + " requests");
    }
    return run(
        connections,
        i ->
            () -> {
              Latencies l = new Latencies();
              long[] counts = new long[2];
              try (RawHttp http = new RawHttp(ports[i % ports.length])) {
                for (long k = i; k < total && System.nanoTime() < hardStop; k += connections) {
                  long due = start + (long) (k * 1e9 / perSecond);
                  for (long wait = due - System.nanoTime();
                      wait > 0;
                      wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                  }
                  int n = base + (int) k;
                  byte[] req = requests.request(i, n);
                  requests.onSend(n, due);
                  send(http, req, counts);
                  l.add(System.nanoTime() - due);
                }
              }
              return new Partial(l, counts[0], counts[1]);
            });
  }

  private static void send(RawHttp http, byte[] request, long[] counts) {
    try {
      int status = http.exchange(request);
      counts[status / 100 == 2 ? 0 : 1]++;
    } catch (IOException | RuntimeException e) {
      counts[1]++;
      http.close();
    }
  }

  private record Partial(Latencies latencies, long ok, long errors) {}

  private interface Task {
    Partial call();
  }

  private static Result run(int threads, IntFunction<Task> task) {
    List<Thread> running = new ArrayList<>();
    List<Partial> partials = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < threads; i++) {
      Task t = task.apply(i);
      Thread thread =
          new Thread(
              () -> {
                Partial p = t.call();
                synchronized (partials) {
                  partials.add(p);
                }
              },
              "load-" + i);
      thread.start();
      running.add(thread);
    }
    for (Thread t : running) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    Latencies all = new Latencies();
    long ok = 0;
    long errors = 0;
    for (Partial p : partials) {
      all.addAll(p.latencies());
      ok += p.ok();
      errors += p.errors();
    }
    return new Result(ok, errors, seconds, all);
  }
}
