package org.vertstack.objectstore.ring;

import io.vertx.core.json.JsonObject;

/**
 * One storage device of the ring: a directory on a storage node, served by that node's object
 * server at host:port. Weight says how much of the data it should hold relative to the others.
 */
public record Device(int id, String name, String zone, double weight, String path, String host, int port) {

  public Device {
    if (!(weight >= 0) || Double.isInfinite(weight)) {
      // 0 drains a device: it keeps no partitions but stays a handoff until removed
      throw new IllegalArgumentException("device weight must be a number of at least 0: " + weight);
    }
  }

  public Device withEndpoint(String host, int port) {
    return new Device(id, name, zone, weight, path, host, port);
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("name", name).put("zone", zone).put("weight", weight)
      .put("path", path).put("host", host).put("port", port);
  }

  public static Device fromJson(JsonObject j) {
    return new Device(j.getInteger("id"), j.getString("name"), j.getString("zone", "z1"),
      j.getDouble("weight", 1.0), j.getString("path"), j.getString("host", "127.0.0.1"), j.getInteger("port", 0));
  }
}
