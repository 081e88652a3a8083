package candybridge.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line. Commands are thin: they parse, call the same use cases as the HTTP side, and
 * render. Exit codes: 0 ok, 1 operational failure, 2 bad usage or configuration.
 */
@Command(
    name = "candybridge",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 110,
    versionProvider = Cli.Version.class,
    description = "Registers every paid Stripe Checkout session as exactly one ReferralCandy purchase.",
    subcommands = {
      ServeCommand.class,
      DryRunCommand.class,
      DeliveriesCommand.class,
      ReplayCommand.class,
      ResolveCommand.class,
      PurgeCommand.class,
      CheckConfigCommand.class,
      ConnectStripeCommand.class,
      BackfillCommand.class, MigrateStoreCommand.class,
      DemoCommand.class
    })
public final class Cli implements Callable<Integer> {

  /** Runs the command line and returns the exit code. */
  public static int run(String... args) {
    return new CommandLine(new Cli()).execute(args);
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, System.err);
    return 2;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Cli.class.getPackage().getImplementationVersion();
      return new String[] {"candybridge " + (v == null ? "dev" : v)};
    }
  }
}
