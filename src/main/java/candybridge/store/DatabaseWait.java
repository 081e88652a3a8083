package candybridge.store;

import static java.util.Objects.requireNonNull;

import candybridge.delivery.StoreException;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long start-up waits for a database server that is not up yet (PostgreSQL started together
 * with the service, or slow on a loaded machine): it tries to connect, and after a failure that
 * waiting can fix it waits 1 s, then twice as long each time up to 10 s, until {@code patience} is
 * spent; each wait is one WARN line. Failures that waiting cannot fix (bad credentials, no such
 * database, a URL the driver does not take) fail at once.
 */
public final class DatabaseWait {
  private static final Logger log = LoggerFactory.getLogger(DatabaseWait.class);
  static final Duration FIRST = Duration.ofSeconds(1);
  static final Duration LONGEST = Duration.ofSeconds(10);

  /**
   * SQLStates that mean "not reachable yet": connection exceptions (class 08, minus 08004 rejected
   * and 08P01 protocol violation, which do not heal), the server starting up or shutting down
   * (57P01-57P03), and too many connections (53300, as while old instances drain).
   */
  private static final Set<String> TRANSIENT =
      Set.of("08000", "08001", "08003", "08006", "57P01", "57P02", "57P03", "53300");

  /** Waits for {@code pause}; tests pass one that does not sleep. */
  interface Sleeper {
    void sleep(Duration pause) throws InterruptedException;
  }

  /** One try: a connection, or the reason there is none. */
  interface Attempt<T> {
    T run() throws SQLException;
  }

  private final Duration patience;
  private final String shownUrl;
  private final Clock clock;
  private final Sleeper sleeper;

  DatabaseWait(Duration patience, String shownUrl, Clock clock, Sleeper sleeper) {
    this.patience = requireNonNull(patience, "patience == null");
    if (patience.isNegative()) throw new IllegalArgumentException("patience < 0");
    this.shownUrl = requireNonNull(shownUrl, "shownUrl == null");
    this.clock = requireNonNull(clock, "clock == null");
    this.sleeper = requireNonNull(sleeper, "sleeper == null");
  }

  /**
   * Waits up to {@code patience} in real time; {@code shownUrl} is the database URL as it may be
   * logged (no password).
   */
  public static DatabaseWait upTo(Duration patience, String shownUrl) {
    return new DatabaseWait(
        patience, shownUrl, Clock.systemUTC(), pause -> Thread.sleep(pause.toMillis()));
  }

  /** One try, no waiting (the operator commands: a person is there to try again). */
  public static DatabaseWait none() {
    return upTo(Duration.ZERO, "the database");
  }

  /**
   * Returns once one connection to {@code jdbcUrl} could be made (and closed again).
   *
   * @throws StoreException at once when waiting cannot help, or when {@code patience} is spent
   */
  void forConnection(String jdbcUrl, Properties properties) {
    Driver driver;
    try {
      driver = DriverManager.getDriver(jdbcUrl);
    } catch (SQLException e) {
      throw new StoreException(
          "no database driver takes the URL " + shownUrl + ": " + e.getMessage(), e);
    }
    Connection c =
        until(
            () -> {
              Connection made = driver.connect(jdbcUrl, properties);
              if (made == null) {
                throw new SQLException("the driver does not take the URL " + shownUrl);
              }
              return made;
            });
    try {
      c.close();
    } catch (SQLException e) {
      log.debug("closing the first connection: {}", e.toString());
    }
  }

  /** Runs {@code attempt} until it succeeds, fails for good, or {@code patience} is spent. */
  <T> T until(Attempt<T> attempt) {
    Instant deadline = clock.instant().plus(patience);
    Duration pause = FIRST;
    while (true) {
      try {
        return attempt.run();
      } catch (SQLException e) {
        Duration left = Duration.between(clock.instant(), deadline);
        if (!isTransient(e)) {
          throw new StoreException("database " + shownUrl + " refused: " + e.getMessage(), e);
        }
        if (left.isNegative() || left.isZero()) {
          throw new StoreException(
              "database "
                  + shownUrl
                  + " not reachable"
                  + (patience.isZero()
                      ? ""
                      : " after waiting " + seconds(patience) + " (CANDYBRIDGE_DATABASE_WAIT)")
                  + ": "
                  + e.getMessage(),
              e);
        }
        Duration next = pause.compareTo(left) < 0 ? pause : left;
        log.warn(
            "database {} not reachable yet ({}); trying again in {}, giving up in {}",
            shownUrl,
            e.getMessage(),
            seconds(next),
            seconds(left));
        sleep(next);
        pause = pause.multipliedBy(2).compareTo(LONGEST) < 0 ? pause.multipliedBy(2) : LONGEST;
      }
    }
  }

  static boolean isTransient(SQLException e) {
    return e.getSQLState() != null && TRANSIENT.contains(e.getSQLState());
  }

  private void sleep(Duration pause) {
    try {
      sleeper.sleep(pause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for database " + shownUrl, e);
    }
  }

  private static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }
}
