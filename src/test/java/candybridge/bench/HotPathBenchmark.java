package candybridge.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import candybridge.config.Secret;
import candybridge.referralcandy.RcCall;
import candybridge.referralcandy.RcSigner;
import candybridge.stripe.InvalidEventException;
import candybridge.stripe.InvalidSignatureException;
import candybridge.stripe.StripeEvent;
import candybridge.stripe.StripeEventParser;
import candybridge.stripe.StripeSignatureVerifier;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.SyntheticEvents;
import candybridge.workflow.EventView;
import candybridge.workflow.Lookups;
import candybridge.workflow.Plan;
import candybridge.workflow.Workflow;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU of one webhook and one delivery, without I/O: Stripe signature check, event parse,
 * workflow mapping, ReferralCandy signing. Run with {@code bench/jmh.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HotPathBenchmark {
  private byte[] body;
  private String header;
  private StripeSignatureVerifier verifier;
  private final StripeEventParser parser = new StripeEventParser();
  private final Workflow workflow = Workflow.defaults();
  private final Lookups lookups = Lookups.atIngest(false);
  private StripeEvent event;
  private Map<String, String> rcParams;

  @Setup
  public void setUp() throws InvalidEventException {
    long now = System.currentTimeMillis() / 1000;
    body = SyntheticEvents.checkoutCompleted("evt_jmh_1", "cs_jmh_1", now).getBytes(UTF_8);
    header = StripeWebhooks.sign(body, StripeWebhooks.SECRET, now);
    verifier =
        new StripeSignatureVerifier(List.of(new Secret(StripeWebhooks.SECRET)), Clock.systemUTC());
    event = parser.parse(body);
    RcCall call = workflow.plan(EventView.of(event), lookups).deliveries().get(0).call();
    rcParams = new TreeMap<>(call.params());
    rcParams.put("accessID", "jmh-access-id");
    rcParams.put("timestamp", Long.toString(now));
  }

  @Benchmark
  public boolean stripeSignatureCheck() throws InvalidSignatureException {
    verifier.verify(body, header);
    return true;
  }

  @Benchmark
  public StripeEvent eventParse() throws InvalidEventException {
    return parser.parse(body);
  }

  @Benchmark
  public Plan eventParseAndMapping() throws InvalidEventException {
    return workflow.plan(EventView.of(parser.parse(body)), lookups);
  }

  @Benchmark
  public String referralCandySigning() {
    return RcSigner.sign("jmh-secret", rcParams);
  }
}
