package org.vertstack.objectstore.ring;

import io.vertx.core.json.JsonObject;
import org.vertstack.common.http.Errors;

import java.util.NoSuchElementException;

/**
 * An operator's ring change (add, remove, set_weight, rebalance) applied to a ring: pure, so the
 * API's validation is tested without a database. Bad input is a 400, an unknown device a 404.
 */
public final class RingChanges {

  private RingChanges() {
  }

  public static Ring apply(Ring current, JsonObject request) {
    try {
      String action = text(request, "action");
      return switch (action) {
        case "add" -> current.withDevice(newDevice(current, request.getValue("device")));
        case "remove" -> current.withoutDevice(id(request));
        case "set_weight" -> current.withWeight(id(request), weight(request.getValue("weight")));
        case "rebalance" -> current.rebalanced();
        default -> throw new IllegalArgumentException("action must be add, remove, set_weight or rebalance");
      };
    } catch (NoSuchElementException e) {
      throw Errors.notFound(e.getMessage());
    } catch (IllegalArgumentException | ClassCastException e) {
      throw Errors.badRequest(e.getMessage());
    }
  }

  private static Device newDevice(Ring current, Object value) {
    if (!(value instanceof JsonObject d)) {
      throw new IllegalArgumentException("device must be an object with name, zone, weight, host, port and path");
    }
    Object port = d.getValue("port");
    if (!(port instanceof Integer p) || p < 1 || p > 65535) {
      throw new IllegalArgumentException("device.port must be a port number");
    }
    int next = current.devices().stream().mapToInt(Device::id).max().orElse(0) + 1;
    return new Device(next, name(text(d, "name")), text(d, "zone"), weight(d.getValue("weight", 1.0)), text(d, "path"),
      text(d, "host"), p);
  }

  /** Device names are path segments of the object servers' URLs. */
  private static String name(String name) {
    if (!name.matches("[A-Za-z0-9_.-]{1,64}") || name.startsWith(".")) {
      throw new IllegalArgumentException("device.name must be 1-64 letters, digits, '_', '-' or '.'");
    }
    return name;
  }

  private static String text(JsonObject j, String key) {
    Object v = j.getValue(key);
    if (!(v instanceof String s) || s.isBlank() || s.length() > 1024) {
      throw new IllegalArgumentException(key + " must be a non-empty string");
    }
    return s;
  }

  private static int id(JsonObject request) {
    Object v = request.getValue("id");
    if (!(v instanceof Integer i)) {
      throw new IllegalArgumentException("id must be a device id (an integer)");
    }
    return i;
  }

  private static double weight(Object v) {
    if (!(v instanceof Number n) || !(n.doubleValue() >= 0) || n.doubleValue() > 1e6) {
      throw new IllegalArgumentException("weight must be a number from 0 to 1000000");
    }
    return n.doubleValue();
  }
}
