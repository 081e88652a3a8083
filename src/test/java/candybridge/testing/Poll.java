package candybridge.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waiting for another process or a background thread, Awaitility-style: poll a condition until it
 * holds or a generous deadline passes. Only for tests that cross a process or thread boundary;
 * everything else drives {@code runOnce()} with a settable clock.
 */
public final class Poll {
  private Poll() {}

  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
      }
      pause();
    }
  }

  static void pause() {
    LockSupport.parkNanos(Duration.ofMillis(25).toNanos());
  }
}
