package candybridge.http;

import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WARN for a kind of event that comes in bursts (slow request bodies answered 408): the first one
 * of a quiet period is logged at once, the ones that follow within a minute are only counted, and
 * the first one after that minute logs the count. A burst of any size is one line a minute.
 */
public final class BurstWarning {
  private static final Logger log = LoggerFactory.getLogger(BurstWarning.class);
  static final long PERIOD_NANOS = 60_000_000_000L;

  private final String what;
  private final LongSupplier nanoTime;
  private long lastLogged;
  private boolean loggedOnce;
  private long unlogged;

  /** {@code what}: a plural noun phrase, e.g. "request bodies too slow (408)". */
  public BurstWarning(String what, LongSupplier nanoTime) {
    this.what = what;
    this.nanoTime = nanoTime;
  }

  /** Counts one; returns the line it logged, or null when it only counted. */
  synchronized String record() {
    long now = nanoTime.getAsLong();
    unlogged++;
    if (loggedOnce && now - lastLogged < PERIOD_NANOS) {
      return null;
    }
    String line =
        loggedOnce
            ? what
                + ": "
                + unlogged
                + " since the last such line "
                + (now - lastLogged) / 1_000_000_000L
                + " s ago; further ones within a minute are counted in the next line"
            : what + ": 1; further ones within a minute are counted in the next line";
    loggedOnce = true;
    lastLogged = now;
    unlogged = 0;
    log.warn("{}", line);
    return line;
  }
}
