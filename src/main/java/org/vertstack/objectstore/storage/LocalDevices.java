package org.vertstack.objectstore.storage;

import org.vertstack.objectstore.ring.Device;

import java.nio.file.Path;
import java.util.Map;

/**
 * The devices this node's own object server serves (name -> path) and its endpoint. The proxy
 * of an all-in-one or storage node uses it to read and write those devices itself, through
 * the same {@link DiskStore} code and durability rules as the object server, instead of a
 * loopback HTTP exchange per replica (which cost most of a small PUT's CPU and halved big GETs).
 * {@code writes} carries the object server's fsync-dir setting, applied to these writes too.
 */
public record LocalDevices(String host, int port, Map<String, Path> devices, DeviceWrites writes) {

  /** The local path of a ring device served by this node, or null. */
  public Path pathOf(Device d) {
    if (d.port() != port || !host.equals(d.host())) {
      return null;
    }
    return devices.get(d.name());
  }
}
