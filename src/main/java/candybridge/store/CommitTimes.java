package candybridge.store;

import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long each durable commit took: the {@code COMMIT} of one group commit on SQLite (the WAL
 * write and its fsync, for every transaction in the batch), of one transaction on PostgreSQL. Every
 * webhook waits for one, so a disk slow to flush shows here first. A commit of a second or more is
 * also logged as a warning. Thread-safe.
 */
final class CommitTimes {
  private static final Logger log = LoggerFactory.getLogger(CommitTimes.class);
  static final Duration SLOW = Duration.ofSeconds(1);

  private volatile Consumer<Duration> listener = d -> {};

  /** Replaces the listener (the metrics, once they exist); it runs on the committing thread. */
  void onCommit(Consumer<Duration> listener) {
    this.listener = listener;
  }

  /** The step that makes work durable (a COMMIT), run and timed. */
  interface Commit {
    void run() throws SQLException;
  }

  /**
   * Runs {@code commit} of {@code transactions} transactions; when it succeeds, tells how long it
   * took.
   */
  void time(int transactions, Commit commit) throws SQLException {
    long started = System.nanoTime();
    commit.run();
    committed(Duration.ofNanos(System.nanoTime() - started), transactions);
  }

  /** A commit of {@code transactions} transactions returned after {@code took}. */
  void committed(Duration took, int transactions) {
    try {
      listener.accept(took);
    } catch (RuntimeException e) {
      // The commit succeeded: a failing listener must not make its callers believe otherwise.
      log.warn("commit listener failed: {}", e.toString());
    }
    if (took.compareTo(SLOW) >= 0) {
      log.warn(
          "a commit of {} transaction(s) took {} ms: the database is slow to make writes durable,"
              + " and every webhook waits for it",
          transactions,
          took.toMillis());
    }
  }
}
