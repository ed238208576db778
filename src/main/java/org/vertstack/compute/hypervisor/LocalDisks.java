package org.vertstack.compute.hypervisor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An instance's local disks besides the root disk, made as Nova's libvirt driver (qcow2 image
 * backend) makes them, in the instance's directory:
 * <ul>
 * <li>{@code disk.eph0}, {@code disk.eph1}, ...: the ephemeral disks (the flavor's one, or those
 * block_device_mapping_v2 asked for), each a qcow2 overlay on a shared raw base
 * {@code base/ephemeral_<N>G_<fs>}, formatted once per size, file system and label with
 * {@code mkfs.<fs> -L ephemeral<i>}. Nova formats with the mapping's guest_format, else
 * {@code default_ephemeral_format}, else by the image's os_type (ext4 for linux), else vfat; ext4
 * is the default here because every Debian has mkfs.ext4 (e2fsprogs) and cloud-init mounts the
 * disk by its label either way. Without the mkfs tool the disk stays blank.</li>
 * <li>{@code disk.swap}: the same on a base {@code base/swap_<N>M} made with {@code mkswap}.</li>
 * <li>{@code disk.config}, the config drive: an ISO 9660 image labelled {@code config-2} made by
 * genisoimage with Nova's options.</li>
 * </ul>
 * Every method blocks (processes, disk I/O): callers are on worker threads.
 */
final class LocalDisks {

  private static final Logger LOG = LoggerFactory.getLogger(LocalDisks.class);

  /** The first ephemeral disk (the one a resize grows). */
  static final String EPHEMERAL = "disk.eph0";
  static final String SWAP = "disk.swap";
  static final String CONFIG_DRIVE = "disk.config";

  /** Making a shared base is once per base: a second builder waits rather than formatting it again. */
  private static final Object BASES = new Object();

  private LocalDisks() {
  }

  static String ephemeral(int index) {
    return "disk.eph" + index;
  }

  /** The disks an instance directory holds (what the domain attaches): the ephemeral ones in order, up to the first gap. */
  static DomainXml.Disks of(Path dir) {
    List<Path> ephemerals = new java.util.ArrayList<>();
    for (int i = 0; Files.exists(dir.resolve(ephemeral(i))); i++) {
      ephemerals.add(dir.resolve(ephemeral(i)));
    }
    return new DomainXml.Disks(dir.resolve("disk"), ephemerals, existing(dir.resolve(SWAP)), existing(dir.resolve(CONFIG_DRIVE)));
  }

  /** The disks a spec gives an instance in {@code dir}, whether or not they exist (the test driver's domain names them). */
  static DomainXml.Disks planned(Path dir, Hypervisor.Spec spec) {
    List<Path> ephemerals = new java.util.ArrayList<>();
    for (int i = 0; i < spec.ephemerals().size(); i++) {
      ephemerals.add(dir.resolve(ephemeral(i)));
    }
    return new DomainXml.Disks(dir.resolve("disk"), ephemerals, spec.swapMb() > 0 ? dir.resolve(SWAP) : null,
      spec.configDrive() != null ? dir.resolve(CONFIG_DRIVE) : null);
  }

  private static Path existing(Path p) {
    return Files.exists(p) ? p : null;
  }

  /**
   * Makes the ephemeral disks and swap match the spec: a missing one is made, a smaller ephemeral
   * disk grows (its file system does not: the guest may grow it), swap of another size is made
   * anew (its content is worthless), one the spec no longer has goes.
   */
  static void ensure(Path dir, Hypervisor.Spec spec, Path baseDir) throws IOException, InterruptedException {
    List<Hypervisor.Ephemeral> wanted = spec.ephemerals();
    for (int i = 0; i < wanted.size(); i++) {
      Hypervisor.Ephemeral e = wanted.get(i);
      Path disk = dir.resolve(ephemeral(i));
      if (!Files.exists(disk)) {
        overlay(ephemeralBase(baseDir, e.sizeGb(), e.guestFormat(), i), disk);
      } else if (LibvirtHypervisor.virtualSize(disk) < (e.sizeGb() << 30)) {
        LibvirtHypervisor.run(List.of("qemu-img", "resize", "-q", disk.toString(), e.sizeGb() + "G"));
      }
    }
    for (int i = wanted.size(); Files.exists(dir.resolve(ephemeral(i))); i++) {
      Files.delete(dir.resolve(ephemeral(i)));
    }
    Path swap = dir.resolve(SWAP);
    if (Files.exists(swap) && (spec.swapMb() <= 0 || LibvirtHypervisor.virtualSize(swap) != (spec.swapMb() << 20))) {
      Files.delete(swap);
    }
    if (spec.swapMb() > 0 && !Files.exists(swap)) {
      overlay(swapBase(baseDir, spec.swapMb()), swap);
    }
  }

