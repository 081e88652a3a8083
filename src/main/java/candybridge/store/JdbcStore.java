package candybridge.store;

import static java.util.Objects.requireNonNull;

import candybridge.delivery.Attempt;
import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryId;
import candybridge.delivery.DeliveryQuery;
import candybridge.delivery.DeliveryStatus;
import candybridge.delivery.PurgeResult;
import candybridge.delivery.QueueStats;
import candybridge.delivery.Replay;
import candybridge.delivery.SaveResult;
import candybridge.delivery.Store;
import candybridge.delivery.StoreException;
import candybridge.history.History;
import candybridge.referralcandy.RcCall;
import candybridge.stripe.StripeEvent;
import candybridge.workflow.Plan;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The one {@link Store}: plain JDBC over a HikariCP pool, with a small {@link Dialect}. It opens
 * the database and owns the pool and the group commit; each port method is answered by the class
 * for what it stores: {@link JdbcEvents}, {@link JdbcDeliveries}, {@link JdbcAttempts}, {@link
 * JdbcHousekeeping}, and {@link JdbcHistory} for the history.
 */
public final class JdbcStore implements Store {
  private final HikariDataSource dataSource;
  private final Dialect dialect;
  private final Jdbc jdbc;
  private final JdbcHistory history;
  private final GroupCommit groupCommit;
  private final CommitTimes commitTimes = new CommitTimes();
  private final JdbcEvents events;
  private final JdbcDeliveries deliveries;
  private final JdbcAttempts attempts;
  private final JdbcHousekeeping housekeeping;

