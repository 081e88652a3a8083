package candybridge.cli;

import candybridge.delivery.DeliveryId;
import candybridge.delivery.Replay;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "resolve",
    header = "Settles an in-doubt delivery: mark it sent, or send it again.",
    mixinStandardHelpOptions = true,
    description = {
      "Resolves an in-doubt delivery (the process died mid-call): --as sent when ReferralCandy",
      "shows the purchase (marks it delivered, sends nothing), --as resend when it does not."
    })
final class ResolveCommand implements Callable<Integer> {
  @Parameters(paramLabel = "ID") long id;

  @Option(names = "--as", required = true, description = "sent or resend") String as;

  Terminal terminal = Terminal.system();

  @Override
  public Integer call() {
    java.util.Optional<Replay.Resolution> parsed = Replay.Resolution.parse(as);
    if (parsed.isEmpty()) {
      terminal.err().println("candybridge: --as must be sent or resend");
      return 2;
    }
    Replay.Resolution how = parsed.get();
    return StoreAccess.withStore(terminal, store -> {
      Replay.Result r = new Replay(store, terminal.clock(), () -> {}).resolve(new DeliveryId(id), how);
      return switch (r.outcome()) {
        case DONE -> {
          terminal.out().println("delivery " + id + ": " + (how == Replay.Resolution.SENT ? "resolved as sent" : "queued to resend"));
          yield 0;
        }
        case NOT_FOUND -> {
          terminal.err().println("delivery " + id + ": no such delivery");
          yield 1;
        }
        case CONFLICT -> {
          terminal.err().println("delivery " + id + ": is " + r.delivery().map(d -> d.status().wireName()).orElse("?")
              + ", only in_doubt deliveries are resolved");
          yield 1;
        }
      };
    });
  }
}
