package org.vertstack.dashboard;

import io.vertx.core.json.JsonObject;

/**
 * What a browser test signs in to: a project of its own on the shared dashboard node, with users
 * given a role in it (it is their default project), all with one password. Skips, or fails with
 * CI=true, where Chromium is missing, before anything is made.
 */
record SeededProject(DashboardNode cloud, String adminToken, String id, String name) {

  /** {@code userThenRole}: pairs of a user name and the role it gets ("member", "reader"). */
  static SeededProject seed(String name, String password, String... userThenRole) throws Exception {
    BrowserSession.requireChromium();
    DashboardNode cloud = DashboardNode.shared();
    String admin = cloud.adminToken();
    String id = cloud.create(admin, "projects", "project", new JsonObject().put("name", name)).getString("id");
    for (int i = 0; i < userThenRole.length; i += 2) {
      JsonObject user = cloud.create(admin, "users", "user", new JsonObject().put("name", userThenRole[i]).put("password", password)
        .put("default_project_id", id));
      cloud.grant(admin, id, user.getString("id"), userThenRole[i + 1]);
    }
    return new SeededProject(cloud, admin, id, name);
  }
}
