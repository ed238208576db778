package org.vertstack.image.format;

import io.vertx.core.buffer.Buffer;
import org.vertstack.common.http.Errors;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * Checks, as an upload streams past, that the bytes are what {@code disk_format} claims, and
 * refuses disk images that could make a hypervisor open host files (qcow2 backing files and
 * external data files, VMDK descriptors naming other extents). Only a bounded prefix of the
 * stream is kept; the rest is counted and dropped.
 *
 * <p>Usage: {@link #feed} every buffer in order (it throws a 400 as soon as the image is known to
 * be bad), then {@link #finish} once the stream ended, which gives the verdict.
 */
public final class FormatInspector {

  /** Bytes kept from the start of the stream: enough for every header checked here. */
  static final int PREFIX = 64 * 1024;

  /** Formats whose content is not checked (kernel/ramdisk images and containers of other clouds). */
  private static final Set<String> UNCHECKED = Set.of("ami", "ari", "aki", "ploop");

  /**
   * Formats accepted with content that has no recognisable header (as Glance accepted them before
   * it inspected uploads): a hypervisor cannot open such bytes as the claimed format, so they are
   * harmless. Content that is recognisably another format is still refused.
   */
  private static final Set<String> LENIENT = Set.of("vhd", "vhdx", "vmdk", "vdi");

  private final String claimed;
  private final byte[] prefix = new byte[PREFIX];
  private int kept;
  private long total;
  /** The last 512 bytes seen: a fixed VHD has its only footer there. */
  private final byte[] tail = new byte[512];
  private boolean decided;

  public FormatInspector(String claimedDiskFormat) {
    this.claimed = claimedDiskFormat == null ? null : claimedDiskFormat.toLowerCase(Locale.ROOT);
  }

  /** The outcome of an inspection: the detected format and the disk size the guest will see. */
  public record Verdict(String format, Long virtualSize) {
  }

  /** Takes the next chunk of the upload; throws a 400 ServiceException when the image is refused. */
  public void feed(Buffer chunk) {
    int len = chunk.length();
    if (kept < PREFIX) {
      int n = Math.min(PREFIX - kept, len);
      chunk.getBytes(0, n, prefix, kept);
      kept += n;
    }
    total += len;
    if (len >= tail.length) {
      chunk.getBytes(len - tail.length, len, tail, 0);
    } else {
      System.arraycopy(tail, len, tail, 0, tail.length - len);
      chunk.getBytes(0, len, tail, tail.length - len);
    }
    if (!decided && kept == PREFIX) {
      // The prefix is complete: refuse now rather than after the whole upload.
      decided = true;
      judge(true);
    }
  }

  public long bytesSeen() {
    return total;
  }

  /** The verdict once the stream has ended; throws a 400 ServiceException when refused. */
  public Verdict finish() {
    return judge(false);
  }

  private Verdict judge(boolean early) {
    Detected d = detect();
    if (early && "raw".equals(d.format) && "vhd".equals(claimed)) {
      return null; // a fixed VHD looks raw until its footer, the last 512 bytes, arrives
    }
    if (claimed == null || UNCHECKED.contains(claimed)) {
      return new Verdict(d.format, d.virtualSize);
    }
    if ("raw".equals(d.format) && LENIENT.contains(claimed)) {
      return new Verdict(claimed, null);
    }
    boolean matches = claimed.equals(d.format)
      // an ISO is plain bytes too: uploading one as raw is common and harmless
      || ("raw".equals(claimed) && "iso".equals(d.format));
    if (!matches) {
      throw Errors.badRequest("Image content does not match disk_format '" + claimed + "' (the data looks like "
        + d.format + ").");
    }
    return new Verdict(claimed, "raw".equals(claimed) ? Long.valueOf(total) : d.virtualSize);
  }

  private record Detected(String format, Long virtualSize) {
  }

  private Detected detect() {
    if (startsWith(0, "QFI\u00fb")) {
      return qcow2();
    }
    if (startsWith(0, "KDMV")) {
      return vmdkSparse();
    }
    if (startsWith(0, "# Disk DescriptorFile")) {
      throw Errors.badRequest("VMDK descriptor files are not accepted: they name other files as extents.");
    }
    if (startsWith(0, "conectix")) {
      return new Detected("vhd", kept >= 56 ? u64be(48) : null);
    }
    if (startsWith(0, "vhdxfile")) {
      return new Detected("vhdx", null);
    }
    if (kept >= 0x48 && u32le(0x40) == 0xbeda107fL) {
      return new Detected("vdi", kept >= 376 ? u64le(368) : null);
    }
    if (startsWith(32769, "CD001")) {
      long blocks = kept >= 32768 + 84 ? u32le(32768 + 80) : 0;
      int blockSize = kept >= 32768 + 130 ? (int) u16le(32768 + 128) : 2048;
      return new Detected("iso", blocks > 0 ? blocks * blockSize : total);
    }
    if (total >= 512 && total % 512 == 0 && new String(tail, 0, 8, StandardCharsets.ISO_8859_1).equals("conectix")) {
      // a fixed VHD: raw sectors followed by the footer (current size at footer offset 48)
      long size = 0;
      for (int i = 48; i < 56; i++) {
        size = size << 8 | (tail[i] & 0xFF);
      }
      return new Detected("vhd", size);
    }
    return new Detected("raw", total);
  }

  private Detected qcow2() {
    if (kept < 72) {
      throw Errors.badRequest("Truncated qcow2 header.");
    }
    long version = u32be(4);
    if (version != 2 && version != 3) {
      throw Errors.badRequest("Unsupported qcow2 version " + version + ".");
    }
    long backingOffset = u64be(8);
    long backingSize = u32be(16);
    if (backingOffset != 0 || backingSize != 0) {
      throw Errors.badRequest("qcow2 images with a backing file are not accepted.");
    }
    long clusterBits = u32be(20);
    if (clusterBits < 9 || clusterBits > 21) {
      throw Errors.badRequest("Invalid qcow2 cluster size.");
    }
    long virtualSize = u64be(24);
    if (virtualSize < 0) {
      throw Errors.badRequest("Invalid qcow2 virtual size.");
    }
    int extensionsAt = 72;
    if (version == 3) {
      if (kept < 104) {
        throw Errors.badRequest("Truncated qcow2 header.");
      }
      long incompatible = u64be(72);
      if ((incompatible & 0x4) != 0) {
        throw Errors.badRequest("qcow2 images with an external data file are not accepted.");
      }
      if ((incompatible & ~0x1FL) != 0) {
        throw Errors.badRequest("qcow2 image uses unknown incompatible features.");
      }
      extensionsAt = (int) Math.min(u32be(100), Integer.MAX_VALUE);
    }
    checkQcow2Extensions(extensionsAt);
    return new Detected("qcow2", virtualSize);
  }

  /** Walks the header extensions we have: an external data file name is refused outright. */
  private void checkQcow2Extensions(int at) {
    int pos = at;
    while (pos + 8 <= kept) {
      long type = u32be(pos);
      long length = u32be(pos + 4);
      if (type == 0) {
        return;
      }
      if (type == 0x44415441L) {
        throw Errors.badRequest("qcow2 images with an external data file are not accepted.");
      }
      long next = pos + 8 + ((length + 7) & ~7L);
      if (next > Integer.MAX_VALUE) {
        return;
      }
      pos = (int) next;
    }
  }

  private Detected vmdkSparse() {
    if (kept < 44) {
      throw Errors.badRequest("Truncated VMDK header.");
    }
    long capacitySectors = u64le(12);
    long descOffset = u64le(28) * 512;
    long descSize = u64le(36) * 512;
    if (descOffset > 0 && descSize > 0) {
      if (descOffset + Math.min(descSize, 4096) > kept) {
        throw Errors.badRequest("VMDK descriptor is too far into the file to be checked.");
      }
      int len = (int) Math.min(descSize, kept - descOffset);
      String descriptor = new String(prefix, (int) descOffset, len, StandardCharsets.US_ASCII);
      int nul = descriptor.indexOf('\0');
      checkVmdkDescriptor(nul >= 0 ? descriptor.substring(0, nul) : descriptor);
    }
    return new Detected("vmdk", capacitySectors * 512);
  }

  /** Only self-contained sparse types; any extent other than the file itself is refused. */
  private static void checkVmdkDescriptor(String descriptor) {
    int extents = 0;
    for (String raw : descriptor.split("\n")) {
      String line = raw.trim();
      if (line.startsWith("createType=")) {
        String type = line.substring("createType=".length()).replace("\"", "").trim();
        if (!type.equals("monolithicSparse") && !type.equals("streamOptimized")) {
          throw Errors.badRequest("VMDK createType '" + type + "' is not accepted.");
        }
      } else if (line.matches("^(RW|RDONLY|NOACCESS)\\s.*")) {
        extents++;
      }
    }
    if (extents > 1) {
      throw Errors.badRequest("VMDK images with several extents are not accepted.");
    }
  }

  private boolean startsWith(int offset, String magic) {
    byte[] m = magic.getBytes(StandardCharsets.ISO_8859_1);
    if (offset + m.length > kept) {
      return false;
    }
    for (int i = 0; i < m.length; i++) {
      if (prefix[offset + i] != m[i]) {
        return false;
      }
    }
    return true;
  }

  private long u16le(int o) {
    return (prefix[o] & 0xFFL) | (prefix[o + 1] & 0xFFL) << 8;
  }

  private long u32le(int o) {
    return u16le(o) | u16le(o + 2) << 16;
  }

  private long u64le(int o) {
    return u32le(o) | u32le(o + 4) << 32;
  }

  private long u32be(int o) {
    return (prefix[o] & 0xFFL) << 24 | (prefix[o + 1] & 0xFFL) << 16 | (prefix[o + 2] & 0xFFL) << 8 | (prefix[o + 3] & 0xFFL);
  }

  private long u64be(int o) {
    return u32be(o) << 32 | u32be(o + 4);
  }
}
