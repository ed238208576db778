package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.http.Errors;
import org.vertstack.common.policy.IdentityPolicy;
import org.vertstack.common.policy.Target;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Domain-specific configuration (/v3/domains/{id}/config[/{group}[/{option}]]): the identity
 * and ldap options Keystone lets a domain override, stored per domain. This cloud keeps every
 * domain's users in its own database; the stored configuration is what an operator declared.
 */
final class DomainConfigs implements Extension {

  /** Keystone's whitelisted options per group, with the defaults shown by /v3/domains/config/default (only ever copied out). */
  private static final Map<String, JsonObject> DEFAULTS = defaultOptions();

  private static Map<String, JsonObject> defaultOptions() {
    Map<String, JsonObject> defaults = new LinkedHashMap<>();
    defaults.put("identity", new JsonObject().put("driver", "sql").put("list_limit", (Object) null));
    JsonObject ldap = new JsonObject().put("url", "ldap://localhost").put("user", (Object) null).put("suffix", "cn=example,cn=com")
      .put("query_scope", "one").put("page_size", 0).put("alias_dereferencing", "default").put("debug_level", (Object) null)
      .put("chase_referrals", (Object) null);
    for (String o : List.of("user_tree_dn", "user_filter", "group_tree_dn", "group_filter", "tls_cacertfile", "tls_cacertdir")) {
      ldap.put(o, (Object) null);
    }
    ldap.put("user_objectclass", "inetOrgPerson").put("user_id_attribute", "cn").put("user_name_attribute", "sn")
      .put("user_mail_attribute", "mail").put("user_description_attribute", "description")
      .put("user_pass_attribute", "userPassword").put("user_enabled_attribute", "enabled")
      .put("user_enabled_invert", false).put("user_enabled_mask", 0).put("user_enabled_default", "True")
      .put("group_objectclass", "groupOfNames").put("group_id_attribute", "cn").put("group_name_attribute", "ou")
      .put("group_member_attribute", "member").put("group_members_are_ids", false).put("group_desc_attribute", "description")
      .put("use_tls", false).put("tls_req_cert", "demand").put("use_pool", true).put("pool_size", 10);
    defaults.put("ldap", ldap);
    return java.util.Collections.unmodifiableMap(defaults);
  }

  /** Options stored but never shown back (Keystone's sensitive options). */
  private static final Map<String, List<String>> SENSITIVE = Map.of("ldap", List.of("password"));

  private final Pool db;

  DomainConfigs(Pool db) {
    this.db = db;
  }

  @Override
  public Future<JsonObject> handle(AuthContext caller, String action, Request req) {
    String group = req.param("group");
    String option = req.param("option");
    if ("default".equals(action)) {
      IdentityPolicy.RULES.check(caller, "identity:get_domain_config_default", Target.none());
      return Future.succeededFuture(Extension.ok(new JsonObject().put("config", pick(defaults(), group, option))));
    }
    String domainId = req.param("domain");
    IdentityPolicy.RULES.check(caller, "identity:" + action + "_domain_config", Target.none());
    if (group != null) {
      checkOption(group, option);
    }
    return Tables.DOMAINS.get(db, domainId, "").compose(d -> stored(domainId)).compose(current -> switch (action) {
      case "create" -> {
        JsonObject config = validated(req.member("config"));
        yield save(domainId, config).map(v -> Extension.reply(current == null ? 201 : 200, new JsonObject().put("config", visible(config))));
      }
      case "get" -> {
        if (current == null) {
          throw Errors.notFound("Could not find domain config: " + domainId + ".");
        }
        yield Future.succeededFuture(Extension.ok(new JsonObject().put("config", pick(visible(current), group, option))));
      }
      case "update" -> {
        if (current == null) {
          throw Errors.notFound("Could not find domain config: " + domainId + ".");
        }
        JsonObject changes = req.member("config");
        JsonObject merged = current.copy();
        if (option != null) {
          if (!changes.containsKey(option) || changes.size() != 1) {
            throw Errors.badRequest("The body must set exactly the option " + option + ".");
          }
          merged.put(group, merged.getJsonObject(group, new JsonObject()).copy().put(option, changes.getValue(option)));
        } else {
          if (group != null && (changes.size() != 1 || !changes.containsKey(group))) {
            throw Errors.badRequest("The body must name exactly the group " + group + ".");
          }
          for (String g : validated(changes).fieldNames()) {
            JsonObject target = merged.getJsonObject(g, new JsonObject()).copy();
            changes.getJsonObject(g).forEach(e -> target.put(e.getKey(), e.getValue()));
            merged.put(g, target);
          }
        }
        validated(merged);
        yield save(domainId, merged).map(v -> Extension.ok(new JsonObject().put("config", visible(merged))));
      }
      case "delete" -> {
        if (current == null) {
          throw Errors.notFound("Could not find domain config: " + domainId + ".");
        }
        JsonObject remaining = current.copy();
        if (group == null) {
          yield db.preparedQuery("DELETE FROM domain_configs WHERE domain_id = $1").execute(Tuple.of(domainId)).map(v -> Extension.noContent());
        }
        pick(current, group, option); // 404 when not set
        if (option == null) {
          remaining.remove(group);
        } else {
          JsonObject g = remaining.getJsonObject(group).copy();
          g.remove(option);
          if (g.isEmpty()) {
            remaining.remove(group);
          } else {
            remaining.put(group, g);
          }
        }
        yield (remaining.isEmpty()
          ? db.preparedQuery("DELETE FROM domain_configs WHERE domain_id = $1").execute(Tuple.of(domainId)).<Void>mapEmpty()
          : save(domainId, remaining)).map(v -> Extension.noContent());
      }
      default -> throw Extension.unknownAction(action);
    });
  }

