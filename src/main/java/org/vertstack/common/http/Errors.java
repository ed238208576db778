package org.vertstack.common.http;

import io.vertx.serviceproxy.ServiceException;

/**
 * The one failure type for expected errors: a ServiceException whose failure code is the HTTP
 * status. It crosses the event bus unchanged, so a service's 404 is the API's 404.
 */
public final class Errors {

  private Errors() {
  }

  public static ServiceException of(int status, String message) {
    return new ServiceException(status, message);
  }

  public static ServiceException badRequest(String message) {
    return of(400, message);
  }

  public static ServiceException unauthorized(String message) {
    return of(401, message);
  }

  public static ServiceException forbidden(String message) {
    return of(403, message);
  }

  public static ServiceException notFound(String message) {
    return of(404, message);
  }

  public static ServiceException conflict(String message) {
    return of(409, message);
  }

  public static ServiceException overQuota(String message) {
    return of(413, message);
  }
}
