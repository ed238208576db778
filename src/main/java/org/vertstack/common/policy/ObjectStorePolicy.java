package org.vertstack.common.policy;

/**
 * Who may see and change the object store's ring (its admin API under
 * {@code /object-store/ring}): where every tenant's bytes live is the cloud operator's business,
 * and a change moves data between storage nodes.
 */
public final class ObjectStorePolicy {

  private ObjectStorePolicy() {
  }

  public static final Policy RULES = Policy.of(
    "objectstore:get_ring", "system_reader",
    "objectstore:update_ring", "system_admin");
}
