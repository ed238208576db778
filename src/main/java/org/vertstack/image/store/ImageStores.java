package org.vertstack.image.store;

import org.vertstack.common.http.Errors;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The enabled image stores (Glance's {@code enabled_backends}), in configured order, and the
 * default one: where uploads go when the client names no store.
 */
public final class ImageStores {

  private final Map<String, ImageStore> byId = new LinkedHashMap<>();
  private final String defaultId;

  public ImageStores(List<ImageStore> stores, String defaultId) {
    stores.forEach(s -> byId.put(s.id(), s));
    if (!byId.containsKey(defaultId)) {
      throw new IllegalArgumentException("The default image store " + defaultId + " is not among the enabled stores " + byId.keySet());
    }
    this.defaultId = defaultId;
  }

  public String defaultId() {
    return defaultId;
  }

  public ImageStore defaultStore() {
    return byId.get(defaultId);
  }

  public boolean has(String id) {
    return byId.containsKey(id);
  }

  /** The store named {@code id}; a 409 (as Glance answers an unknown store in an import) if none. */
  public ImageStore get(String id) {
    ImageStore s = byId.get(id);
    if (s == null) {
      throw Errors.conflict("Store for identifier " + id + " not found; enabled stores: " + String.join(", ", byId.keySet()) + ".");
    }
    return s;
  }

  /** The enabled store ids, in configured order. */
  public List<String> ids() {
    return new ArrayList<>(byId.keySet());
  }

  public Collection<ImageStore> all() {
    return byId.values();
  }
}
