package org.vertstack.objectstore.proxy;

import java.util.List;

/** The byte sources of an object: one for a plain object, the segments for a large object's manifest. */
record Pieces(List<String> hashes, List<Long> sizes, long total, String etag) {

  static Pieces single(String hash, long size, String etag) {
    return new Pieces(List.of(hash), List.of(size), size, etag);
  }
}
