package candybridge.cli;

import candybridge.delivery.StoreException;
import candybridge.store.StoreMigration;
import candybridge.store.StoreMigration.TableCount;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "migrate-store",
    header = "Copies an SQLite deployment to PostgreSQL, resumably.",
    mixinStandardHelpOptions = true,
    description = {
      "Copies a SQLite deployment's events, deliveries and attempts into PostgreSQL.",
      "STOP serve on the SQLite database first: a call in flight may be on the wire.",
      "Both schemas are first brought to this build's version. Rows are copied in"
          + " batches and rows already in the target are skipped, so it is safe to run"
          + " twice, and a rerun completes an interrupted run. Delivery ids are kept where"
          + " the target has them free. Afterwards set CANDYBRIDGE_DATABASE_URL to the"
          + " PostgreSQL URL and start serve.",
      "Exit codes: 0 every row is in the target; 1 a mismatch, deliveries in flight"
          + " (without --force) or a database failure (run again); 2 bad usage."
    })
final class MigrateStoreCommand implements Callable<Integer> {
  @Option(
      names = "--from",
      required = true,
      paramLabel = "SQLITE_URL",
      description = "The existing database, e.g. jdbc:sqlite:/var/lib/candybridge/candybridge.db.")
  String from;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "POSTGRES_URL",
      description =
          "The PostgreSQL database, e.g. jdbc:postgresql://db/candybridge?user=candybridge.")
  String to;

  @Option(
      names = "--force",
      description =
          "Copy even though the source has in-flight deliveries (they stay in_flight and"
              + " become in_doubt when their lease ends).")
  boolean force;

  Terminal terminal = Terminal.system();

  @Override
  public Integer call() {
    StoreMigration migration;
    try {
      migration = StoreMigration.open(from, to, terminal.clock().instant());
    } catch (IllegalArgumentException e) {
      terminal.err().println("candybridge: " + e.getMessage());
      return 2;
    } catch (StoreException e) {
      terminal.err().println("candybridge: database unavailable: " + e.getMessage());
      return 1;
    }
    try (migration) {
      long inFlight = migration.inFlight();
      if (inFlight > 0 && !force) {
        terminal
            .err()
            .println(
                "candybridge: the SQLite database has "
                    + inFlight
                    + " deliveries in flight:"
                    + " stop serve first (its next start marks them in_doubt), or pass --force");
        return 1;
      }
      terminal.out().println("migrating (serve on the SQLite database must be stopped)");
      List<TableCount> counts =
          migration.run(
              (table, done, total) -> terminal.err().println(table + ": " + done + "/" + total));
      return report(counts);
    } catch (StoreException e) {
      terminal.err().println("candybridge: " + e.getMessage());
      terminal
          .err()
          .println(
              "candybridge: run the same command again to complete it (rows already copied are skipped)");
      return 1;
    }
  }

  private int report(List<TableCount> counts) {
    terminal
        .out()
        .printf(
            "%-18s %10s %10s %10s %10s %s%n", "TABLE", "SOURCE", "TARGET", "COPIED", "PRESENT", "");
    for (TableCount c : counts) {
      terminal
          .out()
          .printf(
              "%-18s %10d %10d %10d %10d %s%n",
              c.table(),
              c.source(),
              c.target(),
              c.copied(),
              c.present(),
              c.matches() ? "ok" : "MISMATCH (" + c.missing() + " missing)");
    }
    boolean ok = counts.stream().allMatch(TableCount::matches);
    terminal
        .out()
        .println(
            ok
                ? "migration complete: point CANDYBRIDGE_DATABASE_URL at PostgreSQL and start serve"
                : "migration INCOMPLETE: some source rows are not in the target");
    return ok ? 0 : 1;
  }
}
