package org.vertstack.objectstore.proxy;

import com.github.benmanes.caffeine.cache.Cache;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.http.Errors;
import org.vertstack.objectstore.db.ContainerDb;

import java.util.Optional;

/**
 * Swift's account_quotas and container_quotas middlewares: limits kept as metadata.
 * {@code X-Account-Meta-Quota-Bytes} (set only by a reseller admin) caps the account's bytes;
 * {@code X-Container-Meta-Quota-Bytes} and {@code -Quota-Count} (set by the container's writers)
 * cap a container. A write that would cross one is a 413. These sit beside the unified-limits
 * quotas of {@link Quotas}, which the cloud's operator sets per project.
 */
final class MetaQuotas {

  static final String ACCOUNT_BYTES = "x-account-meta-quota-bytes";
  static final String CONTAINER_BYTES = "x-container-meta-quota-bytes";
  static final String CONTAINER_COUNT = "x-container-meta-quota-count";

  private final ContainerDb db;
  /**
   * Each account's byte quota, if any, read at most every 2 s (it is changed rarely); shared by
   * the node's proxy instances, so a change is seen at once on the node that made it.
   */
  private final Cache<String, Optional<Long>> accountQuota;

  MetaQuotas(ContainerDb db, Cache<String, Optional<Long>> accountQuota) {
    this.db = db;
    this.accountQuota = accountQuota;
  }

  /** 400 unless each quota value given is a non-negative integer (or empty: removed). */
  static void validate(JsonObject changes, String... keys) {
    for (String key : keys) {
      String v = changes.getString(key);
      if (v != null && !v.isEmpty() && limit(v) == null) {
        throw Errors.badRequest("Invalid " + key + ": a non-negative integer");
      }
    }
  }

  void forgetAccount(String account) {
    accountQuota.invalidate(account);
  }

  /** Fails with 413 when adding {@code bytes} (and an object) would cross a quota of the container or account. */
  Future<Void> check(SwiftPath path, JsonObject containerInfo, long bytes) {
    return checkContainer(path, containerInfo, bytes).compose(v -> checkAccount(path, bytes));
  }

  private Future<Void> checkContainer(SwiftPath path, JsonObject info, long bytes) {
    if (info == null) {
      return Future.succeededFuture();
    }
    Long maxBytes = limit(info.getJsonObject("meta").getString(CONTAINER_BYTES));
    Long maxCount = limit(info.getJsonObject("meta").getString(CONTAINER_COUNT));
    if (maxBytes == null && maxCount == null) {
      return Future.succeededFuture();
    }
    // the cached info's counters may be behind: a quota is checked against the database's
    return db.container(path.account(), path.container()).compose(fresh -> {
      if (fresh == null) {
        return Future.succeededFuture();
      }
      if (maxBytes != null && fresh.getLong("bytes") + Math.max(0, bytes) > maxBytes) {
        return Future.failedFuture(Errors.of(413, "Upload exceeds quota."));
      }
      if (maxCount != null && fresh.getLong("objects") + 1 > maxCount) {
        return Future.failedFuture(Errors.of(413, "Upload exceeds quota."));
      }
      return Future.succeededFuture();
    });
  }

  private Future<Void> checkAccount(SwiftPath path, long bytes) {
    Optional<Long> cached = accountQuota.getIfPresent(path.account());
    Future<Optional<Long>> quota = cached != null ? Future.succeededFuture(cached)
      : db.account(path.account()).map(acct -> {
        Optional<Long> q = Optional.ofNullable(limit(acct.getJsonObject("meta").getString(ACCOUNT_BYTES)));
        accountQuota.put(path.account(), q);
        return q;
      });
    return quota.compose(q -> {
      if (q.isEmpty()) {
        return Future.succeededFuture();
      }
      return db.account(path.account()).compose(acct -> acct.getLong("bytes") + Math.max(0, bytes) > q.get()
        ? Future.failedFuture(Errors.of(413, "Upload exceeds quota."))
        : Future.succeededFuture());
    });
  }

  private static Long limit(String v) {
    if (v == null || v.isEmpty()) {
      return null;
    }
    try {
      long n = Long.parseLong(v.trim());
      return n < 0 ? null : n;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
