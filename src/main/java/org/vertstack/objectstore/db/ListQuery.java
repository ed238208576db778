package org.vertstack.objectstore.db;

/** The listing parameters of a Swift GET on an account or container. */
public record ListQuery(int limit, String marker, String endMarker, String prefix, String delimiter, boolean reverse) {

  public static final int MAX_LIMIT = 10_000;

  public ListQuery {
    prefix = prefix == null ? "" : prefix;
    marker = marker == null || marker.isEmpty() ? null : marker;
    endMarker = endMarker == null || endMarker.isEmpty() ? null : endMarker;
    delimiter = delimiter == null || delimiter.isEmpty() ? null : delimiter;
  }

  /** The smallest string greater than every string that starts with {@code s} (bytewise order). */
  public static String upperBound(String s) {
    int[] cps = s.codePoints().toArray();
    for (int i = cps.length - 1; i >= 0; i--) {
      int next = cps[i] + 1;
      if (next >= 0xD800 && next <= 0xDFFF) {
        next = 0xE000;
      }
      if (next <= 0x10FFFF) {
        cps[i] = next;
        return new String(cps, 0, i + 1);
      }
    }
    return null;
  }
}
