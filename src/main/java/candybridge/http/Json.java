package candybridge.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;

/** Writes JSON responses; the HTTP layer's only serializer. */
public final class Json {
  private final ObjectMapper mapper = new ObjectMapper();

  public void respond(Context ctx, int status, Object body) {
    ctx.status(status).contentType("application/json").result(bytes(body));
  }

  byte[] bytes(Object body) {
    try {
      return mapper.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("response body does not serialise: " + body.getClass(), e);
    }
  }

  public void error(Context ctx, int status, String code, String detail) {
    respond(ctx, status, new ErrorBody(code, detail));
  }
}
