package candybridge.cli;

import candybridge.config.ConfigException;
import candybridge.config.ConfigLoader;
import candybridge.delivery.StoreException;
import candybridge.store.SqliteBackup;
import java.io.IOException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "backup",
    header = "Copies the SQLite database to a file while serve runs.",
    mixinStandardHelpOptions = true,
    description = {
      "Copies the database of CANDYBRIDGE_DATABASE_URL to FILE with SQLite's online backup:"
          + " the copy is the database as of one moment, taken while serve keeps answering and"
          + " delivering (operator commands do not take serve's lock). FILE is created readable by"
          + " its owner only (0600: it holds customer e-mail addresses) and is never half-written:"
          + " the copy goes to a temporary file next to it and is renamed when complete. An existing"
          + " FILE is kept unless --force. On PostgreSQL, use pg_dump: the command prints the recipe.",
      "Restoring a backup rewinds the dedupe keys: see README, \"Backups and restore\".",
      "Exit codes: 0 copied; 1 FILE exists (without --force), the database or FILE failed;"
          + " 2 bad usage, or a database this command cannot copy (PostgreSQL, in-memory SQLite)."
    })
final class BackupCommand implements Callable<Integer> {
  @Parameters(
      paramLabel = "FILE",
      description =
          "The backup file to write, e.g. /var/backups/candybridge/candybridge-2026-12-04.db.")
  Path file;

  @Option(names = "--force", description = "Replace FILE if it exists.")
  boolean force;

  Terminal terminal = Terminal.system();

  @Override
  public Integer call() {
    String url;
    try {
      url = ConfigLoader.databaseUrl(terminal.env());
    } catch (ConfigException e) {
      terminal.err().println("candybridge: " + e.getMessage());
      return 2;
    }
    if (url.startsWith("jdbc:postgresql:")) {
      terminal
          .err()
          .println("candybridge: backup copies an SQLite file; on PostgreSQL use pg_dump:");
      terminal.err().println(pgDumpRecipe(url));
      return 2;
    }
    Instant started = terminal.clock().instant();
    try {
      SqliteBackup.Result r = SqliteBackup.copy(url, file, force);
      Duration took = Duration.between(started, terminal.clock().instant());
      terminal
          .out()
          .println(
              "backed up "
                  + r.source()
                  + " to "
                  + r.target()
                  + ": "
                  + r.events()
                  + " events, "
                  + r.deliveries()
                  + " deliveries, "
                  + mebibytes(r.bytes())
                  + " in "
                  + seconds(took));
      terminal
          .out()
          .println(
              "it holds everything committed before "
                  + started.truncatedTo(ChronoUnit.SECONDS)
                  + " (after a restore, see README \"Backups and restore\")");
      return 0;
    } catch (SqliteBackup.NotApplicableException e) {
      terminal.err().println("candybridge: " + e.getMessage());
      return 2;
    } catch (FileAlreadyExistsException e) {
      terminal
          .err()
          .println(
              "candybridge: "
                  + e.getFile()
                  + " exists: choose another file or pass --force to replace it");
      return 1;
    } catch (IOException e) {
      terminal.err().println("candybridge: backup failed: " + describe(e));
      return 1;
    } catch (StoreException e) {
      terminal
          .err()
          .println("candybridge: backup failed, " + file + " untouched: " + e.getMessage());
      return 1;
    }
  }

  /**
   * pg_dump and pg_restore for the database of a {@code jdbc:postgresql://} URL, with its host,
   * port, database and user filled in; never its password (pg_dump reads PGPASSWORD or ~/.pgpass).
   */
  static String pgDumpRecipe(String jdbcUrl) {
    String host = "HOST";
    String port = "5432";
    String database = "DATABASE";
    String user = "USER";
    try {
      URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
      if (uri.getHost() != null) {
        host = uri.getHost();
      }
      if (uri.getPort() > 0) {
        port = Integer.toString(uri.getPort());
      }
      if (uri.getPath() != null && uri.getPath().length() > 1) {
        database = uri.getPath().substring(1);
      }
      if (uri.getQuery() != null) {
        for (String pair : uri.getQuery().split("&")) {
          if (pair.startsWith("user=") && pair.length() > "user=".length()) {
            user = pair.substring("user=".length());
          }
        }
      }
    } catch (IllegalArgumentException e) {
      // not a URI java.net can read (several hosts): the placeholders stay
    }
    String connect = "-h " + host + " -p " + port + " -U " + user + " -d " + database;
    return String.join(
        System.lineSeparator(),
        "  backup:  PGPASSWORD=… pg_dump "
            + connect
            + " --format=custom --file=candybridge-$(date +%F).dump",
        "  restore: stop every instance, then",
        "           PGPASSWORD=… pg_restore "
            + connect
            + " --clean --if-exists --single-transaction candybridge-DATE.dump",
        "  pg_dump takes one consistent snapshot while the instances keep running; see README \"Backups and restore\".");
  }

  private static String describe(IOException e) {
    if (e instanceof FileSystemException f && f.getFile() != null) {
      String why =
          f.getReason() != null
              ? f.getReason()
              : f instanceof AccessDeniedException
                  ? "permission denied"
                  : f instanceof NoSuchFileException
                      ? "no such file or directory"
                      : f.getClass().getSimpleName();
      return f.getFile() + ": " + why;
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static String mebibytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }
}
