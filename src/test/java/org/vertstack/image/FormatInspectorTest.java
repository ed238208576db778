package org.vertstack.image;

import io.vertx.core.buffer.Buffer;
import io.vertx.serviceproxy.ServiceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vertstack.image.format.FormatInspector;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.vertstack.testing.RequiredTool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FormatInspectorTest {

  @TempDir
  Path dir;

  /** Feeds the bytes in odd-sized chunks, as a network upload would arrive. */
  static FormatInspector.Verdict inspect(String claimed, byte[] data) {
    FormatInspector inspector = new FormatInspector(claimed);
    int pos = 0;
    int step = 1;
    while (pos < data.length) {
      int n = Math.min(step, data.length - pos);
      inspector.feed(Buffer.buffer().appendBytes(data, pos, n));
      pos += n;
      step = step * 3 + 7;
    }
    return inspector.finish();
  }

  static byte[] qcow2Header(int version, long backingOffset, long virtualSize, long incompatible) {
    ByteBuffer b = ByteBuffer.allocate(4096);
    b.put("QFI".getBytes(StandardCharsets.US_ASCII)).put((byte) 0xfb);
    b.putInt(version);
    b.putLong(backingOffset);
    b.putInt(backingOffset == 0 ? 0 : 8);
    b.putInt(16);                       // cluster_bits
    b.putLong(virtualSize);
    if (version == 3) {
      b.position(72);
      b.putLong(incompatible);
      b.putLong(0);
      b.putLong(0);
      b.putInt(4);                      // refcount_order
      b.putInt(104);                    // header_length
    }
    if (backingOffset != 0) {
      b.position((int) backingOffset);
      b.put("/etc/pass".getBytes(StandardCharsets.US_ASCII));
    }
    return b.array();
  }

  @Test
  void qcow2VirtualSizeComesFromTheHeader() {
    FormatInspector.Verdict v = inspect("qcow2", qcow2Header(3, 0, 10L << 30, 0));
    assertThat(v.format()).isEqualTo("qcow2");
    assertThat(v.virtualSize()).isEqualTo(10L << 30);
    assertThat(inspect("qcow2", qcow2Header(2, 0, 1 << 20, 0)).virtualSize()).isEqualTo(1 << 20);
  }

  @Test
  void qcow2WithABackingFileIsRefusedWith400() {
    assertThatThrownBy(() -> inspect("qcow2", qcow2Header(3, 512, 1 << 20, 0)))
      .isInstanceOf(ServiceException.class)
      .hasMessageContaining("backing file")
      .satisfies(e -> assertThat(((ServiceException) e).failureCode()).isEqualTo(400));
  }

  @Test
  void qcow2WithAnExternalDataFileIsRefused() {
    assertThatThrownBy(() -> inspect("qcow2", qcow2Header(3, 0, 1 << 20, 0x4)))
      .isInstanceOf(ServiceException.class).hasMessageContaining("external data file");
    // the data-file header extension alone is refused too
    byte[] h = qcow2Header(3, 0, 1 << 20, 0);
    ByteBuffer.wrap(h).position(104).putInt(0x44415441).putInt(8).put("/dev/sda".getBytes(StandardCharsets.US_ASCII));
    assertThatThrownBy(() -> inspect("qcow2", h)).hasMessageContaining("external data file");
  }

  @Test
  void refusalHappensBeforeTheWholeUploadArrived() {
    FormatInspector inspector = new FormatInspector("qcow2");
    inspector.feed(Buffer.buffer(qcow2Header(3, 512, 1 << 20, 0)));
    assertThatThrownBy(() -> {
      for (int i = 0; i < 20; i++) {
        inspector.feed(Buffer.buffer(new byte[4096]));
      }
    }).hasMessageContaining("backing file");
    assertThat(inspector.bytesSeen()).isLessThan(100_000);
  }

  @Test
  void rawDataClaimingQcow2IsRefused() {
    byte[] raw = new byte[200_000];
    new Random(1).nextBytes(raw);
    assertThatThrownBy(() -> inspect("qcow2", raw))
      .isInstanceOf(ServiceException.class)
      .hasMessageContaining("does not match disk_format 'qcow2'")
      .satisfies(e -> assertThat(((ServiceException) e).failureCode()).isEqualTo(400));
  }

  @Test
  void unrecognisedBytesPassAsVhdOrVmdkButAnotherFormatDoesNot() {
    byte[] junk = new byte[3000];
    new Random(2).nextBytes(junk);
    for (String format : new String[] {"vhd", "vhdx", "vmdk", "vdi"}) {
      assertThat(inspect(format, junk).format()).isEqualTo(format);
    }
    assertThatThrownBy(() -> inspect("vmdk", qcow2Header(3, 0, 1 << 20, 0))).hasMessageContaining("looks like qcow2");
    assertThatThrownBy(() -> inspect("vhd", qcow2Header(3, 512, 1 << 20, 0))).hasMessageContaining("backing file");
  }

  @Test
  void qcow2ClaimingRawIsRefused() {
    assertThatThrownBy(() -> inspect("raw", qcow2Header(3, 0, 1 << 20, 0)))
      .hasMessageContaining("looks like qcow2");
  }

  @Test
  void rawIsItsOwnSize() {
    byte[] raw = new byte[70_001];
    FormatInspector.Verdict v = inspect("raw", raw);
    assertThat(v.format()).isEqualTo("raw");
    assertThat(v.virtualSize()).isEqualTo(70_001);
  }

  @Test
  void isoIsDetectedFromItsVolumeDescriptor() {
    byte[] iso = new byte[40_000];
    ByteBuffer b = ByteBuffer.wrap(iso).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    iso[32768] = 1;
    System.arraycopy("CD001".getBytes(StandardCharsets.US_ASCII), 0, iso, 32769, 5);
    b.putInt(32768 + 80, 300);
    b.putShort(32768 + 128, (short) 2048);
    assertThat(inspect("iso", iso)).isEqualTo(new FormatInspector.Verdict("iso", 300L * 2048));
    assertThat(inspect("raw", iso).format()).isEqualTo("raw");
    assertThatThrownBy(() -> inspect("iso", new byte[40_000])).hasMessageContaining("looks like raw");
  }

  @Test
  void vmdkDescriptorFilesAreRefused() {
    byte[] desc = "# Disk DescriptorFile\nversion=1\ncreateType=\"monolithicFlat\"\nRW 2048 FLAT \"/etc/shadow\" 0\n"
      .getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> inspect("vmdk", desc)).hasMessageContaining("descriptor");
  }

  @Test
  void emptyUploadIsRaw() {
    assertThat(inspect("raw", new byte[0]).virtualSize()).isZero();
    assertThatThrownBy(() -> inspect("qcow2", new byte[0])).hasMessageContaining("does not match");
  }

  // Real images made by qemu-img, when it is installed.

  private byte[] qemuImg(String name, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("qemu-img", "create", "-q"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return Files.readAllBytes(dir.resolve(name));
  }

  private static boolean hasQemuImg() {
    try {
      return new ProcessBuilder("qemu-img", "--version").start().waitFor() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void realImagesFromQemuImg() throws Exception {
    RequiredTool.require(hasQemuImg(), "qemu-img");
    assertThat(inspect("qcow2", qemuImg("a.qcow2", "-f", "qcow2", "a.qcow2", "10M")))
      .isEqualTo(new FormatInspector.Verdict("qcow2", 10L << 20));
    assertThat(inspect("qcow2", qemuImg("v2.qcow2", "-f", "qcow2", "-o", "compat=0.10", "v2.qcow2", "7M")).virtualSize())
      .isEqualTo(7L << 20);
    assertThat(inspect("vmdk", qemuImg("s.vmdk", "-f", "vmdk", "s.vmdk", "3M")))
      .isEqualTo(new FormatInspector.Verdict("vmdk", 3L << 20));
    assertThat(inspect("vmdk", qemuImg("so.vmdk", "-f", "vmdk", "-o", "subformat=streamOptimized", "so.vmdk", "3M")).format())
      .isEqualTo("vmdk");
    assertThat(inspect("vhd", qemuImg("d.vhd", "-f", "vpc", "d.vhd", "4M")).format()).isEqualTo("vhd");
    FormatInspector.Verdict fixed = inspect("vhd", qemuImg("f.vhd", "-f", "vpc", "-o", "subformat=fixed", "f.vhd", "4M"));
    assertThat(fixed.format()).isEqualTo("vhd");
    assertThat(fixed.virtualSize()).isGreaterThanOrEqualTo(4L << 20);
    assertThat(inspect("vdi", qemuImg("d.vdi", "-f", "vdi", "d.vdi", "4M")))
      .isEqualTo(new FormatInspector.Verdict("vdi", 4L << 20));
    assertThat(inspect("vhdx", qemuImg("d.vhdx", "-f", "vhdx", "d.vhdx", "4M")).format()).isEqualTo("vhdx");
  }

  @Test
  void realQcow2WithBackingOrDataFileIsRefused() throws Exception {
    RequiredTool.require(hasQemuImg(), "qemu-img");
    qemuImg("base.qcow2", "-f", "qcow2", "base.qcow2", "10M");
    byte[] overlay = qemuImg("overlay.qcow2", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", "overlay.qcow2");
    assertThatThrownBy(() -> inspect("qcow2", overlay)).hasMessageContaining("backing file");
    byte[] external = qemuImg("ext.qcow2", "-f", "qcow2", "-o", "data_file=ext.raw", "ext.qcow2", "5M");
    assertThatThrownBy(() -> inspect("qcow2", external)).hasMessageContaining("external data file");
    byte[] twoExtents = qemuImg("m.vmdk", "-f", "vmdk", "-o", "subformat=twoGbMaxExtentSparse", "m.vmdk", "3M");
    assertThatThrownBy(() -> inspect("vmdk", twoExtents)).hasMessageContaining("descriptor");
  }
}
