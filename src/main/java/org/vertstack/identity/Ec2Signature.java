package org.vertstack.identity;

import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The signature an EC2/S3 client computes with its secret, as Keystone's ec2tokens checks it:
 * AWS signature version 2 (HmacSHA256/HmacSHA1 over verb, host, path and the sorted query) and
 * version 4 (AWS4-HMAC-SHA256, from the Authorization header or the X-Amz-* query parameters).
 */
final class Ec2Signature {

  private static final Pattern V4_HEADER = Pattern.compile(
    "AWS4-HMAC-SHA256\\s+Credential=([^,\\s]+),\\s*SignedHeaders=([^,\\s]+),\\s*Signature=([0-9a-fA-F]+)");

  private Ec2Signature() {
  }

  /** The signature the request in {@code creds} should carry when signed with {@code secret}; null when unsupported or malformed. */
  static String expected(JsonObject creds, String secret) {
    try {
      return compute(creds, secret);
    } catch (ClassCastException | IllegalArgumentException e) {
      return null; // a field of the wrong type: no signature can match
    }
  }

  private static String compute(JsonObject creds, String secret) {
    JsonObject params = creds.getJsonObject("params", new JsonObject());
    JsonObject headers = lowerCase(creds.getJsonObject("headers", new JsonObject()));
    String authorization = headers.getString("authorization");
    if (authorization != null && authorization.startsWith("AWS4-HMAC-SHA256")) {
      Matcher m = V4_HEADER.matcher(authorization);
      if (!m.find()) {
        return null;
      }
      String amzDate = headers.getString("x-amz-date");
      return v4(creds, params, headers, secret, m.group(1), m.group(2), amzDate, false);
    }
    if ("AWS4-HMAC-SHA256".equals(params.getString("X-Amz-Algorithm"))) {
      return v4(creds, params, headers, secret, params.getString("X-Amz-Credential"), params.getString("X-Amz-SignedHeaders"),
        params.getString("X-Amz-Date"), true);
    }
    String version = params.getString("SignatureVersion", "2");
    if (!"2".equals(version)) {
      return null;
    }
    String method = params.getString("SignatureMethod", "HmacSHA256");
    String algorithm = switch (method) {
      case "HmacSHA256" -> "HmacSHA256";
      case "HmacSHA1" -> "HmacSHA1";
      default -> null;
    };
    if (algorithm == null) {
      return null;
    }
    String toSign = creds.getString("verb", "") + "\n" + creds.getString("host", "") + "\n" + creds.getString("path", "") + "\n"
      + canonicalQuery(params, "Signature", false);
    return Base64.getEncoder().encodeToString(hmac(algorithm, secret.getBytes(StandardCharsets.UTF_8), toSign));
  }

  private static String v4(JsonObject creds, JsonObject params, JsonObject headers, String secret, String credential,
                           String signedHeaders, String amzDate, boolean presigned) {
    if (credential == null || signedHeaders == null || amzDate == null) {
      return null;
    }
    String[] scope = credential.split("/", 2);
    if (scope.length != 2) {
      return null;
    }
    String[] parts = scope[1].split("/");
    if (parts.length != 4) {
      return null;
    }
    StringBuilder canonicalHeaders = new StringBuilder();
    for (String name : signedHeaders.split(";")) {
      String value = headers.getString(name);
      if (value == null) {
        return null;
      }
      canonicalHeaders.append(name).append(':').append(value.trim().replaceAll("\\s+", " ")).append('\n');
    }
    String bodyHash = creds.getString("body_hash", headers.getString("x-amz-content-sha256", sha256Hex("")));
    String canonicalRequest = creds.getString("verb", "") + "\n" + creds.getString("path", "/") + "\n"
      + canonicalQuery(params, presigned ? "X-Amz-Signature" : null, true) + "\n" + canonicalHeaders + "\n" + signedHeaders + "\n" + bodyHash;
    String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope[1] + "\n" + sha256Hex(canonicalRequest);
    byte[] key = hmac("HmacSHA256", ("AWS4" + secret).getBytes(StandardCharsets.UTF_8), parts[0]);
    key = hmac("HmacSHA256", key, parts[1]);
    key = hmac("HmacSHA256", key, parts[2]);
    key = hmac("HmacSHA256", key, parts[3]);
    return HexFormat.of().formatHex(hmac("HmacSHA256", key, toSign));
  }

  /** The access key a request was signed with (v4 names it in its credential scope). */
  static String accessKey(JsonObject creds) {
    return creds.getString("access");
  }

  /** Compares the expected and given signatures in constant time. */
  static boolean matches(String expected, String given) {
    return expected != null && given != null
      && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }

  private static String canonicalQuery(JsonObject params, String skip, boolean v4) {
    Map<String, String> sorted = new TreeMap<>();
    params.forEach(e -> {
      if (!e.getKey().equals(skip)) {
        sorted.put(encode(e.getKey()), encode(String.valueOf(e.getValue())));
      }
    });
    List<String> pairs = new ArrayList<>();
    sorted.forEach((k, v) -> pairs.add(k + "=" + v));
    return String.join("&", pairs);
  }

  /** RFC 3986 encoding: everything but unreserved characters (A-Z a-z 0-9 - _ . ~). */
  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
  }

  private static JsonObject lowerCase(JsonObject headers) {
    JsonObject out = new JsonObject();
    headers.forEach(e -> out.put(e.getKey().toLowerCase(Locale.ROOT), String.valueOf(e.getValue())));
    return out;
  }

  static byte[] hmac(String algorithm, byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(key, algorithm));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String sha256Hex(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
