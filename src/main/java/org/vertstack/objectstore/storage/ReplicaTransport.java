package org.vertstack.objectstore.storage;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.vertstack.objectstore.storage.ReplicaWrite.Reply;

/**
 * How the proxy writes one replica: straight to this node's own disk ({@link LocalReplica}) or
 * through the device's object server ({@link RemoteReplica}). {@link ObjectClient} picks one per
 * replica and keeps the quorum, handoff and fan-out logic to itself. A failed future means the
 * device did not take the write (the caller then tries a handoff).
 */
sealed interface ReplicaTransport permits LocalReplica, RemoteReplica {

  /** Writes a small body in one go: 201 with its etag and size, or 422 when the etag did not match. */
  Future<Reply> putWhole(int part, String hash, Buffer body, JsonObject meta, String expectedEtag, String ts);

  /** Opens a streamed write ({@code length} -1 when chunked); the body follows through the returned write. */
  Future<ReplicaWrite> openWrite(int part, String hash, long length, JsonObject meta, String expectedEtag, String ts);
}
