package candybridge.store;

import candybridge.delivery.StoreException;
import candybridge.delivery.PurgeResult;
import candybridge.delivery.QueueStats;
import candybridge.delivery.SaveResult;
import candybridge.delivery.Store;
import static java.util.Objects.requireNonNull;

import candybridge.delivery.Attempt;
import candybridge.delivery.AttemptTrigger;
import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryId;
import candybridge.delivery.DeliveryStatus;
import candybridge.delivery.Replay;
import candybridge.delivery.Verdict;
import candybridge.delivery.DeliveryQuery;
import candybridge.history.History;
import candybridge.referralcandy.RcCall;
import candybridge.stripe.StripeEvent;
import candybridge.workflow.Plan;
import candybridge.workflow.PlannedDelivery;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** The one {@link Store}: plain JDBC over a HikariCP pool, with a small {@link Dialect}. */
public final class JdbcStore implements Store {
  private final HikariDataSource dataSource;
  private final Dialect dialect;
  private final Jdbc jdbc;
  private final JdbcHistory history;
  private final GroupCommit groupCommit;
  private final CommitTimes commitTimes = new CommitTimes();

  private JdbcStore(HikariDataSource dataSource, Dialect dialect) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.groupCommit = dialect.groupsCommits() ? new GroupCommit(dataSource, commitTimes) : null;
    this.jdbc = new Jdbc(dataSource, groupCommit, commitTimes);
    this.history = new JdbcHistory(jdbc, dialect);
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
   * Tells {@code listener} how long each durable commit took (one group commit of many
   * transactions on SQLite, one transaction on PostgreSQL). It runs on the committing thread, so it
   * must be quick; when it throws, that is logged and the commit still counts as made. It replaces
   * any listener before it.
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
    // JSON is written before the transaction: with group commit, the work inside runs on the one
    // writer thread, which should do nothing but SQL.
    String decisions = DeliveryRows.json(plan.decisions());
    List<String> params =
        plan.deliveries().stream().map(d -> DeliveryRows.paramsJson(d.call().params())).toList();
    return jdbc.inTransaction(
        c -> {
          int inserted =
              Jdbc.update(
                  c,
                  """
                  INSERT INTO stripe_event (event_id, type, object_id, created_s, api_version,
                                            payload, plan_summary, decisions, received_at)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                  ON CONFLICT (event_id) DO NOTHING
                  """,
                  event.id().value(),
                  event.type(),
                  event.objectId(),
                  event.created(),
                  event.apiVersion(),
                  event.payload(),
                  plan.summary(),
                  decisions,
                  now.toEpochMilli());
          if (inserted == 0) {
            return SaveResult.duplicate();
          }
          Map<String, DeliveryId> alreadyPlanned = new LinkedHashMap<>();
          for (int i = 0; i < params.size(); i++) {
            PlannedDelivery planned = plan.deliveries().get(i);
            if (insertDelivery(c, event, planned, params.get(i), now) == 0) {
              alreadyPlanned.put(planned.dedupeKey(), deliveryIdOf(c, planned.dedupeKey()));
            }
          }
          SaveResult stored = SaveResult.stored(alreadyPlanned);
          if (!alreadyPlanned.isEmpty()) {
            recordDecisions(c, event, plan.alreadyPlanned(stored.alreadyPlannedIds()));
          }
          return stored;
        });
  }

  /** Inserts a planned delivery unless its dedupe key is already planned; returns 1, or 0 if so. */
  private static int insertDelivery(
      Connection c, StripeEvent event, PlannedDelivery planned, String paramsJson, Instant now)
      throws SQLException {
    boolean blocked = planned.blockedReason().isPresent();
    return Jdbc.update(
        c,
        """
        INSERT INTO delivery (workflow, dedupe_key, event_id, method, params, status,
                              next_attempt_at, last_error, needs_lookup, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (dedupe_key) DO NOTHING
        """,
        planned.workflow(),
        planned.dedupeKey(),
        event.id().value(),
        planned.call().method().name(),
        paramsJson,
        (blocked ? DeliveryStatus.FAILED : DeliveryStatus.PENDING).wireName(),
        blocked ? null : now.toEpochMilli(),
        planned.blockedReason().orElse(null),
        planned.needsLookup() ? 1 : 0,
        now.toEpochMilli(),
        now.toEpochMilli());
  }

  /**
   * The delivery that holds a key our insert found taken. On PostgreSQL that insert waited for a
   * concurrent holder to commit (or roll back, and then it would have inserted), and this statement
   * sees what was committed before it started (READ COMMITTED); on SQLite there is one writer.
   */
  private static DeliveryId deliveryIdOf(Connection c, String dedupeKey) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT id FROM delivery WHERE dedupe_key = ?")) {
      p.setString(1, dedupeKey);
      try (ResultSet rs = p.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("dedupe key " + dedupeKey + " conflicted but no delivery holds it");
        }
        return new DeliveryId(rs.getLong(1));
      }
    }
  }

  /**
   * Rewrites the event's decisions and summary, in its saving transaction, once it is known that
   * some of its deliveries were already planned. Only a second event for a sale pays for this, and
   * for the JSON written here on the writer thread (see {@link #saveEvent}).
   */
  private static void recordDecisions(Connection c, StripeEvent event, Plan recorded) throws SQLException {
    Jdbc.update(
        c,
        "UPDATE stripe_event SET plan_summary = ?, decisions = ? WHERE event_id = ?",
        recorded.summary(),
        DeliveryRows.json(recorded.decisions()),
        event.id().value());
  }

  @Override
  public OptionalLong sessionCompletedAt(String sessionId) {
    return jdbc.query(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT MIN(created_s) FROM stripe_event WHERE object_id = ? AND type = ?")) {
            p.setString(1, sessionId);
            p.setString(2, "checkout.session.completed");
            try (ResultSet rs = p.executeQuery()) {
              rs.next();
              long v = rs.getLong(1);
              return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
            }
          }
        });
  }

  @Override
  public Optional<String> eventPayload(String eventId) {
    return eventColumn("payload", eventId);
  }


  @Override
  public boolean completeLookup(Delivery claimed, RcCall call) {
    String params = DeliveryRows.paramsJson(call.params()); // before the transaction, as in saveEvent
    return jdbc.inTransaction(
        c ->
            Jdbc.update(
                    c,
                    """
                    UPDATE delivery SET params = ?, needs_lookup = 0
                     WHERE id = ? AND status = 'in_flight' AND version = ?
                    """,
                    params,
                    claimed.id().value(),
                    claimed.version())
                == 1);
  }

  @Override
  public List<Delivery> claimDue(Instant now, int limit, String claimant, Instant leaseUntil) {
    // The rows' parameters are parsed after the transaction, on this thread, not the writer's.
    List<Supplier<Delivery>> claimed = jdbc.inTransaction(
        c -> {
          try (PreparedStatement p = c.prepareStatement(dialect.claimSql(DeliveryRows.COLUMNS))) {
            p.setString(1, claimant);
            p.setLong(2, leaseUntil.toEpochMilli());
            p.setLong(3, now.toEpochMilli());
            p.setLong(4, now.toEpochMilli());
            p.setInt(5, limit);
            return DeliveryRows.readLater(p);
          }
        });
    List<Delivery> out = new ArrayList<>(claimed.size());
    for (Supplier<Delivery> row : claimed) {
      out.add(row.get());
    }
    return out;
  }

  @Override
  public boolean recordAttempt(
      Delivery claimed, Attempt attempt, DeliveryStatus status, Optional<Instant> nextAttemptAt) {
    if (!DeliveryStatus.IN_FLIGHT.canBecome(status)) {
      throw new IllegalStateException("an attempt cannot move a delivery to " + status);
    }
    return jdbc.inTransaction(
        c -> {
          int updated =
              Jdbc.update(
                  c,
                  """
                  UPDATE delivery
                     SET status = ?, attempt_count = ?, next_attempt_at = ?, last_error = ?,
                         claimed_by = NULL, lease_until = NULL, updated_at = ?, manual = 0,
                         version = version + 1
                   WHERE id = ? AND status = 'in_flight' AND version = ?
                  """,
                  status.wireName(),
                  attempt.number(),
                  nextAttemptAt.map(Instant::toEpochMilli).orElse(null),
                  attempt.error().orElse(null),
                  attempt.startedAt().plus(attempt.duration()).toEpochMilli(),
                  claimed.id().value(),
                  claimed.version());
          if (updated == 0) {
            return false;
          }
          insertAttempt(c, attempt);
          return true;
        });
  }

  private static void insertAttempt(Connection c, Attempt a) throws SQLException {
    Jdbc.update(
        c,
        """
        INSERT INTO delivery_attempt (delivery_id, attempt_number, trigger, started_at,
                                      duration_ms, http_status, response_excerpt, error, verdict)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        a.deliveryId().value(),
        a.number(),
        a.trigger().name(),
        a.startedAt().toEpochMilli(),
        a.duration().toMillis(),
        a.httpStatus().isPresent() ? a.httpStatus().getAsInt() : null,
        a.responseExcerpt().orElse(null),
        a.error().orElse(null),
        a.verdict().name());
  }

  @Override
  public List<Delivery> markAbandonedInDoubt(Instant now, boolean everyClaim) {
    return jdbc.inTransaction(
        c -> {
          List<Delivery> abandoned = new ArrayList<>();
          List<Long> claimedAt = new ArrayList<>();
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT " + DeliveryRows.COLUMNS + ", claimed_at FROM delivery"
                      + " WHERE status = 'in_flight' AND (? OR lease_until < ?)")) {
            p.setBoolean(1, everyClaim);
            p.setLong(2, now.toEpochMilli());
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                abandoned.add(DeliveryRows.read(rs));
                claimedAt.add(rs.getLong("claimed_at"));
              }
            }
          }
          String why =
              "the process stopped while this call was in flight; it may have reached"
                  + " ReferralCandy, which does not deduplicate purchases, so it is not resent"
                  + " without an operator";
          List<Delivery> marked = new ArrayList<>();
          for (int i = 0; i < abandoned.size(); i++) {
            Delivery d = abandoned.get(i);
            // Guarded by version: when two instances notice the same expired lease, one marks it.
            int updated = Jdbc.update(
                c,
                """
                UPDATE delivery SET status = 'in_doubt', attempt_count = ?, last_error = ?,
                       claimed_by = NULL, lease_until = NULL, updated_at = ?, version = version + 1
                 WHERE id = ? AND version = ? AND status = 'in_flight'
                """,
                d.attemptCount() + 1,
                why,
                now.toEpochMilli(),
                d.id().value(),
                d.version());
            if (updated == 0) {
              continue;
            }
            marked.add(d);
            Instant started = Instant.ofEpochMilli(claimedAt.get(i));
            Duration ran = Duration.between(started, now);
            insertAttempt(
                c,
                new Attempt(
                    d.id(),
                    d.attemptCount() + 1,
                    AttemptTrigger.RECOVERY,
                    started,
                    ran.isNegative() ? Duration.ZERO : ran,
                    OptionalInt.empty(),
                    Optional.empty(),
                    Optional.of(why),
                    Verdict.IN_DOUBT));
          }
          return marked;
        });
  }

  @Override
  public Optional<Delivery> findDelivery(DeliveryId id) {
    return DeliveryRows.first(
        jdbc, "SELECT " + DeliveryRows.COLUMNS + " FROM delivery WHERE id = ?", id.value());
  }

  @Override
  public Optional<Delivery> findDeliveryByKey(String dedupeKey) {
    return DeliveryRows.first(
        jdbc, "SELECT " + DeliveryRows.COLUMNS + " FROM delivery WHERE dedupe_key = ?", dedupeKey);
  }

  @Override
  public List<Delivery> deliveriesOfEvent(String eventId) {
    return jdbc.query(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT " + DeliveryRows.COLUMNS + " FROM delivery WHERE event_id = ? ORDER BY id")) {
            p.setString(1, eventId);
            return DeliveryRows.readAll(p);
          }
        });
  }

  @Override
  public List<Attempt> attempts(DeliveryId id) {
    return jdbc.query(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  """
                  SELECT attempt_number, trigger, started_at, duration_ms, http_status,
                         response_excerpt, error, verdict
                    FROM delivery_attempt WHERE delivery_id = ? ORDER BY attempt_number
                  """)) {
            p.setLong(1, id.value());
            List<Attempt> out = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                int status = rs.getInt("http_status");
                boolean noStatus = rs.wasNull();
                out.add(
                    new Attempt(
                        id,
                        rs.getInt("attempt_number"),
                        AttemptTrigger.valueOf(rs.getString("trigger")),
                        Instant.ofEpochMilli(rs.getLong("started_at")),
                        Duration.ofMillis(rs.getLong("duration_ms")),
                        noStatus ? OptionalInt.empty() : OptionalInt.of(status),
                        Optional.ofNullable(rs.getString("response_excerpt")),
                        Optional.ofNullable(rs.getString("error")),
                        Verdict.valueOf(rs.getString("verdict"))));
              }
            }
            return out;
          }
        });
  }

  @Override
  public Optional<String> eventSummary(String eventId) {
    return eventColumn("plan_summary", eventId);
  }

  /** One text column of one stored event; empty when the event or the value is absent. */
  private Optional<String> eventColumn(String column, String eventId) {
    return jdbc.query(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement("SELECT " + column + " FROM stripe_event WHERE event_id = ?")) {
            p.setString(1, eventId);
            try (ResultSet rs = p.executeQuery()) {
              return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
          }
        });
  }


  @Override
  public Optional<Delivery> replay(DeliveryId id, Instant now) {
    boolean replayed = jdbc.inTransaction(c -> requeue(c, id, "('delivered', 'failed', 'in_doubt')", now));
    return replayed ? findDelivery(id) : Optional.empty();
  }

  /**
   * An operator's replay of one delivery: due now, its next attempt manual. One statement, guarded
   * by the delivery being in one of {@code statuses} (an SQL list) at that moment.
   */
  private static boolean requeue(Connection c, DeliveryId id, String statuses, Instant now) throws SQLException {
    return Jdbc.update(c, """
        UPDATE delivery SET status = 'pending', next_attempt_at = ?, manual = 1, updated_at = ?,
               version = version + 1
         WHERE id = ? AND status IN """ + statuses, now.toEpochMilli(), now.toEpochMilli(), id.value()) == 1;
  }

  @Override
  public int replayMatching(DeliveryQuery query, Instant now) {
    java.util.Set<DeliveryStatus> statuses = query.statuses().isEmpty()
        ? java.util.EnumSet.of(DeliveryStatus.DELIVERED, DeliveryStatus.FAILED, DeliveryStatus.IN_DOUBT)
        : query.statuses();
    if (statuses.stream().anyMatch(s -> !s.isReplayable())) {
      throw new IllegalArgumentException("only delivered, failed and in-doubt deliveries can be replayed");
    }
    int n = 0;
    for (long id : history.deliveryIds(query.withStatuses(statuses))) {
      n += replay(new DeliveryId(id), now).isPresent() ? 1 : 0;
    }
    return n;
  }

  @Override
  public Optional<Delivery> resolveAsSent(DeliveryId id, Instant now) {
    boolean resolved = jdbc.inTransaction(c -> settleAsSent(c, id, now));
    return resolved ? findDelivery(id) : Optional.empty();
  }

  /**
   * Marks one in-doubt delivery delivered with a {@code RESOLUTION} attempt row. False, with
   * nothing written, when it is not in doubt or changed between the read and the update (the
   * version guard: on PostgreSQL another instance may commit in between).
   */
  private static boolean settleAsSent(Connection c, DeliveryId id, Instant now) throws SQLException {
    Optional<Delivery> d = DeliveryRows.first(c, "SELECT " + DeliveryRows.COLUMNS
        + " FROM delivery WHERE id = ? AND status = 'in_doubt'", id.value());
    if (d.isEmpty()) {
      return false;
    }
    String note = "resolved by an operator: the call reached ReferralCandy";
    int updated = Jdbc.update(c, """
        UPDATE delivery SET status = 'delivered', attempt_count = ?, last_error = NULL,
               next_attempt_at = NULL, updated_at = ?, version = version + 1
         WHERE id = ? AND version = ? AND status = 'in_doubt'
        """, d.get().attemptCount() + 1, now.toEpochMilli(), id.value(), d.get().version());
    if (updated == 0) {
      return false;
    }
    insertAttempt(c, new Attempt(id, d.get().attemptCount() + 1, AttemptTrigger.RESOLUTION, now,
        Duration.ZERO, OptionalInt.empty(), Optional.empty(), Optional.of(note), Verdict.DELIVERED));
    return true;
  }

  @Override
  public int resolveMatching(DeliveryQuery query, Replay.Resolution how, Instant now) {
    java.util.Set<DeliveryStatus> inDoubt = java.util.Set.of(DeliveryStatus.IN_DOUBT);
    if (!query.statuses().isEmpty() && !query.statuses().equals(inDoubt)) {
      throw new IllegalArgumentException("only in_doubt deliveries can be resolved");
    }
    int n = 0;
    for (long id : history.deliveryIds(query.withStatuses(inDoubt))) {
      DeliveryId d = new DeliveryId(id);
      // One transaction per delivery, each re-checking "still in doubt" as it changes the row.
      boolean resolved = jdbc.inTransaction(c -> how == Replay.Resolution.SENT
          ? settleAsSent(c, d, now)
          : requeue(c, d, "('in_doubt')", now));
      n += resolved ? 1 : 0;
    }
    return n;
  }

  @Override
  public PurgeResult purge(Instant cutoff) {
    long at = cutoff.toEpochMilli();
    return jdbc.inTransaction(c -> {
      int payloads = Jdbc.update(c, """
          UPDATE stripe_event SET payload = NULL, decisions = '[]'
           WHERE received_at < ? AND payload IS NOT NULL
             AND event_id NOT IN (SELECT event_id FROM delivery
                                   WHERE status IN ('pending', 'in_flight', 'in_doubt'))
          """, at);
      int attempts = Jdbc.update(c, """
          DELETE FROM delivery_attempt WHERE delivery_id IN
            (SELECT id FROM delivery WHERE status IN ('delivered', 'failed') AND updated_at < ?)
          """, at);
      int deliveries = Jdbc.update(c, """
          UPDATE delivery SET params = '{}', last_error = NULL
           WHERE status IN ('delivered', 'failed') AND updated_at < ? AND params <> '{}'
          """, at);
      return new PurgeResult(payloads, deliveries, attempts);
    });
  }

  @Override
  public QueueStats queueStats(Instant now) {
    return jdbc.query(c -> {
      java.util.Map<DeliveryStatus, Long> byStatus = new java.util.EnumMap<>(DeliveryStatus.class);
      try (PreparedStatement p = c.prepareStatement("SELECT status, COUNT(*) FROM delivery GROUP BY status");
          ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          byStatus.put(DeliveryStatus.fromWireName(rs.getString(1)), rs.getLong(2));
        }
      }
      try (PreparedStatement p = c.prepareStatement(
          "SELECT COUNT(*), MIN(next_attempt_at) FROM delivery WHERE status = 'pending' AND next_attempt_at <= ?")) {
        p.setLong(1, now.toEpochMilli());
        try (ResultSet rs = p.executeQuery()) {
          rs.next();
          long due = rs.getLong(1);
          long oldest = rs.getLong(2);
          Optional<Duration> age = rs.wasNull() ? Optional.empty()
              : Optional.of(Duration.ofMillis(Math.max(0, now.toEpochMilli() - oldest)));
          return new QueueStats(byStatus, due, age);
        }
      }
    });
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
