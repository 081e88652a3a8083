package candybridge.cli;

import candybridge.delivery.DeliveryId;
import candybridge.delivery.DeliveryQuery;
import candybridge.delivery.DeliveryStatus;
import candybridge.delivery.Replay;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "resolve",
    header = "Settles in-doubt deliveries: mark sent, or send again.",
    mixinStandardHelpOptions = true,
    description = {
      "Resolves an in-doubt delivery (the call may have reached ReferralCandy): --as sent when"
          + " ReferralCandy shows the purchase (marks it delivered, sends nothing), --as resend when it"
          + " does not. With --status in_doubt instead of an ID, resolves every in-doubt delivery"
          + " created in [--since, --until) after showing how many and asking (--yes: do not ask).",
      "DATE: 2026-11-01 (midnight UTC), 2026-11-01T12:00:00Z, or an age such as 48h or 7d.",
      "Exit codes: 0 done, 1 refused or failed, 2 bad usage."
    })
final class ResolveCommand implements Callable<Integer> {
  @Parameters(
      paramLabel = "ID",
      arity = "0..1",
      description = "The in-doubt delivery to resolve (or --status in_doubt for all).")
  Long id;

  @Option(
      names = "--as",
      required = true,
      paramLabel = "HOW",
      description =
          "How: sent (ReferralCandy has the purchase: mark it delivered) or resend (send it again).")
  String as;

  @Option(
      names = "--status",
      paramLabel = "STATUS",
      description =
          "Resolve every delivery in this status: in_doubt (the only one that can be resolved).")
  String status;

  @Option(
      names = "--since",
      paramLabel = "DATE",
      description = "With --status: only deliveries created at or after this.")
  String since;

  @Option(
      names = "--until",
      paramLabel = "DATE",
      description = "With --status: only deliveries created before this.")
  String until;

  @Option(names = "--yes", description = "With --status: act without asking for confirmation.")
  boolean yes;

  Terminal terminal = Terminal.system();

  @Override
  public Integer call() {
    Optional<Replay.Resolution> parsed = Replay.Resolution.parse(as);
    if (parsed.isEmpty()) {
      return usage("--as must be sent or resend");
    }
    if ((id == null) == (status == null)) {
      return usage("give a delivery ID or --status in_doubt, not both");
    }
    if (id != null) {
      return since != null || until != null
          ? usage("--since and --until go with --status")
          : one(parsed.get());
    }
    if (!status.strip().equals(DeliveryStatus.IN_DOUBT.wireName())) {
      return usage("--status must be in_doubt: only in-doubt deliveries can be resolved");
    }
    Instant now = terminal.clock().instant();
    DeliveryQuery query;
    try {
      query =
          new DeliveryQuery(
              Set.of(DeliveryStatus.IN_DOUBT),
              Optional.empty(),
              Optional.empty(),
              Optional.ofNullable(since).map(s -> When.parse("--since", s, now)),
              Optional.ofNullable(until).map(u -> When.parse("--until", u, now)),
              Optional.empty());
    } catch (IllegalArgumentException e) {
      return usage(e.getMessage());
    }
    return all(query, parsed.get());
  }

  private int all(DeliveryQuery query, Replay.Resolution how) {
    String window =
        query.from().map(f -> " created since " + f).orElse("")
            + query.to().map(t -> " created before " + t).orElse("");
    boolean sent = how == Replay.Resolution.SENT;
    return StoreAccess.withStore(
        terminal,
        store -> {
          Replay replay = new Replay(store, terminal.clock(), () -> {});
          int matching = replay.wouldResolve(query);
          if (matching == 0) {
            terminal.out().println("no in-doubt deliveries" + window);
            return 0;
          }
          if (!yes) {
            terminal.out().println(matching + " in-doubt deliveries" + window + ".");
            Optional<Boolean> answer =
                terminal.confirm(
                    sent
                        ? "Mark them all delivered without sending anything (ReferralCandy has them)? [y/N] "
                        : "Send them all to ReferralCandy again (ReferralCandy does not have them)? [y/N] ");
            if (answer.isEmpty()) {
              terminal
                  .err()
                  .println(
                      "candybridge: no terminal to confirm on: add --yes to resolve "
                          + matching
                          + " deliveries without asking");
              return 1;
            }
            if (!answer.get()) {
              terminal.err().println("nothing changed");
              return 1;
            }
          }
          int done = replay.resolveMatching(query, how);
          terminal
              .out()
              .println(
                  (sent
                          ? "resolved " + done + " deliveries as sent"
                          : "queued "
                              + done
                              + " deliveries to resend (a running serve sends them within a second)")
                      + (done < matching
                          ? "; " + (matching - done) + " were settled meanwhile"
                          : ""));
          return 0;
        });
  }

  private int one(Replay.Resolution how) {
    return StoreAccess.withStore(
        terminal,
        store -> {
          Replay.Result r =
              new Replay(store, terminal.clock(), () -> {}).resolve(new DeliveryId(id), how);
          return switch (r.outcome()) {
            case DONE -> {
              terminal
                  .out()
                  .println(
                      "delivery "
                          + id
                          + ": "
                          + (how == Replay.Resolution.SENT
                              ? "resolved as sent"
                              : "queued to resend"));
              yield 0;
            }
            case NOT_FOUND -> {
              terminal.err().println("delivery " + id + ": no such delivery");
              yield 1;
            }
            case CONFLICT -> {
              terminal
                  .err()
                  .println(
                      "delivery "
                          + id
                          + ": is "
                          + r.delivery().map(d -> d.status().wireName()).orElse("?")
                          + ", only in_doubt deliveries are resolved");
              yield 1;
            }
          };
        });
  }

  private int usage(String message) {
    terminal.err().println("candybridge: " + message);
    return 2;
  }
}
