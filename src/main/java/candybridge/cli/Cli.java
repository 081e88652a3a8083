package candybridge.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
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
    usageHelpWidth = Cli.WIDTH,
    versionProvider = Cli.Version.class,
    description =
        "Registers every paid Stripe Checkout session as exactly one ReferralCandy purchase.",
    subcommands = {
      ServeCommand.class,
      DryRunCommand.class,
      EventsCommand.class,
      DeliveriesCommand.class,
      ReplayCommand.class,
      ResolveCommand.class,
      PurgeCommand.class,
      CheckConfigCommand.class,
      ConnectStripeCommand.class,
      BackfillCommand.class,
      MigrateStoreCommand.class,
      BackupCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Cli implements Callable<Integer> {
  /**
   * Help is laid out for 80 columns, whatever the terminal: picocli wraps each description
   * paragraph (one string each) at word boundaries, and CliHelpTest checks every command's help
   * fits.
   */
  static final int WIDTH = 80;

  /** Runs the command line and returns the exit code. */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /** The command tree, every command's help laid out for {@value #WIDTH} columns. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Cli());
    cli.setUsageHelpWidth(WIDTH);
    cli.setUsageHelpAutoWidth(false);
    return cli;
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, System.err);
    return 2;
  }

  /**
   * {@code candybridge <version> (commit <sha>)}, from {@code candybridge/build.properties}, which
   * the build writes (pom.xml, maven-antrun-plugin). A build outside git says {@code unknown}.
   */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {line(Cli.class.getResourceAsStream("/candybridge/build.properties"))};
    }

    static String line(InputStream buildProperties) {
      Properties p = new Properties();
      if (buildProperties != null) {
        try (InputStream in = buildProperties) {
          p.load(in);
        } catch (IOException e) {
          // unreadable: the defaults below
        }
      }
      String version = p.getProperty("version", "").strip();
      String commit = p.getProperty("commit", "").strip();
      return "candybridge "
          + (version.isEmpty() ? "dev" : version)
          + " (commit "
          + (commit.isEmpty() ? "unknown" : commit)
          + ")";
    }
  }
}