  private static JsonObject defaults() {
    JsonObject out = new JsonObject();
    DEFAULTS.forEach((g, o) -> out.put(g, o.copy()));
    return out;
  }

  /** The whole config, one group ({group: {...}}), or one option ({option: value}); 404 when not set. */
  private static JsonObject pick(JsonObject config, String group, String option) {
    if (group == null) {
      return config;
    }
    if (!(config.getValue(group) instanceof JsonObject g)) {
      throw Errors.notFound("Could not find domain config group: " + group + ".");
    }
    if (option == null) {
      return new JsonObject().put(group, g);
    }
    if (!g.containsKey(option)) {
      throw Errors.notFound("Could not find domain config option: " + option + ".");
    }
    return new JsonObject().put(option, g.getValue(option));
  }

  private static void checkOption(String group, String option) {
    JsonObject known = DEFAULTS.get(group);
    boolean sensitive = option != null && SENSITIVE.getOrDefault(group, List.of()).contains(option);
    if (known == null || option != null && !known.containsKey(option) && !sensitive) {
      throw Errors.forbidden("Invalid domain specific configuration: " + group + (option == null ? "" : "." + option)
        + " cannot be set for a domain.");
    }
  }

  /** Only the groups and options Keystone allows, as strings, numbers or booleans. */
  private static JsonObject validated(JsonObject config) {
    if (config.isEmpty()) {
      throw Errors.badRequest("A domain configuration needs at least one group.");
    }
    for (String group : config.fieldNames()) {
      if (!(config.getValue(group) instanceof JsonObject options) || options.isEmpty()) {
        throw Errors.badRequest("Each group of a domain configuration is a non-empty object.");
      }
      for (var e : options) {
        checkOption(group, e.getKey());
        Object v = e.getValue();
        if (v != null && !(v instanceof String) && !(v instanceof Number) && !(v instanceof Boolean)) {
          throw Errors.badRequest("Domain configuration values are strings, numbers or booleans.");
        }
      }
    }
    return config;
  }

  private static JsonObject visible(JsonObject config) {
    JsonObject out = config.copy();
    SENSITIVE.forEach((g, opts) -> {
      if (out.getValue(g) instanceof JsonObject o) {
        opts.forEach(o::remove);
      }
    });
    return out;
  }

  private Future<JsonObject> stored(String domainId) {
    return db.preparedQuery("SELECT config FROM domain_configs WHERE domain_id = $1").execute(Tuple.of(domainId))
      .map(rows -> rows.size() == 0 ? null : (JsonObject) rows.iterator().next().getValue("config"));
  }

  private Future<Void> save(String domainId, JsonObject config) {
    return db.preparedQuery("INSERT INTO domain_configs (domain_id, config) VALUES ($1, $2) "
      + "ON CONFLICT (domain_id) DO UPDATE SET config = EXCLUDED.config").execute(Tuple.of(domainId, config)).mapEmpty();
  }
}