  private JdbcStore(HikariDataSource dataSource, Dialect dialect) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.groupCommit = dialect.groupsCommits() ? new GroupCommit(dataSource, commitTimes) : null;
    this.jdbc = new Jdbc(dataSource, groupCommit, commitTimes);
    this.history = new JdbcHistory(jdbc, dialect);
    this.events = new JdbcEvents(jdbc);
    this.deliveries = new JdbcDeliveries(jdbc, dialect, history);
    this.attempts = new JdbcAttempts(jdbc);
    this.housekeeping = new JdbcHousekeeping(jdbc);
  }

  /** Default PostgreSQL pool size (SQLite uses its own small fixed pool). */
  public static final int DEFAULT_POOL_SIZE = 10;

  /**
   * The file of a {@code jdbc:sqlite:} URL (absolute); empty for an in-memory SQLite database or
   * another database. {@link #open} creates a missing file: commands that only read or change
   * existing data check it exists first.
   */
  public static Optional<java.nio.file.Path> sqliteFile(String jdbcUrl) {
    return ServeLock.sqliteFile(jdbcUrl);
  }

  /** Opens the database named by the JDBC URL and applies pending migrations. */
  public static JdbcStore open(String jdbcUrl, Instant now) {
    return open(jdbcUrl, DEFAULT_POOL_SIZE, now);
  }

  /** The same, with the connection pool size used on PostgreSQL. */
  public static JdbcStore open(String jdbcUrl, int poolSize, Instant now) {
    return open(jdbcUrl, poolSize, DatabaseWait.none(), now);
  }

  /**
   * The same, first waiting for a database server that is not up yet ({@link DatabaseWait}; a
   * SQLite file is opened at once).
   */
  public static JdbcStore open(String jdbcUrl, int poolSize, DatabaseWait wait, Instant now) {
    Dialect dialect = Dialect.forUrl(jdbcUrl, poolSize);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setPoolName("candybridge-store");
    config.setConnectionTimeout(5_000);
    // The pool itself does not insist on a first connection; the migrations that follow do, so
    // start-up fails clearly when the database is down, and a running service rides out outages.
    config.setInitializationFailTimeout(-1);
    dialect.configure(config);
    if (dialect.waitsForServer()) {
      wait.forConnection(jdbcUrl, config.getDataSourceProperties());
    }
    dialect.beforeOpen(jdbcUrl);
    HikariDataSource dataSource = new HikariDataSource(config);
    try {
      Migrations.apply(dataSource, dialect, now);
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
    return new JdbcStore(dataSource, dialect);
  }

  /**
   * Tells {@code listener} how long each durable commit took (one group commit of many transactions
   * on SQLite, one transaction on PostgreSQL). It runs on the committing thread, so it must be
   * quick; when it throws, that is logged and the commit still counts as made. It replaces any
   * listener before it.
   */
  public void onCommit(Consumer<Duration> listener) {
    commitTimes.onCommit(requireNonNull(listener, "listener == null"));
  }

  /** True when only this process may use the database (SQLite). */
  public boolean isSingleInstance() {
    return dialect.singleInstance();
  }

  @Override
  public SaveResult saveEvent(StripeEvent event, Plan plan, Instant now) {
    return events.saveEvent(event, plan, now);
  }

  @Override
  public OptionalLong sessionCompletedAt(String sessionId) {
    return events.sessionCompletedAt(sessionId);
  }

  @Override
  public Optional<String> eventPayload(String eventId) {
    return events.eventPayload(eventId);
  }

  @Override
  public boolean completeLookup(Delivery claimed, RcCall call) {
    return deliveries.completeLookup(claimed, call);
  }

  @Override
  public List<Delivery> claimDue(Instant now, int limit, String claimant, Instant leaseUntil) {
    return deliveries.claimDue(now, limit, claimant, leaseUntil);
  }

  @Override
  public boolean recordAttempt(
      Delivery claimed, Attempt attempt, DeliveryStatus status, Optional<Instant> nextAttemptAt) {
    return attempts.recordAttempt(claimed, attempt, status, nextAttemptAt);
  }

  @Override
  public List<Delivery> markAbandonedInDoubt(Instant now, boolean everyClaim) {
    return attempts.markAbandonedInDoubt(now, everyClaim);
  }

  @Override
  public Optional<Delivery> findDelivery(DeliveryId id) {
    return deliveries.findDelivery(id);
  }

  @Override
  public Optional<Delivery> findDeliveryByKey(String dedupeKey) {
    return deliveries.findDeliveryByKey(dedupeKey);
  }

  @Override
  public List<Delivery> deliveriesOfEvent(String eventId) {
    return deliveries.deliveriesOfEvent(eventId);
  }

  @Override
  public List<Attempt> attempts(DeliveryId id) {
    return attempts.attempts(id);
  }

  @Override
  public Optional<String> eventSummary(String eventId) {
    return events.eventSummary(eventId);
  }

  @Override
  public Optional<Delivery> replay(DeliveryId id, Instant now) {
    return deliveries.replay(id, now);
  }

  @Override
  public int replayMatching(DeliveryQuery query, Instant now) {
    return deliveries.replayMatching(query, now);
  }

  @Override
  public Optional<Delivery> resolveAsSent(DeliveryId id, Instant now) {
    return deliveries.resolveAsSent(id, now);
  }

  @Override
  public int resolveMatching(DeliveryQuery query, Replay.Resolution how, Instant now) {
    return deliveries.resolveMatching(query, how, now);
  }

  @Override
  public PurgeResult purge(Instant cutoff) {
    return housekeeping.purge(cutoff);
  }

  @Override
  public QueueStats queueStats(Instant now) {
    return housekeeping.queueStats(now);
  }

  @Override
  public int count(DeliveryQuery query) {
    return history.count(query);
  }

  /** Read-only history queries over the same database (the admin API and the CLI). */
  public History history() {
    return history;
  }

  @Override
  public boolean isReady() {
    try {
      return jdbc.query(
          c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT 1");
                ResultSet rs = p.executeQuery()) {
              return rs.next();
            }
          });
    } catch (StoreException e) {
      return false;
    }
  }

  @Override
  public void close() {
    if (groupCommit != null) {
      groupCommit.close();
    }
    dataSource.close();
  }
}
