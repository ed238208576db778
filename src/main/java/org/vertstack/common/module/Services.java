package org.vertstack.common.module;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.serviceproxy.ServiceBinder;

import java.util.function.Function;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * Registers a service implementation on the event bus (vertx-service-proxy), so that a method
 * that throws instead of returning a failed future still answers with its status: the generated
 * handler would turn the exception into a 500. With this, service methods may simply throw
 * {@code Errors.badRequest(...)} and no per-method guard is needed.
 *
 * <p>Proxies made by {@link #proxy} call this JVM's own registration of a service when it has one.
 * The clustered event bus would otherwise spread calls over every node that serves the address,
 * and a call that lands on a node which has just died waits out the whole send timeout (30 s)
 * before the cluster notices; a node that serves the service itself needs no other node for it.
 */
public final class Services {

  private Services() {
  }

  private static final String LOCAL = "vertstack.services.local";

  /** Registers {@code impl} at {@code address}; completes once the registration is in place. */
  public static <T> Future<Void> register(Vertx vertx, String address, Class<T> type, T impl) {
    Future<Void> done = new ServiceBinder(vertx).setAddress(address).register(type, failuresAsFutures(type, impl)).completion();
    servedHere(vertx, address);
    return done;
  }

  /** Notes that this JVM serves {@code address} (for registrations made with a ServiceBinder directly). */
  public static void servedHere(Vertx vertx, String address) {
    vertx.sharedData().getLocalMap(LOCAL).put(address, true);
  }

  private static boolean isServedHere(Vertx vertx, String address) {
    return vertx.sharedData().getLocalMap(LOCAL).containsKey(address);
  }

  /**
   * A proxy of the service at {@code address} that calls this JVM's registration when there is
   * one (decided per call, so a proxy made before the service started uses it once it runs), and
   * any node's otherwise, or when the local one is gone. {@code make} builds the generated proxy
   * with the given delivery options.
   */
  public static <T> T proxy(Vertx vertx, Class<T> type, String address, Function<DeliveryOptions, T> make) {
    T here = make.apply(new DeliveryOptions().setLocalOnly(true));
    T anywhere = make.apply(new DeliveryOptions());
    InvocationHandler handler = (proxy, method, args) -> {
      if (method.getDeclaringClass() == Object.class || !isServedHere(vertx, address)) {
        return call(method, anywhere, args);
      }
      Object result = call(method, here, args);
      if (result instanceof Future<?> f) {
        @SuppressWarnings("unchecked")
        Future<Object> answer = (Future<Object>) f;
        return answer.recover(err -> {
          if (err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
            // the local registration went away (its verticle was undeployed): stop trying it first;
            // a new registration marks the address again
            vertx.sharedData().getLocalMap(LOCAL).remove(address);
            return retried(method, anywhere, args);
          }
          return Future.failedFuture(err);
        });
      }
      return result;
    };
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
  }

  /** The call again on any node's registration (the local one went away meanwhile). */
  @SuppressWarnings("unchecked")
  private static Future<Object> retried(java.lang.reflect.Method method, Object target, Object[] args) {
    try {
      return (Future<Object>) call(method, target, args);
    } catch (Throwable t) {
      return Future.failedFuture(t);
    }
  }

  private static Object call(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
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
