package org.vertstack.common.http;

import java.util.ArrayList;
import java.util.List;

/**
 * The one parser of HTTP byte ranges (RFC 7233 section 2.1 and 3.1), for every API: a header
 * that does not parse, including a range whose last byte is before its first ({@code bytes=5-3}),
 * is ignored and the whole entity sent; ranges that all start past the end give 416.
 */
public final class ByteRanges {

  public static final int MAX_RANGES = 50;

  private ByteRanges() {
  }

  /** An inclusive range. */
  public record Range(long first, long last) {
    public long length() {
      return last - first + 1;
    }
  }

  /** Satisfiable ranges for an object of {@code size} bytes; null means "send it all"; empty means 416. */
  public static List<Range> parse(String header, long size) {
    if (header == null) {
      return null;
    }
    String h = header.trim();
    if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
      return null;
    }
    String[] specs = h.substring(6).split(",");
    if (specs.length > MAX_RANGES) {
      return null;
    }
    List<Range> out = new ArrayList<>();
    for (String spec : specs) {
      String s = spec.trim();
      int dash = s.indexOf('-');
      if (dash < 0) {
        return null;
      }
      String a = s.substring(0, dash).trim();
      String b = s.substring(dash + 1).trim();
      try {
        if (a.isEmpty()) {
          if (b.isEmpty()) {
            return null;
          }
          long suffix = Long.parseLong(b);
          if (suffix < 0) {
            return null;
          }
          if (suffix == 0 || size == 0) {
            continue;
          }
          out.add(new Range(Math.max(0, size - suffix), size - 1));
        } else {
          long first = Long.parseLong(a);
          long last = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b); // open-ended: to the end, even past it
          if (first < 0 || last < first) {
            return null;
          }
          if (first >= size) {
            continue;
          }
          out.add(new Range(first, Math.min(last, size - 1)));
        }
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return out;
  }
}
