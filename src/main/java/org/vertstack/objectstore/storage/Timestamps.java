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

  public static String format(long micros) {
    return String.format("%019d", micros);
  }

  public static long micros(String ts) {
    return Long.parseLong(ts);
  }

  public static long millis(String ts) {
    return Long.parseLong(ts) / 1000;
  }
}
