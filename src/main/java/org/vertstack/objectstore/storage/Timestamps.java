package org.vertstack.objectstore.storage;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Object version timestamps: microseconds since the epoch, 19 digits, so their string order is
 * their time order. Strictly increasing within a JVM, so two writes never share one.
 */
public final class Timestamps {

  private static final AtomicLong LAST = new AtomicLong();

  private Timestamps() {
  }

  public static String next() {
    long now = System.currentTimeMillis() * 1000;
    long ts = LAST.accumulateAndGet(now, (prev, cur) -> Math.max(prev + 1, cur));
    return format(ts);
  }

  private static final String ZEROS = "0000000000000000000";

  /** Zero-padded to 19 digits (String.format cost 5 % of a small PUT's CPU). */
  public static String format(long micros) {
    if (micros < 0) {
      throw new IllegalArgumentException("negative timestamp");
    }
    String digits = Long.toString(micros);
    return digits.length() >= 19 ? digits : ZEROS.substring(digits.length()) + digits;
  }

  public static long micros(String ts) {
    return Long.parseLong(ts);
  }

  public static long millis(String ts) {
    return Long.parseLong(ts) / 1000;
  }
}
