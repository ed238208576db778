package org.vertstack.compute.hypervisor;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vertstack.testing.RequiredTool;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ephemeral disk, swap and config drive as files (qemu-img, mkfs.ext4, mkswap, genisoimage,
 * isoinfo; no libvirt): sizes, formats, labels, and that a resize's spec grows or replaces them.
 */
class LocalDisksTest {

  @TempDir
  Path dir;

  @BeforeAll
  static void tools() {
    for (String t : List.of("qemu-img", "genisoimage", "isoinfo", "mkfs.ext4", "mkswap", "blkid")) {
      RequiredTool.require(LocalDisks.tool(t) != null, t);
    }
  }

  private static Hypervisor.Spec spec(long ephemeralGb, long swapMb) {
    return new Hypervisor.Spec("i1", "vm", 1, 128, 1, null, "qcow2", ephemeralGb, swapMb, Map.of(), null);
  }

  private static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
    return out;
  }

  /** What the guest will see: the overlay's content, read through qemu-img into a raw copy, and blkid's verdict. */
  private String blkid(Path qcow2) throws Exception {
    Path raw = dir.resolve(qcow2.getFileName() + ".raw");
    run("qemu-img", "convert", "-O", "raw", qcow2.toString(), raw.toString());
    try {
      return run(LocalDisks.tool("blkid"), "-o", "export", raw.toString());
    } finally {
      Files.delete(raw);
    }
  }

  @Test
  void ephemeralIsAnExt4LabelledEphemeral0AndSwapIsSwapBothOverlaysOfSharedBases() throws Exception {
    Path inst = Files.createDirectories(dir.resolve("instances/i1"));
    Path base = dir.resolve("base");
    LocalDisks.ensure(inst, spec(1, 64), base);
    Path eph = inst.resolve(LocalDisks.EPHEMERAL);
    Path swap = inst.resolve(LocalDisks.SWAP);
    assertThat(LibvirtHypervisor.virtualSize(eph)).isEqualTo(1L << 30);
    assertThat(LibvirtHypervisor.virtualSize(swap)).isEqualTo(64L << 20);
    assertThat(run("qemu-img", "info", "-U", eph.toString())).contains("file format: qcow2").contains("ephemeral_1G_ext4");
    assertThat(blkid(eph)).contains("TYPE=ext4").contains("LABEL=ephemeral0");
    assertThat(blkid(swap)).contains("TYPE=swap");
    // the bases are shared and made once: a second instance adds only its small overlays
    Path other = Files.createDirectories(dir.resolve("instances/i2"));
    long baseModified = Files.getLastModifiedTime(base.resolve("ephemeral_1G_ext4")).toMillis();
    LocalDisks.ensure(other, spec(1, 64), base);
    assertThat(Files.getLastModifiedTime(base.resolve("ephemeral_1G_ext4")).toMillis()).isEqualTo(baseModified);
    assertThat(Files.size(other.resolve(LocalDisks.EPHEMERAL))).isLessThan(1 << 20);
    try (var names = Files.list(base)) {
      assertThat(names.map(p -> p.getFileName().toString()).sorted()).containsExactly("ephemeral_1G_ext4", "swap_64M");
    }
  }

  @Test
  void aResizedSpecGrowsTheEphemeralDiskRemakesSwapAndDropsWhatTheFlavorNoLongerHas() throws Exception {
    Path inst = Files.createDirectories(dir.resolve("instances/i1"));
    Path base = dir.resolve("base");
    LocalDisks.ensure(inst, spec(1, 32), base);
    LocalDisks.ensure(inst, spec(2, 64), base);
    assertThat(LibvirtHypervisor.virtualSize(inst.resolve(LocalDisks.EPHEMERAL))).isEqualTo(2L << 30);
    assertThat(LibvirtHypervisor.virtualSize(inst.resolve(LocalDisks.SWAP))).isEqualTo(64L << 20);
    assertThat(blkid(inst.resolve(LocalDisks.SWAP))).contains("TYPE=swap");
    LocalDisks.ensure(inst, spec(0, 0), base);
    assertThat(inst.resolve(LocalDisks.EPHEMERAL)).doesNotExist();
    assertThat(inst.resolve(LocalDisks.SWAP)).doesNotExist();
    assertThat(LocalDisks.of(inst)).isEqualTo(new DomainXml.Disks(inst.resolve("disk"), java.util.List.of(), null, null));
  }

  @Test
  void blockDeviceMappingsEphemeralDisksAreLabelledInOrderWithTheirFileSystemsAndGoWhenTheSpecDropsThem() throws Exception {
    Path inst = Files.createDirectories(dir.resolve("instances/i1"));
    Path base = dir.resolve("base");
    List<Hypervisor.Ephemeral> two = List.of(new Hypervisor.Ephemeral(1, "ext3"), new Hypervisor.Ephemeral(1, null));
    LocalDisks.ensure(inst, new Hypervisor.Spec("i1", "vm", 1, 128, 1, null, "qcow2", two, 0, Map.of(), null), base);
    assertThat(blkid(inst.resolve("disk.eph0"))).contains("TYPE=ext3").contains("LABEL=ephemeral0");
    assertThat(blkid(inst.resolve("disk.eph1"))).contains("TYPE=ext4").contains("LABEL=ephemeral1");
    assertThat(LocalDisks.of(inst).ephemerals()).containsExactly(inst.resolve("disk.eph0"), inst.resolve("disk.eph1"));
    LocalDisks.ensure(inst, spec(1, 0), base);
    assertThat(inst.resolve("disk.eph1")).doesNotExist();
    assertThat(LocalDisks.of(inst).ephemerals()).containsExactly(inst.resolve("disk.eph0"));
  }

  @Test
  void theConfigDriveIsAnIso9660LabelledConfig2WithTheFilesUnderTheirOwnNames() throws Exception {
    Path inst = Files.createDirectories(dir.resolve("instances/i1"));
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("openstack/latest/meta_data.json", "{\"uuid\":\"i1\"}".getBytes(StandardCharsets.UTF_8));
    files.put("openstack/latest/user_data", "#!/bin/sh\necho hi\n".getBytes(StandardCharsets.UTF_8));
    files.put("ec2/latest/meta-data.json", "{}".getBytes(StandardCharsets.UTF_8));
    Path iso = LocalDisks.configDrive(inst, files);
    assertThat(iso).isEqualTo(inst.resolve(LocalDisks.CONFIG_DRIVE));
    assertThat(run("isoinfo", "-d", "-i", iso.toString())).contains("Volume id: config-2").contains("Rock Ridge");
    assertThat(run("isoinfo", "-R", "-i", iso.toString(), "-x", "/openstack/latest/user_data")).isEqualTo("#!/bin/sh\necho hi\n");
    assertThat(run("isoinfo", "-J", "-i", iso.toString(), "-x", "/openstack/latest/meta_data.json")).isEqualTo("{\"uuid\":\"i1\"}");
    assertThat(run("isoinfo", "-R", "-f", "-i", iso.toString())).contains("/ec2/latest/meta-data.json");
    assertThat(inst.resolve("config-drive.d")).doesNotExist();
    assertThat(LocalDisks.of(inst).configDrive()).isEqualTo(iso);
  }

  @Test
  void aPathLeavingTheDriveIsRefused() {
    Map<String, byte[]> files = Map.of("../../etc/x", new byte[1]);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> LocalDisks.configDrive(dir, files))
      .isInstanceOf(IllegalArgumentException.class);
    assertThat(dir.resolve(LocalDisks.CONFIG_DRIVE)).doesNotExist();
  }
}
