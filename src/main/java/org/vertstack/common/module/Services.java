package org.vertstack.common.module;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.serviceproxy.ServiceBinder;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * Registers a service implementation on the event bus (vertx-service-proxy), so that a method
 * that throws instead of returning a failed future still answers with its status: the generated
 * handler would turn the exception into a 500. With this, service methods may simply throw
 * {@code Errors.badRequest(...)} and no per-method guard is needed.
 */
public final class Services {

  private Services() {
  }

  /** Registers {@code impl} at {@code address}; completes once the registration is in place. */
  public static <T> Future<Void> register(Vertx vertx, String address, Class<T> type, T impl) {
    return new ServiceBinder(vertx).setAddress(address).register(type, failuresAsFutures(type, impl)).completion();
  }

  /** {@code impl}, with whatever its Future-returning methods throw returned as a failed future. */
  public static <T> T failuresAsFutures(Class<T> type, T impl) {
    InvocationHandler handler = (proxy, method, args) -> {
      try {
        return method.invoke(impl, args);
      } catch (InvocationTargetException e) {
        if (Future.class.isAssignableFrom(method.getReturnType())) {
          return Future.failedFuture(e.getCause());
        }
        throw e.getCause();
      }
    };
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
  }
}
