package candybridge.app;

import candybridge.config.Config;
import candybridge.config.ConfigException;
import candybridge.config.ConfigLoader;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command line: {@code candybridge serve}. Exit codes: 0 ok, 1 operational failure, 2 bad usage. */
@Command(
    name = "candybridge",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Registers every paid Stripe Checkout session as exactly one ReferralCandy purchase.",
    subcommands = {Main.Serve.class})
public final class Main implements Callable<Integer> {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    return new CommandLine(new Main()).execute(args);
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, System.err);
    return 2;
  }

  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description = {
        "Runs the service: the Stripe webhook, the delivery worker, health and readiness.",
        "Configured by environment variables; see the README."
      })
  static final class Serve implements Callable<Integer> {
    @Override
    public Integer call() throws InterruptedException {
      Config config;
      try {
        config = ConfigLoader.fromEnv(System.getenv());
      } catch (ConfigException e) {
        System.err.println("candybridge: " + e.getMessage());
        return 2;
      }
      App app;
      try {
        app = App.start(config, Clock.systemUTC(), App.Options.production());
      } catch (RuntimeException e) {
        System.err.println("candybridge: could not start: " + e.getMessage());
        return 1;
      }
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    app.close();
                    stopped.countDown();
                  },
                  "shutdown"));
      stopped.await();
      return 0;
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"candybridge " + (v == null ? "dev" : v)};
    }
  }
}
