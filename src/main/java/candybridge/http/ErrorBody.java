package candybridge.http;

/** The one JSON error shape: {@code {"error": "<code>", "detail": "<human sentence>"}}. */
public record ErrorBody(String error, String detail) {}
