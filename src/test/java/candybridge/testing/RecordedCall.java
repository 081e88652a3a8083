package candybridge.testing;

import java.time.Instant;
import java.util.Map;

/**
 * One request as the fake ReferralCandy server received it.
 *
 * @param method the HTTP method, e.g. {@code POST}
 * @param path the request path, e.g. {@code /api/v1/purchase.json}
 * @param params query and form parameters merged and decoded, {@code signature} included
 * @param signatureValid whether the accessID is known and the signature matches
 */
public record RecordedCall(
    String method,
    String path,
    Map<String, String> params,
    boolean signatureValid,
    Instant receivedAt) {}
