package org.vertstack.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dashboard's Content-Security-Policy: everything from this server only (which is also how
 * "no request to another host" is enforced by the browser), no inline script except the import
 * map of index.html, allowed by its hash. Computed once from the index.html in the jar.
 */
final class ContentSecurityPolicy {

  private static final Pattern IMPORT_MAP = Pattern.compile("<script type=\"importmap\">(.*?)</script>", Pattern.DOTALL);

  static final String HEADER = build();

  private ContentSecurityPolicy() {
  }

  private static String build() {
    String scripts = "'self'";
    try (InputStream in = ContentSecurityPolicy.class.getClassLoader().getResourceAsStream(DashboardModule.WEBROOT + "/index.html")) {
      if (in != null) {
        Matcher m = IMPORT_MAP.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        if (m.find()) {
          byte[] digest = MessageDigest.getInstance("SHA-256").digest(m.group(1).getBytes(StandardCharsets.UTF_8));
          scripts += " 'sha256-" + Base64.getEncoder().encodeToString(digest) + "'";
        }
      }
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot read the dashboard's index.html", e);
    }
    return "default-src 'self'; script-src " + scripts + "; style-src 'self'; img-src 'self' data:; "
      + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
      + "frame-ancestors 'none'";
  }
}
