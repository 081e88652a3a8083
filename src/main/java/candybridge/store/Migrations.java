package candybridge.store;

import static java.nio.charset.StandardCharsets.UTF_8;

import candybridge.delivery.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the versioned plain-SQL migrations of a dialect ({@code db/<dialect>/V001__init.sql} …,
 * listed in {@code db/<dialect>/index.txt}) that the database has not seen yet, each in its own
 * transaction, recording it in {@code schema_version}.
 */
final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  static void apply(DataSource dataSource, Dialect d, Instant now) {
    String dialect = d.name();
    List<String> files = lines(read("db/" + dialect + "/index.txt"));
    try (Connection c = dataSource.getConnection()) {
      d.lockMigrations(c);
      try {
        applyAll(c, dialect, files, now);
      } finally {
        d.unlockMigrations(c);
      }
    } catch (SQLException e) {
      throw new StoreException("could not migrate the database schema: " + e.getMessage(), e);
    }
  }

  private static void applyAll(Connection c, String dialect, List<String> files, Instant now)
      throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS schema_version "
              + "(version INTEGER PRIMARY KEY, script TEXT NOT NULL, applied_at BIGINT NOT NULL)");
    }
    int current = currentVersion(c);
    for (String file : files) {
      int version = Integer.parseInt(file.substring(1, file.indexOf("__")));
      if (version > current) {
        applyOne(c, dialect, file, version, now);
      }
    }
  }

  private static int currentVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static void applyOne(Connection c, String dialect, String file, int version, Instant now)
      throws SQLException {
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      for (String sql : statements(read("db/" + dialect + "/" + file))) {
        s.execute(sql);
      }
      try (PreparedStatement p =
          c.prepareStatement(
              "INSERT INTO schema_version (version, script, applied_at) VALUES (?, ?, ?)")) {
        p.setInt(1, version);
        p.setString(2, file);
        p.setLong(3, now.toEpochMilli());
        p.executeUpdate();
      }
      c.commit();
      log.info("applied migration {}", file);
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  /** Splits a script on semicolons that end a line; comments starting with -- are dropped. */
  static List<String> statements(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script.split("\n")) {
      String code = line.contains("--") ? line.substring(0, line.indexOf("--")) : line;
      current.append(code).append('\n');
      if (code.strip().endsWith(";")) {
        String sql = current.toString().strip();
        out.add(sql.substring(0, sql.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      out.add(current.toString().strip());
    }
    return out;
  }

  private static List<String> lines(String text) {
    return text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
  }

  private static String read(String resource) {
    try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("migration resource missing from the build: " + resource);
      }
      return new String(in.readAllBytes(), UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("could not read " + resource, e);
    }
  }
}