  private static void overlay(Path base, Path target) throws IOException, InterruptedException {
    LibvirtHypervisor.run(List.of("qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b", base.toAbsolutePath().toString(),
      target.toString()));
  }

  /**
   * The base of ephemeral disk {@code index} (labelled {@code ephemeral<index>}, as Nova labels
   * them): one per size, file system and label, the first disk's keeping the plain name.
   */
  static Path ephemeralBase(Path baseDir, long gb, String guestFormat, int index) throws IOException, InterruptedException {
    String fs = guestFormat == null ? "ext4" : guestFormat;
    if (!Hypervisor.Ephemeral.FILE_SYSTEMS.contains(fs)) {
      throw new IllegalArgumentException("No file system " + fs + " for an ephemeral disk (" + Hypervisor.Ephemeral.FILE_SYSTEMS + ").");
    }
    String label = "ephemeral" + index;
    String mkfs = tool("mkfs." + fs);
    Path base = baseDir.resolve("ephemeral_" + gb + "G_" + (mkfs == null ? "blank" : fs) + (index == 0 ? "" : "_" + label));
    return makeBase(base, gb << 30, file -> {
      if (mkfs == null) {
        LOG.warn("mkfs.{} is not installed: ephemeral disks are left unformatted", fs);
      } else if ("vfat".equals(fs)) {
        LibvirtHypervisor.run(List.of(mkfs, "-n", label.toUpperCase(java.util.Locale.ROOT), file.toString()));
      } else {
        // lazy inode tables: a sparse file stays small and the format takes a moment
        LibvirtHypervisor.run(List.of(mkfs, "-q", "-F", "-L", label, "-E", "lazy_itable_init=1,lazy_journal_init=1",
          file.toString()));
      }
    });
  }

  static Path swapBase(Path baseDir, long mb) throws IOException, InterruptedException {
    String mkswap = tool("mkswap");
    Path base = baseDir.resolve("swap_" + mb + "M" + (mkswap == null ? "_blank" : ""));
    return makeBase(base, mb << 20, file -> {
      if (mkswap != null) {
        LibvirtHypervisor.run(List.of(mkswap, "-q", file.toString()));
      } else {
        LOG.warn("mkswap is not installed: swap disks are left unformatted");
      }
    });
  }

  private interface Format {
    void apply(Path file) throws IOException, InterruptedException;
  }

  /** A sparse raw file of {@code bytes}, formatted, renamed into place only when complete. */
  private static Path makeBase(Path base, long bytes, Format format) throws IOException, InterruptedException {
    synchronized (BASES) {
      if (Files.exists(base)) {
        return base;
      }
      Files.createDirectories(base.getParent());
      Path part = base.resolveSibling(base.getFileName() + ".part-" + UUID.randomUUID());
      try {
        try (var f = new java.io.RandomAccessFile(part.toFile(), "rw")) {
          f.setLength(bytes);
        }
        format.apply(part);
        Files.move(part, base, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(part);
      }
      return base;
    }
  }

  /**
   * Writes the config drive: the files into a scratch directory, then genisoimage with Nova's
   * options (Rock Ridge and Joliet names, volume label config-2), renamed into place when complete.
   */
  static Path configDrive(Path dir, Map<String, byte[]> files) throws IOException, InterruptedException {
    Path tree = dir.resolve("config-drive.d");
    Path target = dir.resolve(CONFIG_DRIVE);
    Path part = dir.resolve(CONFIG_DRIVE + ".part");
    LibvirtHypervisor.deleteTree(tree);
    try {
      for (var e : files.entrySet()) {
        Path file = tree.resolve(e.getKey()).normalize();
        if (!file.startsWith(tree)) {
          throw new IllegalArgumentException("A config drive path leaves the drive: " + e.getKey());
        }
        Files.createDirectories(file.getParent());
        Files.write(file, e.getValue());
      }
      String genisoimage = tool("genisoimage");
      if (genisoimage == null) {
        throw new IOException("A config drive was asked for, but genisoimage is not installed on this compute node "
          + "(Debian package genisoimage).");
      }
      LibvirtHypervisor.run(List.of(genisoimage, "-o", part.toString(), "-ldots", "-allow-lowercase", "-allow-multidot", "-l",
        "-publisher", "VertStack", "-quiet", "-J", "-r", "-V", "config-2", tree.toString()));
      Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return target;
    } finally {
      Files.deleteIfExists(part);
      LibvirtHypervisor.deleteTree(tree);
    }
  }

  /** The tool's path if it is installed (sbin directories included: a service's PATH may lack them), else null. */
  static String tool(String name) {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin";
    for (String d : path.split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
        return Path.of(d, name).toString();
      }
    }
    return null;
  }
}
