package candybridge.cli;

import candybridge.delivery.Delivery;
import candybridge.history.EventQuery;
import candybridge.history.EventRecord;
import candybridge.history.Page;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "events",
    header = "Lists or shows Stripe events and the decisions on them.",
    mixinStandardHelpOptions = true,
    description = {
      "Lists or shows the Stripe events Candybridge stored, with what each workflow decided about"
          + " them: planned, or why not (filtered out and by which condition, unpaid and waiting,"
          + " test mode, no e-mail address, duplicate). This answers \"why wasn't this sale sent?\".",
      "Reads CANDYBRIDGE_DATABASE_URL as serve does, and never creates a database."
    },
    subcommands = {EventsCommand.ListEvents.class, EventsCommand.Show.class})
final class EventsCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public Integer call() {
    picocli.CommandLine.usage(this, System.err);
    return 2;
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = {
        "Lists events, newest first: id, type, when received, the Stripe object (e.g. the Checkout"
            + " session) and the summary of the decisions.",
        "DATE: " + When.FORMS + "."
      })
  static final class ListEvents implements Callable<Integer> {
    @Option(
        names = "--type",
        paramLabel = "TYPE",
        description = "Only this Stripe event type, e.g. checkout.session.completed.")
    String type;

    @Option(
        names = "--since",
        paramLabel = "DATE",
        description = "Only events received at or after this.")
    String since;

    @Option(
        names = "--until",
        paramLabel = "DATE",
        description = "Only events received before this.")
    String until;

    @Option(
        names = "--search",
        paramLabel = "TEXT",
        description = "An event id or a Stripe object id (e.g. a session id).")
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
      EventQuery query;
      Instant now = terminal.clock().instant();
      try {
        query =
            new EventQuery(
                Optional.ofNullable(type),
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
            Page<EventRecord> page =
                store.history().events(query, Optional.ofNullable(cursor), limit);
            terminal
                .out()
                .printf(
                    "%-30s %-40s %-20s %-30s %s%n",
                    "EVENT", "TYPE", "RECEIVED", "OBJECT", "DECISIONS");
            for (EventRecord e : page.items()) {
              terminal
                  .out()
                  .printf(
                      "%-30s %-40s %-20s %-30s %s%n",
                      Terminal.shown(e.id()),
                      Terminal.shown(e.type()),
                      e.receivedAt().toString().substring(0, 19),
                      Terminal.shown(e.objectId()),
                      Terminal.shown(e.summary()));
            }
            page.next().ifPresent(n -> terminal.out().println("more: --cursor " + n));
            return 0;
          });
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Shows one event: each workflow's decision and the deliveries it planned.")
  static final class Show implements Callable<Integer> {
    @Parameters(
        paramLabel = "EVENT_ID",
        description = "The Stripe event id (evt_…), as events list prints it.")
    String id;

    Terminal terminal = Terminal.system();

    @Override
    public Integer call() {
      return StoreAccess.withStore(
          terminal,
          store -> {
            Optional<EventRecord> found = store.history().event(id);
            if (found.isEmpty()) {
              terminal.err().println("candybridge: no event " + Terminal.shown(id));
              return 1;
            }
            EventRecord e = found.get();
            terminal
                .out()
                .println("event " + Terminal.shown(e.id()) + "  " + Terminal.shown(e.type()));
            terminal.out().println("  object     " + Terminal.shown(e.objectId()));
            terminal.out().println("  created    " + Instant.ofEpochSecond(e.createdSeconds()));
            terminal.out().println("  received   " + e.receivedAt());
            terminal.out().println("  summary    " + Terminal.shown(e.summary()));
            terminal
                .out()
                .println(
                    "  payload    "
                        + (e.payload().isPresent()
                            ? "stored"
                            : "purged (older than the retention)"));
            terminal.out().println("  decisions");
            for (JsonNode d : decisions(e.decisions())) {
              terminal
                  .out()
                  .println(
                      "    "
                          + Terminal.shown(d.path("workflow").asText())
                          + ": "
                          + (d.path("matched").asBoolean() ? "planned" : "not planned")
                          + " - "
                          + Terminal.shown(d.path("reason").asText()));
            }
            terminal.out().println("  deliveries");
            var deliveries = store.deliveriesOfEvent(e.id());
            if (deliveries.isEmpty()) {
              terminal.out().println("    none");
            }
            for (Delivery d : deliveries) {
              terminal
                  .out()
                  .println(
                      "    "
                          + d.id().value()
                          + " "
                          + d.status().wireName()
                          + " "
                          + Terminal.shown(d.workflow())
                          + " "
                          + Terminal.shown(d.dedupeKey())
                          + "  (candybridge deliveries show "
                          + d.id().value()
                          + ")");
            }
            return 0;
          });
    }
  }

  private static JsonNode decisions(String json) {
    try {
      JsonNode node = JSON.readTree(json == null ? "[]" : json);
      return node.isArray() ? node : JSON.createArrayNode();
    } catch (JsonProcessingException ex) {
      return JSON.createArrayNode();
    }
  }
}
