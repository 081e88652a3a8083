package candybridge.store;

import candybridge.delivery.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for SQLite: one writer thread runs every write transaction of the process, as many
 * as are waiting in one database transaction, each inside its own savepoint, and commits them
 * together, so one fsync makes a whole batch durable instead of one each. SQLite admits one writer
 * at a time anyway; this only stops the writers from paying an fsync each.
 *
 * <p>{@link #run} returns only after the commit that holds its work, so a caller's guarantee is the
 * same as with a transaction of its own: durable on return, nothing on a throw. A work that throws
 * rolls back to its savepoint and fails alone; a failed commit fails the whole batch. Thread-safe.
 * A work must not call {@link #run} itself (it would wait for its own batch).
 */
final class GroupCommit implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

  /**
   * Bounds how long the first work of a batch waits for the last; SQLite commits 1,000 rows in ms.
   */
  private static final int MAX_BATCH = 256;

  private final DataSource dataSource;
  private final CommitTimes commitTimes;
  private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
  private final Thread writer;

  /** Touched by the writer thread only. */
  private CachingConnection writerConnection;

  private volatile boolean open = true;

  GroupCommit(DataSource dataSource, CommitTimes commitTimes) {
    this.dataSource = dataSource;
    this.commitTimes = commitTimes;
    this.writer = new Thread(this::loop, "store-writer");
    writer.setDaemon(true);
    writer.start();
  }

  /** Runs {@code work} in a transaction shared with other waiting work; see the class contract. */
  <T> T run(Jdbc.Work<T> work) {
    if (Thread.currentThread() == writer) {
      throw new IllegalStateException("a store transaction cannot start another one");
    }
    Pending<T> pending = new Pending<>(work);
    queue.add(pending);
    if (!open) {
      failRemaining();
    }
    try {
      return pending.result.join();
    } catch (CompletionException e) {
      throw unwrap(e.getCause());
    }
  }

  private static RuntimeException unwrap(Throwable cause) {
    if (cause instanceof RuntimeException runtime) {
      return runtime;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    return new IllegalStateException(cause);
  }

  private void loop() {
    List<Pending<?>> batch = new ArrayList<>(MAX_BATCH);
    while (open) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        break;
      }
      queue.drainTo(batch, MAX_BATCH - 1);
      commit(batch);
      batch.clear();
    }
    if (writerConnection != null) {
      writerConnection.release();
    }
    failRemaining();
  }

  /**
   * One transaction for the whole batch. BEGIN and COMMIT are our own statements on a connection
   * left in auto-commit mode: sqlite-jdbc's {@code commit()} would begin the next transaction at
   * once (taking the write lock again, and failing the commit that did succeed when another process
   * holds the lock), and would compile its SQL every time.
   */
  private void commit(List<Pending<?>> batch) {
    try {
      Connection c = connection();
      try {
        execute(c, "BEGIN IMMEDIATE");
      } catch (SQLException e) {
        discardConnection();
        throw e;
      }
      try {
        for (Pending<?> p : batch) {
          p.runIn(c);
        }
        commitTimes.time(batch.size(), () -> execute(c, "COMMIT"));
      } catch (SQLException | RuntimeException | Error e) {
        rollback(c);
        discardConnection();
        throw e;
      }
      batch.forEach(Pending::committed);
    } catch (SQLException e) {
      // The database is unavailable (e.g. locked by another process past the busy timeout): the
      // work queued meanwhile would only wait as long again, batch after batch; fail it now too.
      StoreException failure =
          new StoreException("database operation failed: " + e.getMessage(), e);
      queue.drainTo(batch);
      batch.forEach(p -> p.failed(failure));
    } catch (RuntimeException | Error e) {
      log.error("group commit of {} transactions failed", batch.size(), e);
      batch.forEach(p -> p.failed(e));
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.execute();
    }
  }

  /**
   * The writer keeps one connection, and its compiled statements, from batch to batch; after a
   * failed BEGIN or COMMIT it takes a fresh one from the pool (and evicts the old one, so its
   * setting below reaches no other user of the pool while the store is open).
   *
   * <p>Its temporary storage is memory: each work's savepoint keeps the pages it changes in a
   * sub-journal, which sqlite-jdbc otherwise writes to a temporary file, page by page, for every
   * work of every batch. That cost the writer about a quarter of its CPU per event (BENCHMARKS.md).
   * The sub-journal lasts one work, so it stays small; the writer runs no large sorts.
   */
  private Connection connection() throws SQLException {
    if (writerConnection == null) {
      Connection c = dataSource.getConnection();
      try {
        execute(c, "PRAGMA temp_store = MEMORY");
      } catch (SQLException e) {
        Jdbc.evict(dataSource, c);
        c.close();
        throw e;
      }
      writerConnection = CachingConnection.over(c);
    }
    return writerConnection.connection();
  }

  private void discardConnection() {
    if (writerConnection == null) {
      return;
    }
    Jdbc.evict(dataSource, writerConnection.pooled());
    writerConnection.release();
    writerConnection = null;
  }

  /** Undoes whatever the failed batch left; the connection is discarded afterwards anyway. */
  private static void rollback(Connection c) {
    try {
      execute(c, "ROLLBACK");
    } catch (SQLException e) {
      // also "no transaction is active" when SQLite already rolled back on the failure
      log.debug("rollback: {}", e.getMessage());
    }
  }

  private void failRemaining() {
    StoreException closed = new StoreException("the store is closed", null);
    for (Pending<?> p = queue.poll(); p != null; p = queue.poll()) {
      p.failed(closed);
    }
  }

  /** Stops the writer after the batch in progress; work still queued fails. */
  @Override
  public void close() {
    open = false;
    writer.interrupt();
    try {
      writer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failRemaining();
  }

  /** One caller's work, its outcome inside the batch, and the future it waits on. */
  private static final class Pending<T> {
    final Jdbc.Work<T> work;
    final CompletableFuture<T> result = new CompletableFuture<>();
    private T value;
    private RuntimeException failure;

    Pending(Jdbc.Work<T> work) {
      this.work = work;
    }

    /**
     * Runs the work in its own savepoint; its failure undoes only its own statements. The savepoint
     * statements are prepared ones (cached with the connection): sqlite-jdbc's {@code setSavepoint}
     * formats and compiles new SQL every time.
     */
    void runIn(Connection c) throws SQLException {
      execute(c, "SAVEPOINT work");
      try {
        value = work.run(c);
        execute(c, "RELEASE work");
      } catch (SQLException e) {
        undo(c);
        failure = new StoreException("database operation failed: " + e.getMessage(), e);
      } catch (RuntimeException e) {
        undo(c);
        failure = e;
      }
    }

    private static void undo(Connection c) throws SQLException {
      execute(c, "ROLLBACK TO work");
      execute(c, "RELEASE work");
    }

    void committed() {
      if (failure != null) {
        result.completeExceptionally(failure);
      } else {
        result.complete(value);
      }
    }

    void failed(Throwable e) {
      result.completeExceptionally(e);
    }
  }
}
