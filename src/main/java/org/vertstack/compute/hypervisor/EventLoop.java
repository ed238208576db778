package org.vertstack.compute.hypervisor;

import org.libvirt.Library;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libvirt's default event loop, on a daemon thread of its own (one per JVM). A connection opened
 * after it is registered watches its socket, so a console stream's data is read as it arrives and
 * a non-blocking receive finds it ({@link LibvirtConsole}); without it the data would sit in the
 * socket until some other call on the connection happened to read it.
 */
final class EventLoop {

  private static final Logger LOG = LoggerFactory.getLogger(EventLoop.class);

  private EventLoop() {
  }

  /** Started by the first call, in the holder's initializer (the JVM makes that once). */
  private static final class Holder {
    static final Thread THREAD = start();

    private static Thread start() {
      try {
        Library.initEventLoop();
      } catch (LibvirtException e) {
        LOG.warn("libvirt's event loop could not be registered ({}): serial consoles will not stream", e.getMessage());
        return null;
      }
      Thread t = new Thread(() -> {
        try {
          Library.runEventLoop();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (LibvirtException e) {
          LOG.warn("libvirt's event loop stopped: {}", e.getMessage());
        }
      }, "libvirt-event-loop");
      t.setDaemon(true);
      t.start();
      return t;
    }
  }

  static void ensureRunning() {
    if (Holder.THREAD == null) {
      LOG.debug("no libvirt event loop");
    }
  }
}
