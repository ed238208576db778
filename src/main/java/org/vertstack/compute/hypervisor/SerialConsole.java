package org.vertstack.compute.hypervisor;

/**
 * An open serial console of one guest: the bytes it writes, and bytes typed to it. Every method
 * blocks (native libvirt calls) and one thread at a time uses a console (a relay's own thread).
 */
public interface SerialConsole extends AutoCloseable {

  /**
   * Copies what the guest wrote into {@code buf}: the byte count, 0 when nothing is waiting (it
   * never waits), -1 once the console has ended (the guest stopped, or another client took it).
   */
  int read(byte[] buf) throws Exception;

  /** Sends keystrokes to the guest. */
  void write(byte[] data) throws Exception;

  @Override
  void close();
}
