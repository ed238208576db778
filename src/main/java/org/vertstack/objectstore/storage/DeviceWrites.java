package org.vertstack.objectstore.storage;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How one writer (an object server, a node's proxy) writes replica files: whether the directory
 * is fsynced too after each rename (the fsync-dir setting), and the devices whose file system
 * refused O_DIRECT once (tmpfs, some overlays), so they are not asked again.
 */
public final class DeviceWrites {

  private final boolean syncDir;
  private final Set<Path> noDirect = ConcurrentHashMap.newKeySet();

  public DeviceWrites(boolean syncDir) {
    this.syncDir = syncDir;
  }

  public boolean syncDir() {
    return syncDir;
  }

  /** Whether this device's file system refused O_DIRECT before. */
  public boolean directRefused(Path device) {
    return noDirect.contains(device);
  }

  void refusedDirect(Path device) {
    noDirect.add(device);
  }
}
