package org.vertstack.dashboard;

import io.vertx.core.json.JsonObject;
import org.vertstack.testing.TestCloud;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;


import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in a real headless Chromium against a real node: sign-in, project switch,
 * admin CRUD, live updates from another client, and what a member does not see. Skipped only
 * where Debian's chromium is not installed. With -Dvertstack.screenshots=DIR it also saves
 * screenshots of the main panels there.
 */
class DashboardBrowserTest {

  private static final String MEMBER_PASSWORD = "dana-password-1";
  // the node is shared with other tests: names of our own
  private static final String ALPHA = TestCloud.unique("alpha");
  private static final String BETA = TestCloud.unique("beta");
  private static final String DANA = TestCloud.unique("dana");

  private static DashboardNode cloud;
  private static String adminToken;
  private static JsonObject alpha;
  private static JsonObject beta;
  private static String identityServiceId;
  private static final String WIDGETS = TestCloud.unique("widgets");

  private WebDriver browser;
  private WebDriverWait wait;
  private BrowserSession session;

  @BeforeAll
  static void startCloud() throws Exception {
    BrowserSession.requireChromium();
    cloud = DashboardNode.shared();
    adminToken = cloud.adminToken();
    alpha = cloud.create(adminToken, "projects", "project", new JsonObject().put("name", ALPHA).put("description", "Team alpha"));
    beta = cloud.create(adminToken, "projects", "project", new JsonObject().put("name", BETA).put("description", "Team beta"));
    JsonObject dana = cloud.create(adminToken, "users", "user", new JsonObject().put("name", DANA).put("password", MEMBER_PASSWORD));
    cloud.grant(adminToken, alpha.getString("id"), dana.getString("id"), "member");
    cloud.grant(adminToken, beta.getString("id"), dana.getString("id"), "member");
    identityServiceId = cloud.call("GET", "/identity/v3/services?type=identity", adminToken, null).body()
      .getJsonArray("services").getJsonObject(0).getString("id");
  }

  @BeforeEach
  void openBrowser() throws Exception {
    session = BrowserSession.open(Duration.ofSeconds(15));
    browser = session.browser();
    wait = session.waiter();
  }

  @AfterEach
  void closeBrowser() throws Exception {
    session.close();
  }

  // ---- helpers -----------------------------------------------------------------------

  private void signIn(String user, String password) {
    session.submitSignIn(cloud.url, user, password);
  }

