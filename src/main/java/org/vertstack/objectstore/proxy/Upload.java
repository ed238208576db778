package org.vertstack.objectstore.proxy;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * The bytes an object write stores: a paused stream (resumed by the write, at the pace of the
 * replicas) and its length, -1 when unknown (chunked, form uploads).
 */
interface Upload {

  ReadStream<Buffer> stream();

  long length();

  /** Called once the store is ready for the bytes (a client waiting on 100-continue is told to send). */
  default void ready() {
  }

  /** The whole body in one buffer when its source can give it so (a small request body); null: it is streamed. */
  default Future<Buffer> whole() {
    return null;
  }

  static Upload of(ReadStream<Buffer> stream, long length) {
    return new Upload() {
      @Override
      public ReadStream<Buffer> stream() {
        return stream;
      }

      @Override
      public long length() {
        return length;
      }
    };
  }
}
