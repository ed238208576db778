package org.vertstack.image.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * Where image bytes live. Everything streams: an upload is piped in with back-pressure and a
 * download is handed back as a stream; no implementation may hold a whole image in memory.
 */
public interface ImageStore {

  /** The store's name as Glance reports it in {@code stores} and /v2/info/stores. */
  String id();

  /** What GET /v2/info/stores says about the store (never its address or credentials). */
  String description();

  /** Where the bytes of {@code name} are, as an admin sees it in the image's {@code locations}. */
  String location(String name);

  /**
   * Writes {@code data} under {@code name}. If the source fails (client cut off, inspector
   * refusal, quota) the write is aborted, nothing is left under that name, and the future fails
   * with the source's error.
   */
  Future<Void> put(String name, ReadStream<Buffer> data, long contentLength);

  /** Opens bytes {@code [start, endInclusive]} ({@code endInclusive < 0}: to the end). 404 if absent. */
  Future<ReadStream<Buffer>> get(String name, long start, long endInclusive);

  /** Removes the bytes; succeeds when they are gone (also when they never existed). */
  Future<Void> delete(String name);
}
