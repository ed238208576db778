package org.vertstack.common.policy;

import io.vertx.core.Future;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.http.Errors;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * A policy table: rule names ({@code identity:update_user}) mapped to expressions over the
 * caller's personas and the target, in the spirit of Keystone's and Nova's policy defaults:
 *
 * <pre>system_admin or (domain_admin and not target.cloud_user)</pre>
 *
 * Words: {@code and}, {@code or}, {@code not}, parentheses, and these checks:
 * <ul>
 *   <li>{@code system_admin}, {@code system_member}, {@code system_reader}: the role on the system
 *       scope, or on the bootstrap admin project (see {@link AuthContext#cloudScoped()});</li>
 *   <li>{@code domain_admin}, {@code domain_member}, {@code domain_reader}: the role, on a token
 *       scoped to the target's domain;</li>
 *   <li>{@code project_admin}, {@code project_member}, {@code project_reader}: the role, on a
 *       token scoped to the target's project;</li>
 *   <li>{@code owner}: the caller is the target's user;</li>
 *   <li>{@code reseller_admin}: the caller has Swift's {@code ResellerAdmin} role on its token's
 *       scope (Swift's keystoneauth: it acts on every account and alone sets account quotas);</li>
 *   <li>{@code token_domain}: the target's domain is the token's domain, its project's domain or
 *       its user's domain;</li>
 *   <li>{@code actor_in_domain}: the user or group being granted or added belongs to the domain
 *       the token is scoped to;</li>
 *   <li>{@code system_scoped}: the token is system-scoped (not the admin project);</li>
 *   <li>{@code authenticated}: any valid token;</li>
 *   <li>{@code anyone}: no token needed (version documents, Swift's /info);</li>
 *   <li>{@code reader}, {@code member}: the role on whatever the token is scoped to (a listing
 *       filtered by the service to what the caller may see);</li>
 *   <li>{@code target.NAME}: a fact the service set on the target ({@link Target#flag}).</li>
 * </ul>
 * Expressions are parsed when the table is built, so a typo fails at start-up, not at request
 * time. A denial is Keystone's 403 naming the rule.
 */
public final class Policy {

  private static final Map<String, BiPredicate<AuthContext, Target>> CHECKS = Map.ofEntries(
    Map.entry("anyone", (c, t) -> true),
    Map.entry("authenticated", (c, t) -> c.userId() != null),
    Map.entry("reader", (c, t) -> c.canRead()),
    Map.entry("member", (c, t) -> c.canWrite()),
    Map.entry("system_admin", (c, t) -> c.isSystemAdmin()),
    Map.entry("system_member", (c, t) -> c.isSystemMember()),
    Map.entry("system_reader", (c, t) -> c.isSystemReader()),
    Map.entry("system_scoped", (c, t) -> c.systemScoped()),
    Map.entry("domain_admin", (c, t) -> c.isDomainAdmin(t.string("domain_id"))),
    Map.entry("domain_member", (c, t) -> c.isDomainMember(t.string("domain_id"))),
    Map.entry("domain_reader", (c, t) -> c.isDomainReader(t.string("domain_id"))),
    Map.entry("project_admin", (c, t) -> c.isProjectAdmin(t.string("project_id"))),
    Map.entry("project_member", (c, t) -> c.isProjectMember(t.string("project_id"))),
    Map.entry("project_reader", (c, t) -> c.isProjectReader(t.string("project_id"))),
    // Swift's reseller admin (keystoneauth's reseller_admin_role): acts on every account
    Map.entry("reseller_admin", (c, t) -> c.roleNames().stream().anyMatch("ResellerAdmin"::equalsIgnoreCase)),
    Map.entry("owner", (c, t) -> t.string("user_id") != null && t.string("user_id").equals(c.userId())),
    Map.entry("token_domain", (c, t) -> {
      String d = t.string("domain_id");
      return d != null && (d.equals(c.domainId()) || d.equals(c.projectDomainId()) || d.equals(c.userDomainId()));
    }),
    Map.entry("actor_in_domain", (c, t) -> c.domainId() != null && c.domainId().equals(t.string("actor_domain_id"))));

  /** A request without a token: no user, no roles, no scope. */
  private static final AuthContext NOBODY = new AuthContext(new io.vertx.core.json.JsonObject());

  /**
   * A compiled expression: its value for one target, and over all targets whether some target
   * could let the caller through ({@code possible}) and whether every one does ({@code certain}).
   */
  private interface Rule {
    boolean test(AuthContext caller, Target target);

    boolean possible(AuthContext caller);

    boolean certain(AuthContext caller);
  }

  private static Rule rule(BiPredicate<AuthContext, Target> test, java.util.function.Predicate<AuthContext> possible,
                           java.util.function.Predicate<AuthContext> certain) {
    return new Rule() {
      @Override
      public boolean test(AuthContext caller, Target target) {
        return test.test(caller, target);
      }

      @Override
      public boolean possible(AuthContext caller) {
        return possible.test(caller);
      }

      @Override
      public boolean certain(AuthContext caller) {
        return certain.test(caller);
      }
    };
  }

  /** Checks that read only the caller: the same for every target. */
  private static final java.util.Set<String> CALLER_ONLY = java.util.Set.of("anyone", "authenticated", "reader", "member",
    "system_admin", "system_member", "system_reader", "system_scoped", "reseller_admin");

  /**
   * For a check that reads the target: the target most favourable to the caller (its own domain,
   * project and user), so that "possible" is false only when no target at all would do.
   */
  private static Target favourable(AuthContext c) {
    String domain = c.domainId() != null ? c.domainId() : c.projectDomainId() != null ? c.projectDomainId() : c.userDomainId();
    return Target.project(c.projectId(), domain).with("user_id", c.userId()).with("actor_domain_id", c.domainId());
  }

  private final Map<String, String> expressions;
  private final Map<String, Rule> rules = new LinkedHashMap<>();

  private Policy(Map<String, String> expressions) {
    this.expressions = Collections.unmodifiableMap(expressions);
    expressions.forEach((name, expression) -> {
      try {
        rules.put(name, new Parser(expression).parse());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("policy rule " + name + ": " + e.getMessage(), e);
      }
    });
  }

  /** A table from name/expression pairs, kept in the order given (the README shows it so). */
  public static Policy of(String... nameThenExpression) {
    if (nameThenExpression.length % 2 != 0) {
      throw new IllegalArgumentException("rules come in name/expression pairs");
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < nameThenExpression.length; i += 2) {
      if (m.put(nameThenExpression[i], nameThenExpression[i + 1]) != null) {
        throw new IllegalArgumentException("policy rule " + nameThenExpression[i] + " is defined twice");
      }
    }
    return new Policy(m);
  }

  /** The rules as written, for documentation and tests. */
  public Map<String, String> expressions() {
    return expressions;
  }

  /** Whether the caller (null: no token) may; an unknown rule is a programming error. */
  public boolean allowed(AuthContext caller, String rule, Target target) {
    Rule r = rules.get(rule);
    if (r == null) {
      throw new IllegalArgumentException("no policy rule " + rule);
    }
    return r.test(caller == null ? NOBODY : caller, target);
  }

  /**
   * Whether any target at all could let the caller through: false means the answer is 403
   * whatever the request names, which an API may say before it reads the request (Keystone
   * enforces policy before it validates a body).
   */
  public boolean possiblyAllowed(AuthContext caller, String rule) {
    Rule r = rules.get(rule);
    if (r == null) {
      throw new IllegalArgumentException("no policy rule " + rule);
    }
    return r.possible(caller == null ? NOBODY : caller);
  }

  public boolean has(String rule) {
    return rules.containsKey(rule);
  }

  /** Throws Keystone's 403 unless allowed; for code that already runs inside a guarded block. */
  public void check(AuthContext caller, String rule, Target target) {
    if (!allowed(caller, rule, target)) {
      throw denied(rule);
    }
  }

  /** The one call handlers and services make: a failed future with the 403 unless allowed. */
  public Future<Void> authorize(AuthContext caller, String rule, Target target) {
    return allowed(caller, rule, target) ? Future.succeededFuture() : Future.failedFuture(denied(rule));
  }

  public static RuntimeException denied(String rule) {
    return Errors.forbidden("You are not authorized to perform the requested action: " + rule + ".");
  }

  /** expr := term ("or" term)* ; term := factor ("and" factor)* ; factor := "not" factor | "(" expr ")" | check */
  private static final class Parser {
    private final List<String> tokens = new ArrayList<>();
    private int pos;

    Parser(String expression) {
      for (String word : expression.replace("(", " ( ").replace(")", " ) ").trim().split("\\s+")) {
        if (!word.isEmpty()) {
          tokens.add(word);
        }
      }
    }

    Rule parse() {
      Rule r = expr();
      if (pos != tokens.size()) {
        throw new IllegalArgumentException("unexpected '" + tokens.get(pos) + "'");
      }
      return r;
    }

    private Rule expr() {
      Rule left = term();
      while (peek("or")) {
        pos++;
        Rule a = left;
        Rule b = term();
        left = rule((c, t) -> a.test(c, t) || b.test(c, t), c -> a.possible(c) || b.possible(c), c -> a.certain(c) || b.certain(c));
      }
      return left;
    }

    private Rule term() {
      Rule left = factor();
      while (peek("and")) {
        pos++;
        Rule a = left;
        Rule b = factor();
        left = rule((c, t) -> a.test(c, t) && b.test(c, t), c -> a.possible(c) && b.possible(c), c -> a.certain(c) && b.certain(c));
      }
      return left;
    }

    private Rule factor() {
      if (pos >= tokens.size()) {
        throw new IllegalArgumentException("unexpected end of rule");
      }
      String word = tokens.get(pos++);
      switch (word) {
        case "not" -> {
          Rule inner = factor();
          return rule((c, t) -> !inner.test(c, t), c -> !inner.certain(c), c -> !inner.possible(c));
        }
        case "(" -> {
          Rule inner = expr();
          if (!peek(")")) {
            throw new IllegalArgumentException("missing ')'");
          }
          pos++;
          return inner;
        }
        default -> {
          if (word.startsWith("target.") && word.length() > 7) {
            String flag = word.substring(7);
            return rule((c, t) -> t.is(flag), c -> true, c -> false);
          }
          BiPredicate<AuthContext, Target> check = CHECKS.get(word);
          if (check == null) {
            throw new IllegalArgumentException("unknown check '" + word + "'");
          }
          if (CALLER_ONLY.contains(word)) {
            return rule(check, c -> check.test(c, Target.none()), c -> check.test(c, Target.none()));
          }
          return rule(check, c -> check.test(c, favourable(c)), c -> false);
        }
      }
    }

    private boolean peek(String word) {
      return pos < tokens.size() && tokens.get(pos).equals(word);
    }
  }
}
