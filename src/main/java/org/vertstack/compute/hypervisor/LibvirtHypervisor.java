package org.vertstack.compute.hypervisor;

import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.Library;
import org.libvirt.LibvirtException;
import org.libvirt.NodeInfo;
import org.libvirt.event.DomainEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * libvirt through libvirt-java. Two flavours of one driver: {@code test:///default} (libvirt's
 * in-process test driver: no daemon, no disks, domains only in memory) and {@code qemu:///system}
 * (real guests: a qcow2 overlay on the cached base image, a serial console written to a file).
 * One Connect is shared by all threads (libvirt connections are thread-safe; errors are per thread).
 */
public final class LibvirtHypervisor implements Hypervisor {

  private static final Logger LOG = LoggerFactory.getLogger(LibvirtHypervisor.class);
  private static final String PREFIX = "vs-";

  private final Connect conn;
  private final String uri;
  private final boolean real;
  private final String virtType;
  private final Path instancesDir;
  /** Shared backing files: cached images, and the formatted ephemeral and swap bases. */
  private final Path baseDir;
  private final long shutdownTimeoutMs;
  private final String virtReason;
  /** Guests being shut down, completed by libvirt's STOPPED event. */
  private final Map<String, CompletableFuture<Void>> stopping = new ConcurrentHashMap<>();
  private volatile PowerListener listener;
  private final org.libvirt.event.LifecycleListener lifecycleListener = this::lifecycle;
  private final boolean events;

  /** libvirt's event loop: one per process, registered before the first connection. */
  private static Boolean eventLoop;

  private LibvirtHypervisor(Connect conn, String uri, String virtType, Path probeMemory, Path instancesDir, Path baseDir,
                            long shutdownTimeoutMs) {
    this.conn = conn;
    this.uri = uri;
    this.real = !uri.startsWith("test:");
    KvmProbe.Result virt = real ? KvmProbe.decide(virtType, probeMemory) : new KvmProbe.Result("test", "libvirt's test driver");
    LOG.info("compute virtualisation on {}: {} ({})", uri, virt.virtType(), virt.reason());
    this.virtType = virt.virtType();
    this.virtReason = virt.reason();
    this.events = Boolean.TRUE.equals(eventLoop) && listenForLifecycle();
    this.instancesDir = instancesDir;
    this.baseDir = baseDir;
    this.shutdownTimeoutMs = shutdownTimeoutMs;
  }

  /**
   * Opens the configured URI; {@code auto} means qemu:///system when the libvirt daemon answers on
   * its socket, else the in-process test driver.
   */
  public static LibvirtHypervisor open(String configured, String virtType, Path probeMemory, Path instancesDir, Path baseDir,
                                       long shutdownTimeoutMs) throws LibvirtException {
    Connect.setErrorCallback((userData, error) -> { }); // libvirt prints every failure to stderr otherwise
    startEventLoop();
    String uri = configured == null || configured.isBlank() ? "auto" : configured;
    if ("auto".equals(uri)) {
      uri = "test:///default";
      if (Files.exists(Path.of("/var/run/libvirt/libvirt-sock")) || Files.exists(Path.of("/run/libvirt/libvirt-sock"))) {
        try {
          return new LibvirtHypervisor(new Connect("qemu:///system"), "qemu:///system", virtType, probeMemory, instancesDir, baseDir, shutdownTimeoutMs);
        } catch (LibvirtException e) {
          LOG.warn("libvirt socket present but qemu:///system refused ({}): using the test driver", e.getMessage());
        }
      }
    }
    return new LibvirtHypervisor(new Connect(uri), uri, virtType, probeMemory, instancesDir, baseDir, shutdownTimeoutMs);
  }

  public String uri() {
    return uri;
  }

  /**
   * Runs libvirt's event loop on a daemon thread, before the first connection opens: lifecycle
   * events, qemu:///system keepalives and serial console streams (a connection opened after it
   * watches its socket, so console data is read as it arrives) all need it.
   */
  private static synchronized void startEventLoop() {
    if (eventLoop != null) {
      return;
    }
    try {
      Library.initEventLoop();
      Thread loop = new Thread(() -> {
        try {
          Library.runEventLoop();
        } catch (LibvirtException | InterruptedException e) {
          LOG.warn("libvirt's event loop ended: {}", e.getMessage());
        }
      }, "libvirt-event-loop");
      loop.setDaemon(true);
      loop.start();
      eventLoop = true;
    } catch (LibvirtException | RuntimeException e) {
      LOG.warn("libvirt's event loop could not start ({}): power states are synced periodically only", e.getMessage());
      eventLoop = false;
    }
  }

  private boolean listenForLifecycle() {
    try {
      conn.addLifecycleListener(lifecycleListener);
      return true;
    } catch (LibvirtException e) {
      LOG.warn("libvirt lifecycle events unavailable on {}: {}", uri, e.getMessage());
      return false;
    }
  }

  /** On libvirt's event thread: wakes a waiting shutdown and tells the agent. */
  private int lifecycle(Domain domain, DomainEvent event) {
    try {
      String name = domain.getName();
      if (!name.startsWith(PREFIX)) {
        return 0;
      }
      String id = name.substring(PREFIX.length());
      Integer power = switch (event.getType()) {
        case STARTED, RESUMED -> RUNNING;
        case SUSPENDED -> PAUSED;
        case STOPPED -> SHUTDOWN;
        case CRASHED -> CRASHED;
        default -> null;
      };
      if (power != null && power == SHUTDOWN) {
        CompletableFuture<Void> waiter = stopping.get(id);
        if (waiter != null) {
          waiter.complete(null);
        }
      }
      PowerListener l = listener;
      if (power != null && l != null) {
        l.changed(id, power);
      }
    } catch (LibvirtException | RuntimeException e) {
      LOG.debug("a libvirt lifecycle event: {}", e.getMessage());
    }
    return 0;
  }

  @Override
  public void onPowerChange(PowerListener listener) {
    this.listener = listener;
  }

  @Override
  public boolean needsImage() {
    return real;
  }

  @Override
  public Inventory inventory() throws Exception {
    NodeInfo node = conn.nodeInfo();
    Files.createDirectories(instancesDir);
    long diskGb = Files.getFileStore(instancesDir).getTotalSpace() >> 30;
    String type = !real ? "test" : "kvm".equals(virtType) ? "KVM" : "QEMU";
    return new Inventory(node.cpus, node.memory / 1024, diskGb, type, conn.getVersion(), node.model, virtType, virtReason);
  }

  @Override
  public void spawn(Spec spec) throws Exception {
    String xml;
    if (real) {
      Path dir = instancesDir.resolve(spec.instanceId());
      Files.createDirectories(dir);
      Path disk = dir.resolve("disk");
      List<String> cmd = new ArrayList<>(List.of("qemu-img", "create", "-q", "-f", "qcow2",
        "-F", spec.baseFormat(), "-b", spec.baseImage().toAbsolutePath().toString(), disk.toString()));
      if (spec.diskGb() > 0) {
        cmd.add(spec.diskGb() + "G");
      }
      run(cmd);
      LocalDisks.ensure(dir, spec, baseDir);
      if (spec.configDrive() != null) {
        LocalDisks.configDrive(dir, spec.configDrive());
      }
      xml = DomainXml.qemu(virtType, domainName(spec.instanceId()), spec, LocalDisks.of(dir), dir.resolve("console.log"));
    } else {
      xml = DomainXml.test(domainName(spec.instanceId()), spec, LocalDisks.planned(instancesDir.resolve(spec.instanceId()), spec));
    }
    Domain domain = conn.domainDefineXML(xml);
    try {
      domain.create();
    } catch (LibvirtException e) {
      try {
        domain.undefine();
      } catch (LibvirtException ignored) {
        // the start failure is what matters
      }
      throw e;
    } finally {
      domain.free();
    }
  }

  @Override
  public void destroy(String instanceId) throws Exception {
    Domain d = lookup(instanceId);
    if (d != null) {
      try {
        if (d.isActive() == 1) {
          d.destroy();
        }
        if (d.hasManagedSaveImage() == 1) {
          d.managedSaveRemove();
        }
        d.undefine();
      } finally {
        d.free();
      }
    }
    if (real) {
      deleteTree(instancesDir.resolve(instanceId));
    }
  }

  @Override
  public void powerOff(String instanceId) throws Exception {
    Domain d = require(instanceId);
    try {
      if (d.isActive() != 1) {
        return;
      }
      // a clean ACPI shutdown first, as Nova does; a guest that ignores it is switched off.
      // libvirt's STOPPED event ends the wait; without events the state is re-read every second
      CompletableFuture<Void> stopped = new CompletableFuture<>();
      stopping.put(instanceId, stopped);
      try {
        d.shutdown();
      } catch (LibvirtException e) {
        LOG.debug("shutdown of {} refused: {}", instanceId, e.getMessage());
      }
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(shutdownTimeoutMs);
      while (d.isActive() == 1 && System.nanoTime() < deadline) {
        long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        try {
          stopped.get(events ? left : Math.min(left, 1000), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          // re-check below
        }
      }
      if (d.isActive() == 1) {
        d.destroy();
      }
    } finally {
      stopping.remove(instanceId);
      d.free();
    }
  }

  @Override
  public void powerOn(String instanceId) throws Exception {
    Domain d = require(instanceId);
    try {
      if (d.isActive() != 1) {
        d.create();
      }
    } finally {
      d.free();
    }
  }

  @Override
  public void reboot(String instanceId, boolean hard) throws Exception {
    Domain d = require(instanceId);
    try {
      if (hard || d.isActive() != 1) {
        if (d.isActive() == 1) {
          d.destroy();
        }
        d.create();
      } else {
        d.reboot(0);
      }
    } finally {
      d.free();
    }
  }

  @Override
  public void pause(String instanceId) throws Exception {
    Domain d = require(instanceId);
    try {
      d.suspend();
    } finally {
      d.free();
    }
  }

  @Override
  public void unpause(String instanceId) throws Exception {
    Domain d = require(instanceId);
    try {
      d.resume();
    } finally {
      d.free();
    }
  }

  @Override
  public void suspend(String instanceId) throws Exception {
    Domain d = require(instanceId);
    try {
      d.managedSave();
    } finally {
      d.free();
    }
  }

  @Override
  public void resume(String instanceId) throws Exception {
    powerOn(instanceId); // starting a domain with a managed-save image restores it
  }

  @Override
  public void captureRootDisk(String instanceId, Path target, String format) throws Exception {
    if (!real) {
      throw new UnsupportedOperationException("The test driver has no disks to capture.");
    }
    Path disk = instancesDir.resolve(instanceId).resolve("disk");
    Domain d = require(instanceId);
    try {
      // a running guest is paused so the copy is crash-consistent; a paused or stopped one stays as it is
      boolean pausedHere = d.isActive() == 1 && d.getInfo().state != DomainInfo.DomainState.VIR_DOMAIN_PAUSED;
      if (pausedHere) {
        d.suspend();
      }
      try {
        // -U: QEMU holds the image's write lock while the domain exists; reading it shared is safe while paused
        run(List.of("qemu-img", "convert", "-U", "-O", format, disk.toString(), target.toString()));
      } finally {
        if (pausedHere) {
          d.resume();
        }
      }
    } finally {
      d.free();
    }
  }

  @Override
  public void resize(Spec spec) throws Exception {
    boolean wasRunning = stopForRedefinition(spec.instanceId());
    if (real) {
      Path disk = instancesDir.resolve(spec.instanceId()).resolve("disk");
      Files.copy(disk, disk.resolveSibling("disk.pre-resize"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Path ephemeral = disk.resolveSibling(LocalDisks.EPHEMERAL);
      if (Files.exists(ephemeral)) {
        Files.copy(ephemeral, disk.resolveSibling(LocalDisks.EPHEMERAL + ".pre-resize"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      long current = virtualSize(disk);
      if (spec.diskGb() > 0 && (spec.diskGb() << 30) > current) {
        run(List.of("qemu-img", "resize", "-q", disk.toString(), spec.diskGb() + "G"));
      }
      LocalDisks.ensure(disk.getParent(), spec, baseDir); // a larger ephemeral disk grows, swap is made anew
    }
    redefine(spec, wasRunning);
  }

  @Override
  public void revertResize(Spec spec) throws Exception {
    boolean wasRunning = stopForRedefinition(spec.instanceId());
    if (real) {
      Path disk = instancesDir.resolve(spec.instanceId()).resolve("disk");
      Path kept = disk.resolveSibling("disk.pre-resize");
      if (Files.exists(kept)) {
        Files.move(kept, disk, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      Path ephemeral = disk.resolveSibling(LocalDisks.EPHEMERAL);
      Path keptEphemeral = disk.resolveSibling(LocalDisks.EPHEMERAL + ".pre-resize");
      if (Files.exists(keptEphemeral)) {
        Files.move(keptEphemeral, ephemeral, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      LocalDisks.ensure(disk.getParent(), spec, baseDir); // the old flavor's swap, no ephemeral disk if it had none
    }
    redefine(spec, wasRunning);
  }

  @Override
  public void confirmResize(String instanceId) throws Exception {
    if (real) {
      Files.deleteIfExists(instancesDir.resolve(instanceId).resolve("disk.pre-resize"));
      Files.deleteIfExists(instancesDir.resolve(instanceId).resolve(LocalDisks.EPHEMERAL + ".pre-resize"));
    }
  }

  /** Powers the domain off (cleanly first) for a redefinition; answers whether it ran. */
  private boolean stopForRedefinition(String instanceId) throws Exception {
    Domain d = require(instanceId);
    boolean running;
    try {
      running = d.isActive() == 1;
    } finally {
      d.free();
    }
    if (running) {
      powerOff(instanceId);
    }
    return running;
  }

  private void redefine(Spec spec, boolean start) throws Exception {
    String xml = real
      ? DomainXml.qemu(virtType, domainName(spec.instanceId()), spec, LocalDisks.of(instancesDir.resolve(spec.instanceId())),
          instancesDir.resolve(spec.instanceId()).resolve("console.log"))
      : DomainXml.test(domainName(spec.instanceId()), spec, LocalDisks.planned(instancesDir.resolve(spec.instanceId()), spec));
    Domain d = conn.domainDefineXML(xml); // same name and uuid: replaces the definition
    try {
      if (start) {
        d.create();
      }
    } finally {
      d.free();
    }
  }

  static long virtualSize(Path disk) throws IOException, InterruptedException {
    String info = output(List.of("qemu-img", "info", "-U", "--output=json", disk.toString()));
    var m = java.util.regex.Pattern.compile("\"virtual-size\":\\s*(\\d+)").matcher(info);
    return m.find() ? Long.parseLong(m.group(1)) : 0L;
  }

  @Override
  public Map<String, Integer> powerStates() throws Exception {
    Map<String, Integer> out = new HashMap<>();
    for (int id : conn.listDomains()) {
      try {
        Domain d = conn.domainLookupByID(id);
        try {
          String name = d.getName();
          if (name.startsWith(PREFIX)) {
            out.put(name.substring(PREFIX.length()), powerState(d.getInfo().state));
          }
        } finally {
          d.free();
        }
      } catch (LibvirtException e) {
        if (e.getError() == null || e.getError().getCode() != org.libvirt.Error.ErrorNumber.VIR_ERR_NO_DOMAIN) {
          throw e;
        } // it went away between the list and the lookup
      }
    }
    for (String name : conn.listDefinedDomains()) {
      if (name.startsWith(PREFIX)) {
        out.put(name.substring(PREFIX.length()), SHUTDOWN);
      }
    }
    return out;
  }

  @Override
  public int powerState(String instanceId) throws Exception {
    Domain d = lookup(instanceId);
    if (d == null) {
      return NOSTATE;
    }
    try {
      return d.isActive() == 1 ? powerState(d.getInfo().state) : SHUTDOWN;
    } finally {
      d.free();
    }
  }

  @Override
  public String consoleOutput(String instanceId, int maxLines) throws Exception {
    if (!real) {
      return "";
    }
    Path log = instancesDir.resolve(instanceId).resolve("console.log");
    if (!Files.exists(log)) {
      return "";
    }
    // read at most the last 1 MiB: a chatty guest's log can grow without bound
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long start = Math.max(0, f.length() - (1 << 20));
      byte[] bytes = new byte[(int) (f.length() - start)];
      f.seek(start);
      f.readFully(bytes);
      String text = new String(bytes, StandardCharsets.UTF_8).replace("\r", "");
      if (maxLines <= 0) {
        return text;
      }
      String[] lines = text.split("\n", -1);
      int from = Math.max(0, lines.length - maxLines - (text.endsWith("\n") ? 1 : 0));
      return String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
    }
  }

  @Override
  public Diagnostics diagnostics(String instanceId) throws Exception {
    Domain d = require(instanceId);
    try {
      return DomainStats.read(d, virtType);
    } finally {
      d.free();
    }
  }

  @Override
  public SerialConsole openConsole(String instanceId) throws Exception {
    if (!real) {
      throw new UnsupportedOperationException("libvirt's test driver has no serial console streams");
    }
    Domain d = require(instanceId);
    try {
      return LibvirtConsole.open(conn, d);
    } finally {
      d.free();
    }
  }

  @Override
  public void close() {
    listener = null;
    try {
      if (events) {
        conn.removeLifecycleListener(lifecycleListener);
      }
      conn.close();
    } catch (LibvirtException e) {
      LOG.debug("closing {}: {}", uri, e.getMessage());
    }
  }

  static int powerState(DomainInfo.DomainState state) {
    return switch (state) {
      case VIR_DOMAIN_RUNNING, VIR_DOMAIN_BLOCKED -> RUNNING;
      case VIR_DOMAIN_PAUSED -> PAUSED;
      case VIR_DOMAIN_SHUTDOWN, VIR_DOMAIN_SHUTOFF -> SHUTDOWN;
      case VIR_DOMAIN_CRASHED -> CRASHED;
      default -> NOSTATE;
    };
  }

  static String domainName(String instanceId) {
    return PREFIX + instanceId;
  }

  private Domain lookup(String instanceId) throws LibvirtException {
    try {
      return conn.domainLookupByName(domainName(instanceId));
    } catch (LibvirtException e) {
      if (e.getError() != null && e.getError().getCode() == org.libvirt.Error.ErrorNumber.VIR_ERR_NO_DOMAIN) {
        return null;
      }
      throw e;
    }
  }

  private Domain require(String instanceId) throws Exception {
    Domain d = lookup(instanceId);
    if (d == null) {
      throw new IllegalStateException("The domain of instance " + instanceId + " is not defined on this host.");
    }
    return d;
  }

  static void run(List<String> cmd) throws IOException, InterruptedException {
    output(cmd);
  }

  private static String output(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(cmd.get(0) + " failed: " + out.trim());
    }
    return out;
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
