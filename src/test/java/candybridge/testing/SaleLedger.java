package candybridge.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Every sale the load generator got a 200 for, checked against what the fake ReferralCandy received
 * and what the database says: lost (acknowledged, never sent and not in doubt), sent twice (more
 * than one call for one checkout session), and in doubt (listed, with whether the call reached
 * ReferralCandy).
 */
public final class SaleLedger {
  private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();

  public void acknowledged(String session) {
    acknowledged.add(session);
  }

  public int count() {
    return acknowledged.size();
  }

  public Set<String> acknowledgedSessions() {
    return Set.copyOf(acknowledged);
  }

  /**
   * Delivery status per checkout session ({@code purchase:<session>} keys), read over plain JDBC.
   */
  public static Map<String, String> statuses(String jdbcUrl) {
    Map<String, String> byKey = new HashMap<>();
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT dedupe_key, status FROM delivery")) {
      while (rs.next()) {
        byKey.put(rs.getString(1).replaceFirst("^purchase:", ""), rs.getString(2));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read deliveries: " + e.getMessage(), e);
    }
    return byKey;
  }

  /** True when every acknowledged sale is delivered or in doubt (nothing left to do). */
  public boolean settled(String jdbcUrl) {
    Map<String, String> status = statuses(jdbcUrl);
    return acknowledged.stream()
        .allMatch(s -> "delivered".equals(status.get(s)) || "in_doubt".equals(status.get(s)));
  }

  /** The verdict, once everything settled. */
  public Verdict check(String jdbcUrl, List<RecordedCall> purchases) {
    Map<String, Long> sends =
        purchases.stream()
            .collect(
                Collectors.groupingBy(
                    c -> c.params().getOrDefault("external_reference_id", "?"),
                    Collectors.counting()));
    Map<String, String> status = statuses(jdbcUrl);
    Set<String> lost = new TreeSet<>();
    Set<String> inDoubt = new TreeSet<>();
    for (String session : acknowledged) {
      String st = status.get(session);
      long n = sends.getOrDefault(session, 0L);
      if ("in_doubt".equals(st)) {
        inDoubt.add(
            session + (n > 0 ? " (reached ReferralCandy)" : " (never reached ReferralCandy)"));
      } else if (!"delivered".equals(st) || n == 0) {
        lost.add(session + " status=" + st + " sends=" + n);
      }
    }
    Set<String> twice =
        sends.entrySet().stream()
            .filter(e -> e.getValue() > 1)
            .map(e -> e.getKey() + " x" + e.getValue())
            .collect(Collectors.toCollection(TreeSet::new));
    long deliveredOnce =
        acknowledged.stream()
            .filter(s -> "delivered".equals(status.get(s)) && sends.getOrDefault(s, 0L) == 1)
            .count();
    return new Verdict(
        acknowledged.size(),
        deliveredOnce,
        lost,
        twice,
        inDoubt,
        purchases.stream().allMatch(RecordedCall::signatureValid));
  }

  public record Verdict(
      int acknowledged,
      long deliveredOnce,
      Set<String> lost,
      Set<String> sentTwice,
      Set<String> inDoubt,
      boolean allSignaturesValid) {
    public void into(ReliabilityReport report) {
      report
          .put("acknowledged", acknowledged)
          .put("deliveredOnce", deliveredOnce)
          .put("lost", lost.size())
          .put("sentTwice", sentTwice.size())
          .put("inDoubt", inDoubt.size())
          .put("inDoubtList", inDoubt);
    }
  }
}
