package org.vertstack.common.policy;

import java.util.HashMap;
import java.util.Map;

/**
 * What a policy rule is checked against: the owners of the resource acted on (its domain, its
 * project, its user) and facts about it the rules may name (e.g. that it is one of the cloud's
 * own projects). Built by the service that loaded the resource.
 */
public final class Target {

  private final Map<String, Object> attributes = new HashMap<>();

  private Target() {
  }

  /** Nothing owns it: only the system personas (and "authenticated") can match. */
  public static Target none() {
    return new Target();
  }

  public static Target domain(String domainId) {
    return new Target().with("domain_id", domainId);
  }

  public static Target project(String projectId, String domainId) {
    return new Target().with("project_id", projectId).with("domain_id", domainId);
  }

  public static Target user(String userId, String domainId) {
    return new Target().with("user_id", userId).with("domain_id", domainId);
  }

  public Target with(String key, Object value) {
    attributes.put(key, value);
    return this;
  }

  public Target flag(String key, boolean value) {
    return with(key, value);
  }

  String string(String key) {
    Object v = attributes.get(key);
    return v == null ? null : v.toString();
  }

  /** Whether a flag is set on the target. */
  public boolean is(String key) {
    return Boolean.TRUE.equals(attributes.get(key));
  }

  @Override
  public String toString() {
    return attributes.toString();
  }
}
