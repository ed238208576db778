package org.vertstack.compute.hypervisor;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.PointerType;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

import java.lang.reflect.Field;

/**
 * A guest's serial console as a libvirt stream ({@code virDomainOpenConsole}, as {@code virsh
 * console} does). libvirt-java 0.5.2 binds streams but not that call, and its receive cannot
 * report "nothing yet" of a non-blocking stream, so the few calls needed are bound here with JNA
 * on the same library and handles. Non-blocking on purpose: with a blocking stream a pending
 * receive holds the connection's lock, and keystrokes would wait for the guest's next output.
 */
final class LibvirtConsole implements SerialConsole {

  /** The libvirt calls libvirt-java does not expose (size_t is 64 bits on the platforms we run on). */
  interface Virt extends Library {
    Pointer virStreamNew(Pointer conn, int flags);

    int virDomainOpenConsole(Pointer domain, String device, Pointer stream, int flags);

    int virStreamRecv(Pointer stream, byte[] data, long length);

    int virStreamSend(Pointer stream, byte[] data, long length);

    int virStreamAbort(Pointer stream);

    int virStreamFree(Pointer stream);
  }

  private static final int VIR_STREAM_NONBLOCK = 1;
  /** Takes the console over from another client (a page reloaded, a stale session). */
  private static final int VIR_DOMAIN_CONSOLE_FORCE = 1;
  private static final int WOULD_BLOCK = -2;

  private final Pointer stream;
  private boolean closed;

  private LibvirtConsole(Pointer stream) {
    this.stream = stream;
  }

  /** Loaded on first use only: a node on the test driver never needs it. */
  private static final class Bound {
    static final Virt VIRT = Native.load("virt", Virt.class);
  }

  private static Virt virt() {
    return Bound.VIRT;
  }

  static LibvirtConsole open(Connect conn, Domain domain) throws LibvirtException {
    Virt v = virt();
    Pointer stream = v.virStreamNew(handle(conn, "vcp"), VIR_STREAM_NONBLOCK);
    if (stream == null) {
      throw new IllegalStateException("libvirt could not create a stream");
    }
    if (v.virDomainOpenConsole(handle(domain, "vdp"), null, stream, VIR_DOMAIN_CONSOLE_FORCE) < 0) {
      v.virStreamFree(stream);
      throw new UnsupportedOperationException("libvirt cannot open this guest's serial console");
    }
    return new LibvirtConsole(stream);
  }

  /** The native handle inside a libvirt-java object (a package-private field of theirs). */
  private static Pointer handle(Object owner, String field) {
    try {
      Field f = owner.getClass().getDeclaredField(field);
      f.setAccessible(true);
      return ((PointerType) f.get(owner)).getPointer();
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("libvirt-java changed: no field " + field + " in " + owner.getClass().getName(), e);
    }
  }

  @Override
  public int read(byte[] buf) {
    int n = virt().virStreamRecv(stream, buf, buf.length);
    if (n == WOULD_BLOCK) {
      return 0;
    }
    return n <= 0 ? -1 : n; // 0 is the end of the stream, -1 an error: either way the console is gone
  }

  @Override
  public void write(byte[] data) throws LibvirtException {
    int off = 0;
    while (off < data.length) {
      byte[] rest = off == 0 ? data : java.util.Arrays.copyOfRange(data, off, data.length);
      int n = virt().virStreamSend(stream, rest, rest.length);
      if (n == WOULD_BLOCK) {
        sleepBriefly();
        continue;
      }
      if (n < 0) {
        throw new IllegalStateException("the serial console is closed");
      }
      off += n;
    }
  }

  private static void sleepBriefly() {
    try {
      Thread.sleep(5);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the guest's console was full");
    }
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      virt().virStreamAbort(stream);
      virt().virStreamFree(stream);
    }
  }
}
