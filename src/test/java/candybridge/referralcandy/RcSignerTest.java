package candybridge.referralcandy;

import static candybridge.referralcandy.TestVectors.SECRET;
import static candybridge.referralcandy.TestVectors.tv4Purchase;
import static candybridge.referralcandy.TestVectors.tv5Purchase;
import static candybridge.referralcandy.TestVectors.tv5bPurchase;
import static candybridge.referralcandy.TestVectors.with;
import static candybridge.referralcandy.TestVectors.withAuth;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RcSignerTest {

  static Stream<Arguments> vectors() {
    Map<String, String> tv4 = withAuth(tv4Purchase(), "1700000100");
    return Stream.of(
        Arguments.of(
            "TV1 doc sample",
            "APISECRETKEY",
            Map.of("timestamp", "1296664909", "accessID", "acihijaklscj", "name", "john"),
            "04535fe455e9f77a90c06e81d7888569"),
        Arguments.of(
            "TV2 Ruby gem spec",
            "access_token",
            Map.of("name", "john", "accessID", "access_id", "timestamp", "1"),
            "25cb1ed0c5e9e64f09fa4db9ed7ff156"),
        Arguments.of(
            "TV3 verify",
            SECRET,
            withAuth(Map.of(), "1700000000"),
            "10ba9c4c49515e0151cad52e0ef26f8a"),
        Arguments.of("TV4 purchase", SECRET, tv4, "56b297c7e3e8e631aceea9acbb8f5962"),
        Arguments.of(
            "TV4 amount 49.990",
            SECRET,
            with(tv4, "invoice_amount", "49.990"),
            "1c5b2a06a426335364277efe68684651"),
        Arguments.of(
            "TV4 amount 4999",
            SECRET,
            with(tv4, "invoice_amount", "4999"),
            "5a7c39c0cf3590e044b4819dcbe5c3b5"),
        Arguments.of(
            "TV5 empty values, UTF-8 José",
            SECRET,
            withAuth(tv5Purchase(), "1700000200"),
            "bfc8c8134002ac638b8e5312522b4fcf"),
        Arguments.of(
            "TV5b empty values left out",
            SECRET,
            withAuth(tv5bPurchase(), "1700000200"),
            "00a84c6246a65ea6810fb2f06513e4d8"),
        Arguments.of(
            "TV6 referral returned",
            SECRET,
            withAuth(
                Map.of(
                    "customer_email",
                    "jane.doe+rc@example.com",
                    "returned",
                    "true",
                    "notify",
                    "false"),
                "1700000300"),
            "d9c96fc89ed1044bd46dbc5b7494a33b"),
        Arguments.of(
            "sort-divergence demo: k=v strings, not keys",
            SECRET,
            withAuth(Map.of("a", "x", "a1", "y"), "1700000000"),
            "fde7c9dcbd378d890d92e0154758f764"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void signs_the_reference_test_vectors(
      String name, String secret, Map<String, String> params, String expected) {
    assertThat(RcSigner.sign(secret, params)).isEqualTo(expected);
  }

  @Test
  void digests_utf8_not_latin1() {
    String signature = RcSigner.sign(SECRET, withAuth(tv5Purchase(), "1700000200"));

    assertThat(signature).isNotEqualTo("564fcf744a99926f6f6b622e33944851");
  }

  @Test
  void leaves_a_signature_parameter_out_of_the_signature() {
    Map<String, String> tv4 = withAuth(tv4Purchase(), "1700000100");

    assertThat(RcSigner.sign(SECRET, with(tv4, "signature", "anything")))
        .isEqualTo("56b297c7e3e8e631aceea9acbb8f5962");
  }
}
