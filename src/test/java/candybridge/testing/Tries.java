package candybridge.testing;

import java.util.Random;
import java.util.function.Consumer;

/**
 * Property testing without a framework: runs a check on many random inputs from a seeded {@link
 * Random}, and names the seed of the first failing try so it can be repeated. The number of tries
 * is {@code -Dcandybridge.tries} (200 by default; the reliability profile sets 10,000); {@code
 * -Dcandybridge.seed} fixes the first seed.
 */
public final class Tries {
  private Tries() {}

  public static int count() {
    return Integer.getInteger("candybridge.tries", 200);
  }

  public static void forAll(Consumer<Random> check) {
    long base = Long.getLong("candybridge.seed", System.nanoTime());
    int n = count();
    for (int i = 0; i < n; i++) {
      long seed = base + i;
      try {
        check.accept(new Random(seed));
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(
            "failed on try " + (i + 1) + " of " + n + "; repeat with -Dcandybridge.seed=" + seed,
            e);
      }
    }
  }

  /**
   * A string of up to {@code max} characters drawn from all of Unicode's BMP, including controls.
   */
  public static String anyString(Random r, int max) {
    int length = r.nextInt(max + 1);
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append(r.nextInt(10) < 7 ? (char) (32 + r.nextInt(95)) : (char) r.nextInt(0xD800));
    }
    return s.toString();
  }

  /** Letters only, {@code min}..{@code max} long. */
  public static String letters(Random r, int min, int max) {
    int length = min + r.nextInt(max - min + 1);
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append((char) ((r.nextBoolean() ? 'a' : 'A') + r.nextInt(26)));
    }
    return s.toString();
  }

  public static byte[] bytes(Random r, int min, int max) {
    byte[] b = new byte[min + r.nextInt(max - min + 1)];
    r.nextBytes(b);
    return b;
  }
}
