package candybridge.cli;

import candybridge.config.DurationText;
import candybridge.delivery.PurgeResult;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "purge",
    header = "Applies the retention now: forgets old data.",
    mixinStandardHelpOptions = true,
    description = {
      "Forgets event payloads, delivery parameters and attempts older than the retention"
          + " (CANDYBRIDGE_RETENTION, default 30d; serve also does this daily). Event ids and dedupe"
          + " keys are kept, so a late Stripe redelivery is still recognised as a duplicate. Work"
          + " still pending or in doubt is never purged."
    })
final class PurgeCommand implements Callable<Integer> {
  @Option(
      names = "--older-than",
      paramLabel = "AGE",
      description = "Forget data older than this instead of the retention, e.g. 45d.")
  String olderThan;

  Terminal terminal = Terminal.system();

  @Override
  public Integer call() {
    Duration retention;
    try {
      retention =
          DurationText.parse(
              olderThan != null
                  ? olderThan
                  : terminal.env().getOrDefault("CANDYBRIDGE_RETENTION", "30d"));
    } catch (IllegalArgumentException e) {
      terminal.err().println("candybridge: retention: " + e.getMessage());
      return 2;
    }
    return StoreAccess.withStore(
        terminal,
        store -> {
          PurgeResult r = store.purge(terminal.clock().instant().minus(retention));
          terminal
              .out()
              .println(
                  "purged data older than "
                      + DurationText.format(retention)
                      + ": "
                      + r.payloadsCleared()
                      + " event payloads, "
                      + r.deliveriesCleared()
                      + " delivery parameter sets, "
                      + r.attemptsDeleted()
                      + " attempts");
          return 0;
        });
  }
}
