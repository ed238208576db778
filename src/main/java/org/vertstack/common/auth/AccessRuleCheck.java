package org.vertstack.common.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Application-credential access rules, enforced where a token is checked (as keystonemiddleware
 * does): a token issued with a credential that lists rules may only make the requests a rule
 * names, by service type, HTTP method and path ({@code *} one path segment, {@code **} any
 * number of trailing segments). A credential without rules is unrestricted.
 */
public final class AccessRuleCheck {

  private AccessRuleCheck() {
  }

  /**
   * @param serviceType the catalog type of the API serving the request (its mount point's name)
   * @param path        the request path below the service's endpoint, such as /v2.1/servers
   */
  public static boolean allows(AuthContext auth, String serviceType, String method, String path) {
    Object credential = auth.toJson().getValue("application_credential");
    if (!(credential instanceof JsonObject c) || !(c.getValue("access_rules") instanceof JsonArray rules) || rules.isEmpty()) {
      return true;
    }
    for (Object o : rules) {
      if (o instanceof JsonObject rule && serviceType.equals(rule.getString("service"))
        && method.equalsIgnoreCase(rule.getString("method")) && pathMatches(rule.getString("path", ""), path)) {
        return true;
      }
    }
    return false;
  }

  static boolean pathMatches(String template, String path) {
    String[] want = trim(template).split("/", -1);
    String[] got = trim(path).split("/", -1);
    for (int i = 0; i < want.length; i++) {
      if ("**".equals(want[i])) {
        return i == want.length - 1 && got.length > i;
      }
      if (i >= got.length || !("*".equals(want[i]) ? !got[i].isEmpty() : want[i].equals(got[i]))) {
        return false;
      }
    }
    return want.length == got.length;
  }

  private static String trim(String p) {
    String s = p.startsWith("/") ? p.substring(1) : p;
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
