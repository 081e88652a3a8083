package candybridge.app;

import candybridge.delivery.DeliveryStatus;
import candybridge.store.JdbcStore;
import candybridge.testing.FakeReferralCandyServer;
import candybridge.testing.Fixtures;
import candybridge.testing.ServiceProcess;
import candybridge.testing.StripeWebhooks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * The harness of {@link MultiInstanceTest}: the serve processes started and stopped together, the
 * webhooks the test posts to them as a round-robin load balancer would, and what the test reads
 * back from PostgreSQL, the fake ReferralCandy and each instance's log.
 */
final class MultiInstanceHarness {
  static final String FIXTURE = "stripe/checkout.session.completed.json";
  static final String TEMPLATE = Fixtures.read(FIXTURE);
  static final String SESSION = Fixtures.event(FIXTURE).objectId();
  static final String EVENT_ID = Fixtures.event(FIXTURE).id().value();
  static final int INSTANCES = 3;

  private MultiInstanceHarness() {}

  /** One webhook delivery: to which instance, for which sale, with which body. */
  record Post(ServiceProcess to, String session, String body) {}

  /** What an instance answered; {@code outcome} is the {@code status} field of a 200. */
  record Answer(String session, int status, String body) {
    String outcome() {
      return body.replaceAll("(?s).*\"status\"\\s*:\\s*\"([a-z_]+)\".*", "$1");
    }
  }

  static List<Answer> join(List<Future<Answer>> futures) {
    List<Answer> answers = new ArrayList<>();
    for (Future<Answer> f : futures) {
      try {
        answers.add(f.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("posting failed", e.getCause());
      }
    }
    return answers;
  }

  /** Signed at the moment it is sent, as Stripe does. */
  static Answer post(Post post) {
    HttpResponse<String> r =
        StripeWebhooks.postSigned(
            post.to().port(), post.body(), Clock.systemUTC().instant().getEpochSecond());
    return new Answer(post.session(), r.statusCode(), r.body());
  }

  /** Posts to the intended instance; if it cannot answer (it died), to {@code fallback}. */
  static Answer postOr(Post post, ServiceProcess fallback) {
    try {
      return post(post);
    } catch (UncheckedIOException e) {
      return post(new Post(fallback, post.session(), post.body()));
    }
  }

  /** The running instances; closing stops them all together (SIGTERM, clean shutdown). */
  record Instances(List<ServiceProcess> all, ExecutorService lifecycle) implements AutoCloseable {
    /** The instances, started together (their migrations meet at PostgreSQL's advisory lock). */
    static Instances start(String name, Map<String, String> env, ExecutorService lifecycle) {
      List<Future<ServiceProcess>> starting = new ArrayList<>();
      for (int i = 0; i < INSTANCES; i++) {
        String log = name + "-" + (char) ('a' + i);
        starting.add(lifecycle.submit(() -> ServiceProcess.start(log, env)));
      }
      List<ServiceProcess> started = new ArrayList<>();
      RuntimeException failure = null;
      for (Future<ServiceProcess> f : starting) {
        try {
          started.add(f.get());
        } catch (InterruptedException | ExecutionException e) {
          failure = new IllegalStateException("an instance did not start", e);
        }
      }
      Instances instances = new Instances(started, lifecycle);
      if (failure != null) {
        instances.close();
        throw failure;
      }
      return instances;
    }

    ServiceProcess get(int i) {
      return all.get(i);
    }

    @Override
    public void close() {
      List<Future<?>> stopping = new ArrayList<>();
      for (ServiceProcess p : all) {
        stopping.add(lifecycle.submit(p::close));
      }
      for (Future<?> f : stopping) {
        try {
          f.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
          // already reported by the test, if it matters
        }
      }
    }
  }

  static String session(String prefix, int i) {
    return SESSION + "_" + prefix + i;
  }

  static String event(String session, String eventId) {
    return TEMPLATE.replace(SESSION, session).replace(EVENT_ID, eventId);
  }

  static Map<String, Long> purchasesPerSession(FakeReferralCandyServer rc) {
    return rc.received("purchase.json").stream()
        .collect(
            Collectors.groupingBy(
                c -> c.params().get("external_reference_id"), Collectors.counting()));
  }

  static Set<String> sessionsSent(FakeReferralCandyServer rc) {
    return purchasesPerSession(rc).keySet();
  }

  static long count(JdbcStore store, DeliveryStatus status) {
    return store.queueStats(Clock.systemUTC().instant()).byStatus().getOrDefault(status, 0L);
  }

  /**
   * Sessions whose delivery this instance has claimed and not finished (its claims carry its pid).
   */
  static Set<String> inFlightSessionsOf(String url, ServiceProcess instance) {
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement p =
            c.prepareStatement(
                "SELECT dedupe_key FROM delivery WHERE status = 'in_flight' AND claimed_by LIKE ?")) {
      p.setString(1, instance.pid() + "-%");
      Set<String> sessions = new HashSet<>();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          sessions.add(rs.getString(1).substring("purchase:".length()));
        }
      }
      return sessions;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static long queryLong(String url, String sql) {
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement p = c.prepareStatement(sql);
        ResultSet rs = p.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static long logLines(ServiceProcess p, String containing) {
    try {
      return Files.readString(p.log()).lines().filter(l -> l.contains(containing)).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
