package candybridge.cli;

import candybridge.delivery.Attempt;
import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryId;
import candybridge.delivery.DeliveryQuery;
import candybridge.delivery.DeliveryStatus;
import candybridge.history.Page;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "deliveries",
    header = "Lists or shows deliveries (planned ReferralCandy calls).",
    mixinStandardHelpOptions = true,
    description = {
      "Lists or shows deliveries: the ReferralCandy calls planned from Stripe events, their status and attempts.",
      "Reads CANDYBRIDGE_DATABASE_URL as serve does, and never creates a database."
    },
    subcommands = {DeliveriesCommand.ListDeliveries.class, DeliveriesCommand.Show.class})
final class DeliveriesCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    picocli.CommandLine.usage(this, System.err);
    return 2;
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = {
        "Lists deliveries, newest first: id, status, when created, workflow, attempts, dedupe key and the last error.",
        "DATE: " + When.FORMS + "."
      })
  static final class ListDeliveries implements Callable<Integer> {
    @Option(
        names = "--status",
        split = ",",
        paramLabel = "STATUS",
        description =
            "Only these statuses, comma-separated: pending, in_flight, delivered, failed, in_doubt.")
    Set<String> statuses = Set.of();

    @Option(
        names = "--type",
        paramLabel = "TYPE",
        description = "Only deliveries planned from this Stripe event type.")
    String type;

    @Option(
        names = "--workflow",
        paramLabel = "NAME",
        description = "Only deliveries of this workflow.")
    String workflow;

    @Option(
        names = "--since",
        paramLabel = "DATE",
        description = "Only deliveries created at or after this.")
    String since;

    @Option(
        names = "--until",
        paramLabel = "DATE",
        description = "Only deliveries created before this.")
    String until;

    @Option(
        names = "--search",
        paramLabel = "TEXT",
        description = "A session or event id, a dedupe key, or an e-mail address.")
    String search;

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "50",
        description = "At most this many (default ${DEFAULT-VALUE}, at most 500).")
    int limit;

    @Option(
        names = "--cursor",
        paramLabel = "CURSOR",
        description = "Continue a listing: the cursor its last line printed.")
    String cursor;

    Terminal terminal = Terminal.system();

    @Override
    public Integer call() {
      DeliveryQuery query;
      Set<DeliveryStatus> parsed;
      try {
        parsed =
            statuses.stream()
                .map(s -> DeliveryStatus.fromWireName(s.strip()))
                .collect(Collectors.toSet());
      } catch (IllegalArgumentException e) {
        terminal
            .err()
            .println(
                "candybridge: unknown status in "
                    + statuses
                    + " (pending, in_flight, delivered, failed, in_doubt)");
        return 2;
      }
      Instant now = terminal.clock().instant();
      try {
        query =
            new DeliveryQuery(
                parsed,
                Optional.ofNullable(type),
                Optional.ofNullable(workflow),
                Optional.ofNullable(since).map(s -> When.parse("--since", s, now)),
                Optional.ofNullable(until).map(u -> When.parse("--until", u, now)),
                Optional.ofNullable(search));
      } catch (IllegalArgumentException e) {
        terminal.err().println("candybridge: " + e.getMessage());
        return 2;
      }
      return StoreAccess.withStore(
          terminal,
          store -> {
            Page<Delivery> page =
                store.history().deliveries(query, Optional.ofNullable(cursor), limit);
            terminal
                .out()
                .printf(
                    "%-6s %-10s %-20s %-24s %-4s %s%n",
                    "ID", "STATUS", "CREATED", "WORKFLOW", "TRY", "KEY / LAST ERROR");
            for (Delivery d : page.items()) {
              terminal
                  .out()
                  .printf(
                      "%-6d %-10s %-20s %-24s %-4d %s%s%n",
                      d.id().value(),
                      d.status().wireName(),
                      d.createdAt().toString().substring(0, 19),
                      Terminal.shown(d.workflow()),
                      d.attemptCount(),
                      Terminal.shown(d.dedupeKey()),
                      d.lastError().map(e -> "  (" + Terminal.shown(e) + ")").orElse(""));
            }
            page.next().ifPresent(n -> terminal.out().println("more: --cursor " + n));
            return 0;
          });
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "Shows one delivery: its ReferralCandy parameters and every attempt with its outcome.")
  static final class Show implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "The delivery id, as deliveries list prints it.")
    long id;

    Terminal terminal = Terminal.system();

    @Override
    public Integer call() {
      return StoreAccess.withStore(
          terminal,
          store -> {
            Optional<Delivery> found = store.findDelivery(new DeliveryId(id));
            if (found.isEmpty()) {
              terminal.err().println("candybridge: no delivery " + id);
              return 1;
            }
            Delivery d = found.get();
            terminal.out().println("delivery " + d.id() + "  " + d.status().wireName());
            terminal.out().println("  workflow   " + Terminal.shown(d.workflow()));
            terminal.out().println("  key        " + Terminal.shown(d.dedupeKey()));
            terminal.out().println("  event      " + Terminal.shown(d.eventId()));
            terminal.out().println("  call       POST " + d.call().method().path());
            terminal.out().println("  created    " + d.createdAt());
            d.nextAttemptAt().ifPresent(t -> terminal.out().println("  next try   " + t));
            d.lastError()
                .ifPresent(e -> terminal.out().println("  last error " + Terminal.shown(e)));
            terminal.out().println("  params");
            d.call()
                .params()
                .forEach(
                    (k, v) ->
                        terminal
                            .out()
                            .println("    " + Terminal.shown(k) + " = " + Terminal.shown(v)));
            terminal.out().println("  attempts");
            for (Attempt a : store.attempts(d.id())) {
              terminal
                  .out()
                  .println(
                      "    #"
                          + a.number()
                          + " "
                          + a.startedAt()
                          + " "
                          + a.trigger().name().toLowerCase(Locale.ROOT)
                          + " "
                          + a.duration().toMillis()
                          + " ms"
                          + (a.httpStatus().isPresent() ? " HTTP " + a.httpStatus().getAsInt() : "")
                          + " -> "
                          + a.verdict().wireName()
                          + " ("
                          + a.verdict().outcomeClass().replace('_', ' ')
                          + ")"
                          + a.error().map(e -> "  " + Terminal.shown(e)).orElse(""));
            }
            return 0;
          });
    }
  }
}
