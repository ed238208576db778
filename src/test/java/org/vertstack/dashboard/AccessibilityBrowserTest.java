package org.vertstack.dashboard;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.vertstack.testing.TestCloud;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * axe-core (from npm, run in the page) on every panel and tab an admin sees, with data in the
 * lists, at desktop and phone widths: no serious or critical violation anywhere (issue 13).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AccessibilityBrowserTest {

  private static final String CONTAINER = TestCloud.unique("a11y-box");

  private static DashboardNode cloud;
  private static BrowserSession session;
  private static WebDriver browser;
  private static WebDriverWait wait;

  @BeforeAll
  static void start() throws Exception {
    BrowserSession.requireChromium();
    cloud = DashboardNode.shared();
    String admin = cloud.adminToken();
    String project = cloud.call("GET", "/identity/v3/auth/projects", admin, null).body().getJsonArray("projects").stream()
      .map(JsonObject.class::cast).filter(p -> "admin".equals(p.getString("name"))).findFirst().orElseThrow().getString("id");
    String account = "/object-store/v1/AUTH_" + project;
    cloud.send("PUT", account + "/" + CONTAINER, admin, null);
    cloud.send("PUT", account + "/" + CONTAINER + "/docs/read-me.txt", admin, "hello".getBytes(StandardCharsets.UTF_8));
    cloud.call("POST", "/image/v2/images", admin, new JsonObject().put("name", TestCloud.unique("a11y-disk"))
      .put("disk_format", "raw").put("container_format", "bare"));
    session = BrowserSession.open();
    browser = session.browser();
    wait = session.waiter();
  }

  @AfterAll
  static void stop() throws Exception {
    if (session != null) {
      session.close();
    }
  }

  private final List<String> problems = new ArrayList<>();

  private void check(String where) throws Exception {
    // let lists finish loading first: a spinner is not what a user reads
    wait.until(d -> d.findElements(By.cssSelector(".content .spinner")).isEmpty());
    for (String p : Chromium.accessibilityProblems(browser)) {
      problems.add(where + ": " + p);
    }
  }

  private void panel(String id, String title) {
    browser.findElement(By.cssSelector("a[data-panel=" + id + "]")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".content h1"), title));
  }

  private void tab(String id) {
    browser.findElement(By.cssSelector("[data-tab=" + id + "]")).click();
    wait.until(ExpectedConditions.attributeToBe(By.cssSelector("[data-tab=" + id + "]"), "aria-selected", "true"));
  }

  private void everyPanel(String width) throws Exception {
    if (width.equals("phone")) {
      browser.findElement(By.id("menu-toggle")).click();
    }
    panel("overview", "Overview");
    check(width + " overview");
    for (String[] p : new String[][] {{"compute", "Compute"}, {"images", "Images"}, {"profile", "Profile"}}) {
      if (width.equals("phone")) {
        browser.findElement(By.id("menu-toggle")).click();
      }
      panel(p[0], p[1]);
      check(width + " " + p[0]);
    }
  }

  @Test
  void everyPanelHasNoSeriousOrCriticalViolation() throws Exception {
    browser.get(cloud.url + "/");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("username")));
    check("sign-in");
    session.fillSignIn("admin", DashboardNode.ADMIN_PASSWORD);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("feed-status"), "Live"));

    // a reload revalidates every file by its ETag: 304s with no body
    browser.navigate().refresh();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("feed-status"), "Live"));
    Object sent = ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
      "const all = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]"
        + ".filter((e) => !e.name.includes('/identity/') && !e.name.includes('/v1/'));"
        + " return {files: all.length, transferred: all.reduce((n, e) => n + e.transferSize, 0),"
        + " largest: Math.max(...all.map((e) => e.transferSize))};");
    System.out.println("[dashboard] a reload fetched " + sent);
    @SuppressWarnings("unchecked")
    java.util.Map<String, Number> reload = (java.util.Map<String, Number>) sent;
    // a 304 is its headers only (the CSP is most of them); a file sent again would be kilobytes
    assertThat(reload.get("largest").longValue()).as("the largest transfer of a reload").isLessThan(1500);
    assertThat(reload.get("files").intValue()).as("files revalidated").isGreaterThan(10);

    everyPanel("desktop");
    panel("compute", "Compute");
    for (String t : new String[] {"flavors", "keypairs"}) {
      tab(t);
      check("compute " + t);
    }
    panel("object-store", "Object store");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-name='" + CONTAINER + "']")));
    check("object store containers");
    browser.findElement(By.cssSelector("tr[data-name='" + CONTAINER + "'] button.open")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".collection.objects")));
    check("object store objects");
    // bulk select, its confirmation, and an object's details (issue 13)
    browser.findElement(By.cssSelector("button.folder[data-folder='docs/']")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-name='read-me.txt'] input.select"))).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".bulk-bar")));
    check("object store bulk selection");
    browser.findElement(By.cssSelector(".bulk-bar button[data-bulk=Delete]")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("bulk-confirm")));
    check("bulk confirmation");
    browser.findElement(By.xpath("//div[contains(@class,'bulk-dialog')]//button[normalize-space()='Cancel']")).click();
    browser.findElement(By.cssSelector("tr[data-name='read-me.txt'] button.object-name")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".dialog .facts")));
    check("object details");
    browser.navigate().back();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(".dialog")));
    panel("images", "Images");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".collection.images button.details-link"))).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".dialog .details .facts")));
    check("image details");
    browser.navigate().back();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(".dialog")));
    panel("identity", "Identity");
    for (String t : new String[] {"projects", "users", "roles", "assignments"}) {
      tab(t);
      check("identity " + t);
    }
    tab("users");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".collection.users input.table-search"))).sendKeys("admin");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-name=admin] button.details-link"))).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".dialog .details .facts")));
    check("user details");
    browser.navigate().back();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(".dialog")));

    browser.manage().window().setSize(new Dimension(400, 800));
    everyPanel("phone");
    assertThat(problems).isEmpty();
  }
}
