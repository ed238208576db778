package org.vertstack.objectstore.proxy;

import org.vertstack.common.http.Errors;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The account, container and object of a Swift request path, decoded strictly: invalid UTF-8
 * or a NUL is a 412, an over-long name a 400, exactly as Swift answers. Names are only ever
 * hashed for storage, so "..", "/" runs and any Unicode are just names.
 */
public record SwiftPath(String account, String projectId, String container, String object) {

  public static final String PREFIX = "/object-store/v1/";
  public static final int MAX_CONTAINER_NAME = 256;
  public static final int MAX_OBJECT_NAME = 1024;

  /** Parses the raw (still percent-encoded) path after {@link #PREFIX}. */
  public static SwiftPath parse(String rawPath) {
    String rest = rawPath.substring(PREFIX.length());
    int s1 = rest.indexOf('/');
    String account = decode(s1 < 0 ? rest : rest.substring(0, s1));
    if (!account.startsWith("AUTH_") || account.length() <= 5) {
      throw Errors.of(412, "Invalid account: the path must be /v1/AUTH_<project_id>.");
    }
    String container = null;
    String object = null;
    if (s1 >= 0 && s1 + 1 < rest.length()) {
      String afterAccount = rest.substring(s1 + 1);
      int s2 = afterAccount.indexOf('/');
      container = decode(s2 < 0 ? afterAccount : afterAccount.substring(0, s2));
      if (s2 >= 0 && s2 + 1 < afterAccount.length()) {
        object = decode(afterAccount.substring(s2 + 1));
      }
      if (container.isEmpty()) {
        throw Errors.of(412, "Invalid container name: it is empty.");
      }
      if (container.getBytes(StandardCharsets.UTF_8).length > MAX_CONTAINER_NAME) {
        throw Errors.badRequest("Container name length of " + container.getBytes(StandardCharsets.UTF_8).length
          + " longer than " + MAX_CONTAINER_NAME);
      }
      if (object != null) {
        checkObjectName(object);
      }
    }
    return new SwiftPath(account, account.substring(5), container, object);
  }

  public static void checkObjectName(String object) {
    int len = object.getBytes(StandardCharsets.UTF_8).length;
    if (len > MAX_OBJECT_NAME) {
      throw Errors.badRequest("Object name length of " + len + " longer than " + MAX_OBJECT_NAME);
    }
  }

  /** Percent-decodes as strict UTF-8; '+' stays '+' (it is a path, not a form). */
  public static String decode(String raw) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          throw Errors.of(412, "Invalid UTF8 or contains NULL");
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw Errors.of(412, "Invalid UTF8 or contains NULL");
        }
        bytes.write(hi * 16 + lo);
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        if (Character.isHighSurrogate(c) && i + 1 < raw.length()) {
          b = raw.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
          i++;
        }
        bytes.writeBytes(b);
      }
    }
    return utf8(bytes.toByteArray());
  }

  /** Strict UTF-8 without NUL, else 412. */
  public static String utf8(byte[] b) {
    String s;
    try {
      s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      throw Errors.of(412, "Invalid UTF8 or contains NULL");
    }
    if (s.indexOf('\0') >= 0) {
      throw Errors.of(412, "Invalid UTF8 or contains NULL");
    }
    return s;
  }

  /** Parses "container/object" (as in X-Copy-From, X-Object-Manifest, SLO paths), leading slash optional. */
  public static String[] containerAndObject(String value, boolean objectRequired) {
    String v = decode(value.startsWith("/") ? value.substring(1) : value);
    int slash = v.indexOf('/');
    if (slash <= 0 || (objectRequired && slash == v.length() - 1)) {
      throw Errors.of(412, "The value must be of the form /container/object.");
    }
    String object = v.substring(slash + 1);
    checkObjectName(object);
    return new String[] {v.substring(0, slash), object};
  }

  public String fullName() {
    return "/" + account + (container == null ? "" : "/" + container + (object == null ? "" : "/" + object));
  }
}
