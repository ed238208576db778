package org.vertstack.compute;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.vertstack.common.http.Errors;
import org.vertstack.common.http.RouteInventory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The metadata API's paths (what a guest asks of http://169.254.169.254, forwarded by the
 * network's metadata proxy to {@code /compute/metadata/...}), as Nova's handler serves them:
 * {@code /} lists the EC2 versions (no instance needed); {@code /openstack} the OpenStack
 * versions, {@code /openstack/<version>} its files, {@code /openstack/<version>/<file>} one file;
 * {@code /<ec2 version>}, {@code /<ec2 version>/user-data} and the tree under
 * {@code /<ec2 version>/meta-data/}. Thin: {@link MetadataService} identifies the instance.
 */
final class MetadataApi {

  /** Nova's EC2 metadata versions (nova/api/metadata/base.py); every one answers the same content. */
  static final List<String> EC2_VERSIONS = List.of("1.0", "2007-01-19", "2007-03-01", "2007-08-29", "2007-10-10",
    "2007-12-15", "2008-02-01", "2008-09-01", "2009-04-04");
  private static final String TEXT = "text/plain; charset=UTF-8";
  private static final String JSON = "application/json";

  private MetadataApi() {
  }

  /** An answer's bytes and content type. */
  private record Answer(byte[] body, String type) {

    static Answer text(String s) {
      return new Answer(s.getBytes(StandardCharsets.UTF_8), TEXT);
    }
  }

  static void mount(Router r, MetadataService metadata) {
    r.get("/metadata").handler(ctx -> end(ctx, Future.succeededFuture(Answer.text(lines(withLatest(EC2_VERSIONS))))));
    r.get("/metadata/openstack").handler(ctx -> serve(ctx, metadata,
      files -> Answer.text(lines(withLatest(ConfigDrive.VERSIONS)))));
    r.get("/metadata/openstack/:version").handler(ctx -> serve(ctx, metadata, files -> {
      String dir = "openstack/" + openstackVersion(ctx) + "/";
      TreeSet<String> names = new TreeSet<>();
      files.keySet().stream().filter(p -> p.startsWith(dir)).forEach(p -> names.add(p.substring(dir.length())));
      return Answer.text(lines(new ArrayList<>(names)));
    }));
    r.get("/metadata/openstack/:version/:file").handler(ctx -> serve(ctx, metadata, files -> {
      String name = ctx.pathParam("file");
      byte[] body = files.get("openstack/" + openstackVersion(ctx) + "/" + name);
      if (body == null) {
        throw Errors.notFound("The resource could not be found.");
      }
      return new Answer(body, name.endsWith(".json") ? JSON : TEXT);
    }));
    r.get("/metadata/:version").handler(ctx -> serve(ctx, metadata, files -> {
      ec2Version(ctx);
      return Answer.text(files.containsKey("ec2/latest/user-data") ? "meta-data/\nuser-data" : "meta-data/");
    }));
    r.get("/metadata/:version/user-data").handler(ctx -> serve(ctx, metadata, files -> {
      ec2Version(ctx);
      byte[] body = files.get("ec2/latest/user-data");
      if (body == null) {
        throw Errors.notFound("The resource could not be found.");
      }
      return new Answer(body, TEXT);
    }));
    r.get("/metadata/:version/meta-data").handler(ctx -> serve(ctx, metadata, files -> ec2Item(ctx, files, "")));
    // the tree below meta-data is walked here; the route inventory (policy table, bad-input sweep) sees one template
    r.get("/metadata/:version/meta-data/*").putMetadata(RouteInventory.TEMPLATES, List.of("GET /metadata/:version/meta-data/:item"))
      .handler(ctx -> serve(ctx, metadata, files -> ec2Item(ctx, files, ctx.pathParam("*"))));
  }

  private static void serve(RoutingContext ctx, MetadataService metadata, Function<Map<String, byte[]>, Answer> pick) {
    var h = ctx.request().headers();
    Future<Answer> answer;
    try {
      answer = metadata.files(h.getAll("X-Instance-ID"), h.getAll("X-Tenant-ID"), h.getAll("X-Instance-ID-Signature")).map(pick);
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    end(ctx, answer);
  }

  private static void end(RoutingContext ctx, Future<Answer> answer) {
    answer.onSuccess(a -> ctx.response().putHeader("Content-Type", a.type()).end(Buffer.buffer(a.body()))).onFailure(ctx::fail);
  }

  private static String openstackVersion(RoutingContext ctx) {
    String v = ctx.pathParam("version");
    if (!"latest".equals(v) && !ConfigDrive.VERSIONS.contains(v)) {
      throw Errors.notFound("The resource could not be found.");
    }
    return v;
  }

  private static void ec2Version(RoutingContext ctx) {
    String v = ctx.pathParam("version");
    if (!"latest".equals(v) && !EC2_VERSIONS.contains(v)) {
      throw Errors.notFound("The resource could not be found.");
    }
  }

  /** One node of the EC2 meta-data tree, printed as Nova's ec2_md_print prints it. */
  private static Answer ec2Item(RoutingContext ctx, Map<String, byte[]> files, String path) {
    ec2Version(ctx);
    Object node = new JsonObject(Buffer.buffer(files.get("ec2/latest/meta-data.json")));
    for (String part : path == null ? new String[0] : path.split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      if (!(node instanceof JsonObject o) || part.startsWith("_") || !o.containsKey(part)) {
        throw Errors.notFound("The resource could not be found.");
      }
      node = o.getValue(part);
    }
    return Answer.text(print(node));
  }

  /** Nova's ec2_md_print: an object lists its keys (a sub-object as "key/", or its "_name"), a list its items. */
  static String print(Object node) {
    if (node instanceof JsonObject o) {
      List<String> out = new ArrayList<>();
      for (String key : new TreeSet<>(o.fieldNames())) {
        if (key.equals("_name")) {
          continue;
        }
        Object v = o.getValue(key);
        out.add(v instanceof JsonObject sub ? (sub.containsKey("_name") ? sub.getString("_name") : key + "/") : key);
      }
      return lines(out);
    }
    if (node instanceof JsonArray a) {
      List<String> out = new ArrayList<>();
      a.forEach(x -> out.add(String.valueOf(x)));
      return lines(out);
    }
    return node == null ? "" : String.valueOf(node);
  }

  private static List<String> withLatest(List<String> versions) {
    List<String> all = new ArrayList<>(versions);
    all.add("latest");
    return all;
  }

  private static String lines(List<String> items) {
    return String.join("\n", items);
  }
}
