package org.vertstack.common.http;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The first handler of every API router ({@link ApiKit#apiRouter}): a path or query that holds a
 * NUL byte (raw or %00) or is not UTF-8 is refused with a 400 in the API's format before any
 * service code runs (PostgreSQL would refuse the NUL with a 500, and U+FFFD would be stored).
 */
public final class InputGuard implements Handler<RoutingContext> {

  @Override
  public void handle(RoutingContext ctx) {
    String raw = ctx.request().uri();
    int q = raw.indexOf('?');
    if (!acceptable(q < 0 ? raw : raw.substring(0, q))) {
      ctx.fail(Errors.badRequest("The request path contains a NUL byte or is not UTF-8."));
      return;
    }
    if (q >= 0) {
      String query = raw.substring(q + 1).replace('+', ' ');
      for (String pair : query.split("&")) {
        if (!acceptable(pair)) {
          ctx.fail(Errors.badRequest("A query parameter contains a NUL byte or is not UTF-8."));
          return;
        }
      }
    }
    MultiMap headers = ctx.request().headers();
    for (var h : headers) {
      if (h.getValue().indexOf('\0') >= 0) {
        ctx.fail(Errors.badRequest("A header contains a NUL byte."));
        return;
      }
    }
    ctx.next();
  }

  /** A percent-encoded URI part that decodes to UTF-8 without NUL (a malformed escape is refused too). */
  static boolean acceptable(String encoded) {
    if (encoded.indexOf('\0') >= 0) {
      return false;
    }
    if (encoded.indexOf('%') < 0) {
      return true;
    }
    ByteBuffer bytes = ByteBuffer.allocate(encoded.length() * 3);
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%') {
        if (i + 2 >= encoded.length()) {
          return false;
        }
        int hi = Character.digit(encoded.charAt(i + 1), 16);
        int lo = Character.digit(encoded.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return false;
        }
        int b = hi * 16 + lo;
        if (b == 0) {
          return false;
        }
        bytes.put((byte) b);
        i += 2;
      } else {
        bytes.put(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    bytes.flip();
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes);
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
