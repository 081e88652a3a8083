package candybridge.referralcandy;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One planned ReferralCandy call: the method and the business parameters, exactly as they will be
 * sent and signed. The authentication parameters ({@code accessID}, {@code timestamp}, {@code
 * signature}) are added by the client at send time and are never part of a call.
 */
public record RcCall(RcMethod method, SortedMap<String, String> params) {
  public RcCall {
    requireNonNull(method, "method == null");
    requireNonNull(params, "params == null");
    params.forEach(
        (k, v) -> {
          requireNonNull(v, () -> "value of " + k + " == null");
          if (k.equals("accessID") || k.equals("timestamp") || k.equals("signature")) {
            throw new IllegalArgumentException(k + " is added by the client, not planned");
          }
        });
    params = Collections.unmodifiableSortedMap(new TreeMap<>(params));
  }

  public static RcCall of(RcMethod method, Map<String, String> params) {
    return new RcCall(method, new TreeMap<>(params));
  }
}
