package org.vertstack.common.policy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which rule of a policy table decides each route of an API: "METHOD /path" as the front door's
 * route inventory names it ({@code org.vertstack.common.http.RouteInventory}), mapped to a rule
 * name. A {@code *} in a route matches anything (the first match wins, so specific entries come
 * first); a {@code *} at the end of a rule stands for the rules of a route that serves several
 * collections (identity's {@code /v3/:collection}). Every rule named must exist in the table, so a
 * typo fails when the class loads; a route with no entry fails the tenant-isolation matrix.
 */
public final class RouteRules {

  private final Policy policy;
  private final Map<String, String> rules;
  private final Map<Pattern, String> patterns = new LinkedHashMap<>();

  private RouteRules(Policy policy, Map<String, String> rules) {
    this.policy = policy;
    this.rules = Collections.unmodifiableMap(rules);
    rules.forEach((route, rule) -> {
      boolean known = rule.endsWith("*")
        ? policy.expressions().keySet().stream().anyMatch(r -> r.startsWith(rule.substring(0, rule.length() - 1)))
        : policy.has(rule);
      if (!known) {
        throw new IllegalArgumentException("route " + route + " names no rule of its table: " + rule);
      }
      patterns.put(Pattern.compile(Pattern.quote(route).replace("*", "\\E.*\\Q")), rule);
    });
  }

  public static RouteRules of(Policy policy, String... routeThenRule) {
    if (routeThenRule.length % 2 != 0) {
      throw new IllegalArgumentException("routes come in route/rule pairs");
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < routeThenRule.length; i += 2) {
      if (m.put(routeThenRule[i], routeThenRule[i + 1]) != null) {
        throw new IllegalArgumentException("route " + routeThenRule[i] + " is listed twice");
      }
    }
    return new RouteRules(policy, m);
  }

  public Policy policy() {
    return policy;
  }

  /** The entries as written, for the README and tests. */
  public Map<String, String> entries() {
    return rules;
  }

  /** The rule deciding "METHOD /path", or null when the route has none. */
  public String ruleOf(String method, String path) {
    String key = method + " " + path;
    for (var e : patterns.entrySet()) {
      if (e.getKey().matcher(key).matches()) {
        return e.getValue();
      }
    }
    return null;
  }
}
