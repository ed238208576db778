package org.vertstack.identity;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/** What the identity service's parts share: the database, the public URL for links, passwords, revocation, the cloud's guards. */
record IdentityBackend(Vertx vertx, Pool db, String baseUrl, Passwords passwords, Revoker revoker, CloudGuards guards) {
}
