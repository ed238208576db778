package org.vertstack.common.policy;

/**
 * Who may do what in the image API (Glance v2), after Glance's secure-RBAC defaults. An image
 * belongs to its owner project; target flags set by the image service:
 * <ul>
 *   <li>{@code target.public}, {@code target.community}: the image's visibility;</li>
 *   <li>{@code target.member}: the caller's project is a member of the (shared) image;</li>
 *   <li>{@code target.invited}: the member record acted on is the caller's project.</li>
 * </ul>
 * An image the caller may not see is a 404 (its existence is not revealed); one it may see but
 * not change is a 403.
 */
public final class ImagePolicy {

  private ImagePolicy() {
  }

  private static final String SEE = "system_admin or project_reader or (reader and (target.public or target.community or target.member))";
  private static final String CHANGE = "system_admin or project_member";

  public static final Policy RULES = Policy.of(
    "get_versions", "anyone",
    "get_schemas", "authenticated",
    "get_import_info", "reader",
    "get_stores_info", "reader",
    "get_stores_info_detail", "system_admin",
    "get_usage", "project_reader",
    // images
    "get_images", "reader",
    "get_images_all_projects", "system_admin",
    "get_image", SEE,
    "download_image", SEE,
    "download_deactivated_image", "system_admin",
    "get_image_tasks", SEE,
    "add_image", "project_member",
    "set_image_owner", "system_admin",
    "publicize_image", "system_admin",
    "modify_image", CHANGE,
    "delete_image", CHANGE,
    "upload_image", CHANGE,
    "import_image", CHANGE,
    "copy_image", "system_admin",
    // where the bytes are (an image's locations, one per store) and removing them from one store
    "get_image_location", "system_admin",
    "delete_image_location", "system_admin",
    "deactivate", CHANGE,
    "reactivate", CHANGE,
    // the image cache of the node that answers
    "cache_list", "system_admin",
    "cache_image", "system_admin",
    "cache_delete", "system_admin",
    // members of a shared image: the owner manages them, the invited project answers
    "get_members", SEE,
    "get_all_members", "system_reader or project_reader",
    "get_member", SEE,
    "add_member", CHANGE,
    "delete_member", CHANGE,
    "modify_member", "reader and target.invited",
    // metadata definitions: read by all, written by the operator
    "get_metadef", "reader",
    "get_private_metadef_namespaces", "system_admin",
    "manage_metadef", "system_admin");

  private static final String V2 = "/image/v2";
  private static final String IMAGE = V2 + "/images/:id";
  private static final String NS = V2 + "/metadefs/namespaces";

  public static final RouteRules ROUTES = RouteRules.of(RULES,
    "GET /image/", "get_versions",
    "GET /image/versions", "get_versions",
    "GET " + V2, "get_versions",
    "GET " + V2 + "/", "get_versions",
    "GET " + V2 + "/schemas/*", "get_schemas",
    "GET " + V2 + "/info/import", "get_import_info",
    "GET " + V2 + "/info/stores", "get_stores_info",
    "GET " + V2 + "/info/stores/detail", "get_stores_info_detail",
    "DELETE " + V2 + "/stores/:store/:id", "delete_image_location",
    "GET " + V2 + "/info/usage", "get_usage",
    "GET " + V2 + "/images", "get_images",
    "POST " + V2 + "/images", "add_image",
    "GET " + IMAGE, "get_image",
    "PATCH " + IMAGE, "modify_image",
    "DELETE " + IMAGE, "delete_image",
    "PUT " + IMAGE + "/file", "upload_image",
    "GET " + IMAGE + "/file", "download_image",
    "PUT " + IMAGE + "/stage", "upload_image",
    "POST " + IMAGE + "/import", "import_image",
    "GET " + IMAGE + "/tasks", "get_image_tasks",
    "PUT " + IMAGE + "/tags/:tag", "modify_image",
    "DELETE " + IMAGE + "/tags/:tag", "modify_image",
    "GET " + IMAGE + "/members", "get_members",
    "POST " + IMAGE + "/members", "add_member",
    "GET " + IMAGE + "/members/:member", "get_member",
    "PUT " + IMAGE + "/members/:member", "modify_member",
    "DELETE " + IMAGE + "/members/:member", "delete_member",
    "POST " + IMAGE + "/actions/deactivate", "deactivate",
    "POST " + IMAGE + "/actions/reactivate", "reactivate",
    "GET " + V2 + "/cache", "cache_list",
    "DELETE " + V2 + "/cache", "cache_delete",
    "PUT " + V2 + "/cache/:id", "cache_image",
    "DELETE " + V2 + "/cache/:id", "cache_delete",
    "GET " + V2 + "/metadefs/resource_types", "get_metadef",
    "GET " + NS + "*", "get_metadef",
    "POST " + NS + "*", "manage_metadef",
    "PUT " + NS + "*", "manage_metadef",
    "DELETE " + NS + "*", "manage_metadef");
}