  private void waitForShell(String projectName) {
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".content h1"), projectName));
  }

  private void waitLive() {
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("feed-status"), "Live"));
  }

  private List<String> menu() {
    return browser.findElements(By.cssSelector(".sidebar a")).stream().map(WebElement::getText).toList();
  }

  private By row(String collection, String name) {
    return By.cssSelector(".collection." + collection + " tr[data-name='" + name + "']");
  }

  private void createInDialog(String button, String... nameValuePairs) {
    browser.findElement(By.xpath("//button[normalize-space()='" + button + "']")).click();
    WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".dialog")));
    for (int i = 0; i < nameValuePairs.length; i += 2) {
      dialog.findElement(By.name(nameValuePairs[i])).sendKeys(nameValuePairs[i + 1]);
    }
    dialog.findElement(By.cssSelector("button[type=submit]")).click();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(".dialog")));
  }

  private Object js(String script) {
    return ((JavascriptExecutor) browser).executeScript(script);
  }

  private void screenshot(String name) throws Exception {
    String dir = System.getProperty("vertstack.screenshots");
    if (dir == null || dir.isBlank()) {
      return;
    }
    Files.createDirectories(Path.of(dir));
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), Path.of(dir, name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /** A registered limit of our own and alpha's limit for it; returns the limit's id. */
  private String limitForAlpha(int value) throws Exception {
    cloud.call("POST", "/identity/v3/registered_limits", adminToken, new JsonObject().put("registered_limits",
      new io.vertx.core.json.JsonArray().add(new JsonObject().put("service_id", identityServiceId)
        .put("resource_name", WIDGETS).put("default_limit", 10))));
    return cloud.call("POST", "/identity/v3/limits", adminToken, new JsonObject().put("limits",
        new io.vertx.core.json.JsonArray().add(new JsonObject().put("service_id", identityServiceId)
          .put("project_id", alpha.getString("id")).put("resource_name", WIDGETS).put("resource_limit", value))))
      .body().getJsonArray("limits").getJsonObject(0).getString("id");
  }

  // ---- tests -------------------------------------------------------------------------

  @Test
  void anAdminCreatesAProjectAndAUserAndSeesThemInTheLists() throws Exception {
    signIn("admin", DashboardNode.ADMIN_PASSWORD);
    waitForShell("admin");
    assertThat(menu()).containsExactly("Overview", "Compute", "Object store", "Images", "Identity", "Profile");
    assertThat(js("return performance.getEntriesByType('resource').map(e => new URL(e.name).origin)"
      + ".concat([new URL(document.URL).origin]).filter((o, i, all) => o !== all[all.length - 1]);"))
      .as("requests to other hosts").isEqualTo(List.of());

    // more projects than a page holds (50) sort before the new one: the table must turn to its
    // page after the create, or the admin would not see what was just made
    String filler = TestCloud.unique("vfill");
    List<String> fillers = new java.util.ArrayList<>();
    for (int i = 0; i < 51; i++) {
      fillers.add(cloud.create(adminToken, "projects", "project", new JsonObject().put("name", filler + "-" + i)).getString("id"));
    }
    try {
      browser.findElement(By.cssSelector("a[data-panel=identity]")).click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(row("projects", ALPHA)));
      String project = TestCloud.unique("web-made");
      createInDialog("Create project", "name", project, "description", "Made in the browser");
      wait.until(ExpectedConditions.visibilityOfElementLocated(row("projects", project)));
      editAndCreateUser(project);
    } finally {
      for (String id : fillers) {
        cloud.call("DELETE", "/identity/v3/projects/" + id, adminToken, null);
      }
    }
  }

  private void editAndCreateUser(String project) throws Exception {
    assertThat(cloud.call("GET", "/identity/v3/projects?name=" + project, adminToken, null).body()
      .getJsonArray("projects")).hasSize(1);

    // edit it: the list shows the new description
    browser.findElement(row("projects", project)).findElement(By.xpath(".//button[normalize-space()='Edit']")).click();
    WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".dialog")));
    WebElement description = dialog.findElement(By.name("description"));
    description.clear();
    description.sendKeys("Edited in the browser");
    dialog.findElement(By.cssSelector("button[type=submit]")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(row("projects", project), "Edited in the browser"));

    browser.findElement(By.cssSelector("button[data-tab=users]")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("users", DANA)));
    String user = TestCloud.unique("web-user");
    createInDialog("Create user", "name", user, "password", "web-user-password");
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("users", user)));
    assertThat(cloud.call("GET", "/identity/v3/users?name=" + user, adminToken, null).body()
      .getJsonArray("users")).hasSize(1);
  }

  @Test
  void aChangeMadeByAnotherClientAppearsWithoutReload() throws Exception {
    signIn("admin", DashboardNode.ADMIN_PASSWORD);
    waitForShell("admin");
    browser.findElement(By.cssSelector("a[data-panel=identity]")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("projects", ALPHA)));
    waitLive();
    js("window.__sameDocument = true;");

    long start = System.nanoTime();
    String name = TestCloud.unique("from-the-cli");
    cloud.create(adminToken, "projects", "project", new JsonObject().put("name", name));
    new WebDriverWait(browser, Duration.ofSeconds(15)).pollingEvery(Duration.ofMillis(10))
      .until(ExpectedConditions.visibilityOfElementLocated(row("projects", name)));
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.println("[dashboard] a project created through the API appeared on the page after " + millis + " ms");
    assertThat(js("return window.__sameDocument === true;")).isEqualTo(true);

    // and a delete by another client disappears the same way
    String id = cloud.call("GET", "/identity/v3/projects?name=" + name, adminToken, null).body()
      .getJsonArray("projects").getJsonObject(0).getString("id");
    cloud.call("DELETE", "/identity/v3/projects/" + id, adminToken, null);
    wait.until(ExpectedConditions.invisibilityOfElementLocated(row("projects", name)));
    assertThat(js("return window.__sameDocument === true;")).isEqualTo(true);
  }

  @Test
  void aMemberPicksAProjectSwitchesWithoutSigningInAgainAndSeesNoAdminPanel() throws Exception {
    signIn(DANA, MEMBER_PASSWORD);
    // two projects and no default one: the member chooses
    wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#project-chooser button[data-project='" + ALPHA + "']"))).click();
    waitForShell(ALPHA);
    assertThat(menu()).containsExactly("Overview", "Compute", "Object store", "Images", "Profile");
    String alphaLimit = limitForAlpha(4);
    browser.navigate().refresh();
    waitForShell(ALPHA);
    By widgets = By.cssSelector(".usage[data-resource='" + WIDGETS + "']");
    assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(widgets)).getText()).contains("limit 4");
    // the project's limit changed by an admin elsewhere: the member's page follows, live
    waitLive();
    cloud.call("PATCH", "/identity/v3/limits/" + alphaLimit, adminToken,
      new JsonObject().put("limit", new JsonObject().put("resource_limit", 7)));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(widgets, "limit 7"));
    assertThat(browser.findElements(By.cssSelector("a[data-panel=identity]"))).isEmpty();
    String alphaToken = (String) js("return JSON.parse(sessionStorage.getItem('vertstack.session')).scoped.id;");

    new Select(browser.findElement(By.id("project-switcher"))).selectByVisibleText(BETA);
    waitForShell(BETA);
    assertThat(browser.findElements(By.name("password"))).as("no second sign-in").isEmpty();
    String betaToken = (String) js("return JSON.parse(sessionStorage.getItem('vertstack.session')).scoped.id;");
    assertThat(betaToken).isNotEqualTo(alphaToken);
    assertThat(js("return JSON.parse(sessionStorage.getItem('vertstack.session')).scoped.project.id;"))
      .isEqualTo(beta.getString("id"));
    assertThat(cloud.call("GET", "/identity/v3/auth/catalog", betaToken, null).status()).isEqualTo(200);
    // switching revokes the token of the project left behind (without signing the page out)
    long until = System.currentTimeMillis() + 5000;
    while (cloud.call("GET", "/identity/v3/auth/catalog", alphaToken, null).status() != 401 && System.currentTimeMillis() < until) {
      Thread.sleep(50);
    }
    assertThat(cloud.call("GET", "/identity/v3/auth/catalog", alphaToken, null).status()).isEqualTo(401);
    waitLive();
    assertThat(browser.findElements(By.name("password"))).as("still signed in").isEmpty();
    assertThat((String) js("return document.cookie;")).as("no token in a cookie").isEmpty();

    // the API refuses the admin panels' calls anyway
    assertThat(cloud.call("GET", "/identity/v3/users", betaToken, null).status()).isEqualTo(403);

    // signing out revokes the token
    browser.findElement(By.id("sign-out")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("username")));
    assertThat(cloud.call("GET", "/identity/v3/auth/catalog", betaToken, null).status()).isEqualTo(401);
    assertThat(js("return sessionStorage.getItem('vertstack.session');")).isNull();
  }

  @Test
  void aUserChangesTheirPasswordInTheProfile() throws Exception {
    String name = TestCloud.unique("erin");
    JsonObject erin = cloud.create(adminToken, "users", "user", new JsonObject().put("name", name)
      .put("password", "erin-old-password").put("default_project_id", alpha.getString("id")));
    cloud.grant(adminToken, alpha.getString("id"), erin.getString("id"), "reader");
    signIn(name, "erin-old-password");
    waitForShell(ALPHA);
    browser.findElement(By.cssSelector("a[data-panel=profile]")).click();
    WebElement form = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".content form")));
    // a wrong current password is a message in the form, not the end of the session
    form.findElement(By.name("original")).sendKeys("not-erins-password");
    form.findElement(By.name("password")).sendKeys("erin-new-password");
    form.findElement(By.name("confirm")).sendKeys("erin-new-password");
    form.findElement(By.cssSelector("button[type=submit]")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".content form .error"), "not correct"));
    form.findElement(By.name("original")).clear();
    form.findElement(By.name("original")).sendKeys("erin-old-password");
    form.findElement(By.cssSelector("button[type=submit]")).click();
    // every token of the user is revoked: back to the sign-in page, with a word why
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#login-form .notice"), "password was changed"));
    assertThat(cloud.token(name, "erin-new-password", ALPHA)).isNotBlank();
  }

  /** Only with -Dvertstack.screenshots=DIR: the main panels with a few limits to show. */
  @Test
  void screenshotsOfTheMainPanels() throws Exception {
    assumeTrue(System.getProperty("vertstack.screenshots") != null, "screenshots not asked for");
    io.vertx.core.json.JsonArray registered = new io.vertx.core.json.JsonArray();
    String[][] demo = {{"application_credentials", "20"}, {"groups", "50"}, {"users", "100"}};
    for (String[] d : demo) {
      registered.add(new JsonObject().put("service_id", identityServiceId).put("resource_name", d[0])
        .put("default_limit", Integer.parseInt(d[1])));
    }
    cloud.call("POST", "/identity/v3/registered_limits", adminToken, new JsonObject().put("registered_limits", registered));
    browser.get(cloud.url + "/");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("username")));
    screenshot("login");
    signIn("admin", DashboardNode.ADMIN_PASSWORD);
    waitForShell("admin");
    waitLive();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".usage[data-resource=users]")));
    screenshot("overview");
    browser.findElement(By.cssSelector("a[data-panel=identity]")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("projects", ALPHA)));
    screenshot("identity-projects");
    browser.findElement(By.cssSelector("button[data-tab=assignments]")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".collection.role-assignments tr")));
    screenshot("identity-role-assignments");
    browser.findElement(By.cssSelector("button[data-tab=users]")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("users", DANA)));
    browser.findElement(By.xpath("//button[normalize-space()='Create user']")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".dialog")));
    screenshot("identity-create-user");
    browser.findElement(By.cssSelector(".dialog button.secondary")).click();
    browser.findElement(By.cssSelector("a[data-panel=profile]")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".content h1"), "Profile"));
    screenshot("profile");
  }

  @Test
  void aWrongPasswordIsShownAsAReadableMessage() {
    signIn("admin", "not-the-password");
    WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#login-form .error")));
    assertThat(error.getText()).contains("not correct");
  }
}
