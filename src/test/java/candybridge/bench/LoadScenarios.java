package candybridge.bench;

import static candybridge.bench.ScenarioRig.DEFAULT_CONCURRENCY;
import static candybridge.bench.ScenarioRig.WARM_UP;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The scenarios of issue 6 that measure the service under a load of webhooks, with ReferralCandy
 * answering: (a) ingest saturation on SQLite and on PostgreSQL, (b) a steady rate, (c) a slow
 * ReferralCandy, and (e) the plain-HTTP ceiling of the same server.
 */
final class LoadScenarios {
  private final ScenarioRig rig;

  LoadScenarios(ScenarioRig rig) {
    this.rig = rig;
  }

  /** (e) The plain-HTTP ceiling of the same server: GET /healthz, closed loop. */
  void healthz() throws IOException {
    try (BenchReferralCandy rc = new BenchReferralCandy(rig.timeline(), Duration.ZERO);
        ServiceUnderTest service = rig.sqlite(rc, 8)) {
      byte[] get = CheckoutEvents.get("/healthz", service.port());
      // Requests without event numbers: their own counter, so they use up none.
      LoadGenerator load =
          new LoadGenerator(new int[] {service.port()}, new AtomicInteger(), Integer.MAX_VALUE);
      load.closedLoop(16, WARM_UP, Long.MAX_VALUE, (i, n) -> get);
      for (int c : new int[] {16, 64}) {
        rig.row(
            Row.ofLoad(
                    "healthz c=" + c,
                    load.closedLoop(c, rig.scaled(30), Long.MAX_VALUE, (i, n) -> get))
                .withProcess(service));
      }
    }
  }

  /** (a) Ingest saturation, SQLite, closed loop at 16 and 64 connections. */
  void ingest() throws IOException {
    try (BenchReferralCandy rc = new BenchReferralCandy(rig.timeline(), Duration.ZERO);
        ServiceUnderTest service = rig.sqlite(rc, 8)) {
      LoadGenerator load = rig.load(service);
      load.closedLoop(16, WARM_UP, Long.MAX_VALUE, rig.webhooks(service.port()));
      for (int c : new int[] {16, 64}) {
        int from = rig.nextEvent();
        ServiceMetrics before = ServiceMetrics.scrape(service.port());
        Row row =
            Row.ofLoad(
                "sqlite ingest c=" + c,
                load.closedLoop(c, rig.scaled(30), Long.MAX_VALUE, rig.webhooks(service.port())));
        rig.noteService(row, service, before);
        rig.row(
            rig.withDeliveries(row, from, rig.nextEvent(), Duration.ofSeconds(10))
                .withProcess(service));
      }
    }
  }

  /** (b) Steady 500 events/s, open loop; end-to-end latency to ReferralCandy. */
  void steady() throws IOException {
    for (int concurrency : new int[] {DEFAULT_CONCURRENCY, rig.settings().tunedConcurrency()}) {
      try (BenchReferralCandy rc = new BenchReferralCandy(rig.timeline(), Duration.ZERO);
          ServiceUnderTest service = rig.sqlite(rc, concurrency)) {
        LoadGenerator load = rig.load(service);
        load.openLoop(500, Duration.ofSeconds(10), 64, rig.webhooks(service.port()));
        int from = rig.nextEvent();
        ServiceMetrics before = ServiceMetrics.scrape(service.port());
        Row row =
            Row.ofLoad(
                "sqlite steady 500/s, delivery concurrency " + concurrency,
                load.openLoop(500, rig.scaled(60), 64, rig.webhooks(service.port())));
        rig.noteService(row, service, before);
        rig.row(
            rig.withDeliveries(row, from, rig.nextEvent(), Duration.ofSeconds(10))
                .withProcess(service));
      }
    }
  }

  /**
   * (c) ReferralCandy answering in 200 ms: delivery throughput at the default and a tuned
   * concurrency.
   */
  void slowReferralCandy() throws IOException {
    for (int concurrency : new int[] {DEFAULT_CONCURRENCY, rig.settings().tunedConcurrency()}) {
      try (BenchReferralCandy rc = new BenchReferralCandy(rig.timeline(), Duration.ofMillis(200));
          ServiceUnderTest service = rig.sqlite(rc, concurrency)) {
        int events = Math.max(400, concurrency * 5 * 20);
        int from = rig.nextEvent();
        Row row =
            Row.ofLoad(
                "sqlite RC 200 ms, delivery concurrency " + concurrency,
                rig.load(service)
                    .closedLoop(16, rig.scaled(60), events, rig.webhooks(service.port())));
        rig.row(
            rig.withDeliveries(row, from, rig.nextEvent(), rig.scaled(20)).withProcess(service));
      }
    }
  }

  /** (a) on embedded PostgreSQL (fsync and synchronous_commit on), one and two instances. */
  void postgres() throws IOException {
    try (EmbeddedPostgres pg =
            EmbeddedPostgres.builder()
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("fsync", "on")
                .setServerConfig("max_connections", "100")
                .start();
        BenchReferralCandy rc = new BenchReferralCandy(rig.timeline(), Duration.ZERO)) {
      for (int instances : new int[] {1, 2}) {
        String url = freshDatabase(pg, "bench_" + instances);
        List<ServiceUnderTest> started = new ArrayList<>();
        try {
          for (int i = 0; i < instances; i++) {
            started.add(rig.service(rc, url, 8));
          }
          int[] ports = started.stream().mapToInt(ServiceUnderTest::port).toArray();
          LoadGenerator load = rig.load(ports);
          load.closedLoop(16, WARM_UP, Long.MAX_VALUE, rig.webhooks(ports[0]));
          int from = rig.nextEvent();
          Row row =
              Row.ofLoad(
                  "postgres x" + instances + " ingest c=64",
                  load.closedLoop(64, rig.scaled(30), Long.MAX_VALUE, rig.webhooks(ports[0])));
          rig.row(
              rig.withDeliveries(row, from, rig.nextEvent(), Duration.ofSeconds(10))
                  .withProcess(started.get(0)));
        } finally {
          started.forEach(ServiceUnderTest::close);
        }
      }
    }
  }

  private static String freshDatabase(EmbeddedPostgres pg, String name) {
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return pg.getJdbcUrl("postgres", name);
  }
}
