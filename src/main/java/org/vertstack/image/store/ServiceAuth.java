package org.vertstack.image.store;

import io.vertx.core.Future;

/** The image service's own identity towards the object store: a token and the service project. */
public interface ServiceAuth {

  record ServiceToken(String token, String projectId) {
  }

  /** A valid token (cached until close to expiry). */
  Future<ServiceToken> token();

  /** Forgets the cached token (after a 401), so the next call gets a fresh one. */
  void invalidate();
}
