package candybridge.cli;

import candybridge.delivery.DeliveryId;
import candybridge.delivery.DeliveryQuery;
import candybridge.delivery.DeliveryStatus;
import candybridge.delivery.Replay;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "replay",
    header = "Sends deliveries again: by id, or all with a --status.",
    mixinStandardHelpOptions = true,
    description = {
      "Sends deliveries again: the given ids, or every one with --status (failed, in_doubt,"
          + " delivered). A running serve picks them up within a second. A replay is one attempt:"
          + " if it fails it is not retried automatically."
    })
final class ReplayCommand implements Callable<Integer> {
  @Parameters(
      paramLabel = "ID",
      arity = "0..*",
      description = "Deliveries to send again (or --status instead).")
  List<Long> ids = List.of();

  @Option(
      names = "--status",
      split = ",",
      paramLabel = "STATUS",
      description =
          "Replay every delivery in these statuses, comma-separated: failed, in_doubt, delivered.")
  Set<String> statuses = Set.of();

  Terminal terminal = Terminal.system();

  @Override
  public Integer call() {
    if (ids.isEmpty() == statuses.isEmpty()) {
      terminal
          .err()
          .println(
              "candybridge: give delivery ids or --status (failed,in_doubt,delivered), not both");
      return 2;
    }
    Set<DeliveryStatus> parsed;
    try {
      parsed =
          statuses.stream()
              .map(s -> DeliveryStatus.fromWireName(s.strip()))
              .collect(Collectors.toSet());
    } catch (IllegalArgumentException e) {
      terminal.err().println("candybridge: unknown status in " + statuses);
      return 2;
    }
    if (parsed.stream().anyMatch(s -> !s.isReplayable())) {
      terminal
          .err()
          .println("candybridge: only failed, in_doubt and delivered deliveries can be replayed");
      return 2;
    }
    return StoreAccess.withStore(
        terminal,
        store -> {
          Replay replay = new Replay(store, terminal.clock(), () -> {});
          if (!parsed.isEmpty()) {
            int n = replay.replayMatching(DeliveryQuery.all().withStatuses(parsed));
            terminal.out().println("replayed " + n + " deliveries");
            return 0;
          }
          int code = 0;
          for (long id : ids) {
            Replay.Result r = replay.replay(new DeliveryId(id));
            switch (r.outcome()) {
              case DONE -> terminal.out().println("delivery " + id + ": replayed");
              case NOT_FOUND -> {
                terminal.err().println("delivery " + id + ": no such delivery");
                code = 1;
              }
              case CONFLICT -> {
                terminal
                    .err()
                    .println(
                        "delivery "
                            + id
                            + ": is "
                            + r.delivery().map(d -> d.status().wireName()).orElse("?")
                            + ", only failed, in_doubt or delivered ones can be replayed");
                code = 1;
              }
            }
          }
          return code;
        });
  }
}
