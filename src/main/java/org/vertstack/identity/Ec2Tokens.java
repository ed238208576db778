package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.auth.AuthContext;

/**
 * POST /v3/ec2tokens: an EC2/S3 request signed with an ec2 credential's secret proves its user;
 * the answer is a token on the credential's project, as Keystone's s3token and ec2token
 * middlewares expect. Any mismatch is the same 401.
 */
final class Ec2Tokens implements Extension {

  private final Credentials credentials;
  private final Authenticator authenticator;

  Ec2Tokens(Credentials credentials, Authenticator authenticator) {
    this.credentials = credentials;
    this.authenticator = authenticator;
  }

  @Override
  public Future<JsonObject> handle(AuthContext anonymous, String action, Request req) {
    if (!"issue".equals(action)) {
      throw Extension.unknownAction(action);
    }
    JsonObject body = req.body() == null ? new JsonObject() : req.body();
    JsonObject creds = body.getValue("credentials") instanceof JsonObject c ? c
      : body.getValue("ec2Credentials") instanceof JsonObject c2 ? c2 : null;
    if (creds == null || !(creds.getValue("access") instanceof String access) || !(creds.getValue("signature") instanceof String signature)) {
      throw org.vertstack.common.http.Errors.badRequest("'credentials' with 'access' and 'signature' is required.");
    }
    return credentials.ec2ByAccess(access).compose(cred -> {
      if (cred == null || !Ec2Signature.matches(Ec2Signature.expected(creds, cred.getString("secret")), signature)) {
        return Future.failedFuture(Authenticator.denied());
      }
      return authenticator.projectToken(cred.getString("user_id"), cred.getString("tenant_id"), new JsonArray().add("ec2credential"));
    }).map(issued -> Extension.withHeaders(Extension.ok(new JsonObject().put("token", issued.getJsonObject("body"))),
      new JsonObject().put("X-Subject-Token", issued.getString("token"))));
  }
}
