package candybridge.referralcandy;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import candybridge.testing.Tries;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property tests of the ReferralCandy signer (RELIABILITY.md, fuzzing): for any parameters,
 * including odd Unicode values, it equals the documented recipe (MD5 of the secret followed by the
 * sorted {@code k=v} strings), ignores the order they come in and any {@code signature} entry, and
 * changes when any value does.
 */
class RcSignerPropertyTest {
  static Map<String, String> params(Random r) {
    Map<String, String> params = new LinkedHashMap<>();
    int n = 1 + r.nextInt(12);
    for (int i = 0; i < n; i++) {
      params.put(Tries.letters(r, 1, 20), Tries.anyString(r, 40));
    }
    return params;
  }

  @Test
  void equals_the_documented_recipe_whatever_the_order() {
    Tries.forAll(r -> equalsTheRecipe(params(r), Tries.anyString(r, 40) + "s", r));
  }

  private static void equalsTheRecipe(Map<String, String> params, String secret, Random r) {
    List<Map.Entry<String, String>> entries = new ArrayList<>(params.entrySet());
    Collections.shuffle(entries, r);
    Map<String, String> shuffled = new LinkedHashMap<>();
    entries.forEach(e -> shuffled.put(e.getKey(), e.getValue()));
    String expected = recipe(secret, params);
    assertThat(RcSigner.sign(secret, shuffled)).isEqualTo(expected).matches("[0-9a-f]{32}");
    shuffled.put("signature", "whatever");
    assertThat(RcSigner.sign(secret, shuffled))
        .as("a signature never covers itself")
        .isEqualTo(expected);
  }

  @Test
  void any_changed_value_changes_the_signature() {
    Tries.forAll(r -> changedValue(params(r), Tries.anyString(r, 40)));
  }

  private static void changedValue(Map<String, String> params, String changed) {
    String key = params.keySet().iterator().next();
    if (params.get(key).equals(changed) || key.equals("signature")) {
      return;
    }
    Map<String, String> other = new LinkedHashMap<>(params);
    other.put(key, changed);
    assertThat(RcSigner.sign("secret", other)).isNotEqualTo(RcSigner.sign("secret", params));
  }

  /** Written from the ReferralCandy reference, independently of {@link RcSigner}. */
  static String recipe(String secret, Map<String, String> params) {
    List<String> pairs = new ArrayList<>();
    params.forEach(
        (k, v) -> {
          if (!k.equals("signature")) {
            pairs.add(k + "=" + v);
          }
        });
    Collections.sort(pairs);
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("MD5")
                  .digest((secret + String.join("", pairs)).getBytes(UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
