package org.vertstack.dashboard;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.vertstack.testing.TestCloud;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13's bulk select, selected resources in the URL and guarded risky actions, in headless
 * Chromium against a real node: objects, images, users and servers selected (by mouse, by
 * keyboard, a whole page at once), acted on after a confirmation that names them, with what
 * failed said in words; details opened from a link survive a reload and close with Back; an ID
 * that names nothing says so; making something public asks first; a blank name is refused.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class BulkAndLinksBrowserTest extends BrowserPerTest {

  private static final String PASSWORD = "bulk-browser-pw-1";
  private static final String PROJECT = TestCloud.unique("bulk-proj");
  private static final String MEMBER = TestCloud.unique("bulk-mo");
  private static final String READER = TestCloud.unique("bulk-rae");

  private static DashboardNode cloud;
  private static String projectId;


  @BeforeAll
  static void startCloud() throws Exception {
    SeededProject project = SeededProject.seed(PROJECT, PASSWORD, MEMBER, "member", READER, "reader");
    cloud = project.cloud();
    projectId = project.id();
  }

  // ---- helpers -----------------------------------------------------------------------

  private void signIn(String user, String password, String landsIn) {
    session.signIn(cloud.url, user, password, landsIn);
  }

  private void signIn(String user) {
    signIn(user, PASSWORD, PROJECT);
  }

  /** Opens a view by its URL, as a bookmark or a shared link would. */
  private void open(String hash) {
    browser.get(cloud.url + "/" + hash);
  }

  private By row(String collection, String name) {
    return By.cssSelector(".collection." + collection + " tr[data-name='" + name + "']");
  }

  private WebElement checkbox(String collection, String name) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(row(collection, name))).findElement(By.cssSelector("input.select"));
  }

  private WebElement dialog() {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".dialog")));
  }

  private String hash() {
    return (String) ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("return location.hash");
  }

  private String account() {
    return "/object-store/v1/AUTH_" + projectId;
  }

  private String container(String token, String... objects) throws Exception {
    String name = TestCloud.unique("bulk-box");
    assertThat(cloud.send("PUT", account() + "/" + name, token, null).statusCode()).isEqualTo(201);
    for (String o : objects) {
      assertThat(cloud.send("PUT", account() + "/" + name + "/" + o, token, o.getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(201);
    }
    return name;
  }

  private String image(String token, String name) throws Exception {
    DashboardNode.Response r = cloud.call("POST", "/image/v2/images", token, new JsonObject().put("name", name)
      .put("disk_format", "raw").put("container_format", "bare"));
    assertThat(r.status()).isEqualTo(201);
    return r.body().getString("id");
  }

  // ---- bulk select -------------------------------------------------------------------

  @Test
  void objectsAreDeletedInBulkAndWhatFailedIsSaidInWords() throws Exception {
    String token = cloud.token(MEMBER, PASSWORD, PROJECT);
    String box = container(token, "a.txt", "b.txt", "c.txt", "keep.txt");
    signIn(MEMBER);
    open("#object-store/" + box);
    // by keyboard: Space on a focused, labelled checkbox
    WebElement a = checkbox("objects", "a.txt");
    assertThat(a.getAttribute("aria-label")).isEqualTo("Select a.txt");
    a.sendKeys(Keys.SPACE);
    checkbox("objects", "b.txt").sendKeys(Keys.SPACE);
    checkbox("objects", "c.txt").click();
    WebElement bar = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".bulk-bar")));
    assertThat(bar.getText()).contains("3 selected");
    bar.findElement(By.cssSelector("button[data-bulk=Delete]")).click();
    WebElement ask = dialog();
    assertThat(ask.getText()).contains("Delete 3 objects?").contains("a.txt, b.txt and c.txt");

    // another client deletes c.txt while the question is open: it fails, the others go
    assertThat(cloud.send("DELETE", account() + "/" + box + "/c.txt", token, null).statusCode()).isEqualTo(204);
    ask.findElement(By.id("bulk-confirm")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".bulk-progress"), "2 of 3 deleted; 1 failed."));
    assertThat(browser.findElement(By.cssSelector(".bulk-failures")).getText()).isEqualTo("c.txt: it no longer exists");
    browser.findElement(By.id("bulk-close")).click();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(row("objects", "a.txt")));
    wait.until(ExpectedConditions.invisibilityOfElementLocated(row("objects", "b.txt")));
    assertThat(cloud.send("HEAD", account() + "/" + box + "/a.txt", token, null).statusCode()).isEqualTo(404);
    assertThat(cloud.send("HEAD", account() + "/" + box + "/keep.txt", token, null).statusCode()).isEqualTo(200);
    assertThat(browser.findElements(By.cssSelector(".bulk-bar"))).isEmpty();
  }

  @Test
  void aReaderIsOfferedNoBulkSelect() throws Exception {
    String token = cloud.token(MEMBER, PASSWORD, PROJECT);
    String box = container(token, "seen.txt");
    String img = TestCloud.unique("bulk-seen");
    image(token, img);
    signIn(READER);
    open("#object-store/" + box);
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("objects", "seen.txt")));
    assertThat(browser.findElements(By.cssSelector("input.select"))).isEmpty();
    open("#images");
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("images", img)));
    assertThat(browser.findElements(By.cssSelector("input.select"))).isEmpty();
  }

  @Test
  void imagesAreDeletedInBulkButNotProtectedOnes() throws Exception {
    String token = cloud.token(MEMBER, PASSWORD, PROJECT);
    String prefix = TestCloud.unique("bulk-img");
    image(token, prefix + "-1");
    image(token, prefix + "-2");
    String kept = image(token, prefix + "-3");
    assertThat(cloud.send("PATCH", "/image/v2/images/" + kept, token,
      "[{\"op\":\"replace\",\"path\":\"/protected\",\"value\":true}]".getBytes(StandardCharsets.UTF_8),
      "Content-Type", "application/openstack-images-v2.1-json-patch").statusCode()).isEqualTo(200);
    signIn(MEMBER);
    open("#images");
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("images", prefix + "-3")));
    // a protected image cannot be deleted: it offers no checkbox, as it offers no plain Delete
    assertThat(browser.findElement(row("images", prefix + "-3")).findElements(By.cssSelector("input.select"))).isEmpty();
    checkbox("images", prefix + "-1").click();
    checkbox("images", prefix + "-2").click();
    browser.findElement(By.cssSelector(".bulk-bar button[data-bulk=Delete]")).click();
    assertThat(dialog().getText()).contains("Delete 2 images?");
    browser.findElement(By.id("bulk-confirm")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".bulk-progress"), "2 of 2 deleted."));
    browser.findElement(By.id("bulk-close")).click();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(row("images", prefix + "-1")));
    assertThat(browser.findElements(row("images", prefix + "-3"))).hasSize(1);
    cloud.send("PATCH", "/image/v2/images/" + kept, token,
      "[{\"op\":\"replace\",\"path\":\"/protected\",\"value\":false}]".getBytes(StandardCharsets.UTF_8),
      "Content-Type", "application/openstack-images-v2.1-json-patch");
    cloud.call("DELETE", "/image/v2/images/" + kept, token, null);
  }

  @Test
  void anAdminSelectsAPageOfUsersButNotItselfAndDeletesThem() throws Exception {
    String admin = cloud.adminToken();
    String prefix = TestCloud.unique("bulk-user");
    String[] ids = new String[3];
    for (int i = 0; i < 3; i++) {
      ids[i] = cloud.create(admin, "users", "user", new JsonObject().put("name", prefix + "-" + i).put("password", PASSWORD)).getString("id");
    }
    signIn("admin", DashboardNode.ADMIN_PASSWORD, "admin");
    open("#identity/users");
    WebElement search = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".collection.users input.table-search")));
    // one's own user is not offered, as it has no Delete
    search.sendKeys("admin");
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("users", "admin")));
    assertThat(browser.findElement(row("users", "admin")).findElements(By.cssSelector("input.select"))).isEmpty();
    search.clear();
    search.sendKeys(prefix);
    wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".collection.users tbody tr"), 3));
    WebElement all = browser.findElement(By.cssSelector("input.select[data-select=page]"));
    assertThat(all.getAttribute("aria-label")).isEqualTo("Select all on this page");
    all.sendKeys(Keys.SPACE);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".bulk-bar"), "3 selected"));
    browser.findElement(By.cssSelector(".bulk-bar button[data-bulk=Delete]")).click();
    assertThat(dialog().getText()).contains("Delete 3 users?").contains(prefix + "-0, " + prefix + "-1 and " + prefix + "-2");
    browser.findElement(By.id("bulk-confirm")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".bulk-progress"), "3 of 3 deleted."));
    for (String id : ids) {
      assertThat(cloud.call("GET", "/identity/v3/users/" + id, admin, null).status()).isEqualTo(404);
    }
  }

  @Test
  void serversAreStoppedAndStartedInBulk() throws Exception {
    String token = cloud.token(MEMBER, PASSWORD, PROJECT);
    String admin = cloud.adminToken();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (cloud.call("GET", "/compute/v2.1/os-hypervisors", admin, null).body().getJsonArray("hypervisors").isEmpty()) {
      assertThat(System.nanoTime()).as("a compute host registers").isLessThan(deadline);
      Thread.sleep(100);
    }
    String imageId = image(token, TestCloud.unique("bulk-disk"));
    assertThat(cloud.send("PUT", "/image/v2/images/" + imageId + "/file", token, new byte[4096],
      "Content-Type", "application/octet-stream").statusCode()).isEqualTo(204);
    JsonArray flavors = cloud.call("GET", "/compute/v2.1/flavors", token, null).body().getJsonArray("flavors");
    String prefix = TestCloud.unique("bulk-vm");
    DashboardNode.Response made = cloud.call("POST", "/compute/v2.1/servers", token, new JsonObject().put("server", new JsonObject()
      .put("name", prefix).put("imageRef", imageId).put("flavorRef", flavors.getJsonObject(0).getString("id"))
      .put("networks", "none").put("min_count", 2).put("max_count", 2)));
    assertThat(made.status()).isEqualTo(202);
    signIn(MEMBER);
    open("#compute/servers");
    By statuses = By.cssSelector(".collection.servers .server-status");
    wait.until(d -> d.findElements(statuses).size() == 2
      && d.findElements(statuses).stream().allMatch(e -> e.getText().equals("ACTIVE")));
    browser.findElement(By.cssSelector("input.select[data-select=page]")).click();
    WebElement bar = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".bulk-bar")));
    assertThat(bar.findElement(By.cssSelector("button[data-bulk=Start]")).isEnabled()).isFalse();
    bar.findElement(By.cssSelector("button[data-bulk=Stop]")).click();
    assertThat(dialog().getText()).contains("Stop 2 servers?");
    browser.findElement(By.id("bulk-confirm")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".bulk-progress"), "2 of 2 asked to stop."));
    browser.findElement(By.id("bulk-close")).click();
    wait.until(d -> d.findElements(statuses).stream().allMatch(e -> e.getText().equals("SHUTOFF")));

    // what succeeded leaves the selection (what failed would stay): selected again, they start
    assertThat(browser.findElements(By.cssSelector(".bulk-bar"))).isEmpty();
    browser.findElement(By.cssSelector("input.select[data-select=page]")).click();
    wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".bulk-bar button[data-bulk=Start]"))).click();
    browser.findElement(By.id("bulk-confirm")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".bulk-progress"), "2 of 2 asked to start."));
    browser.findElement(By.id("bulk-close")).click();
    wait.until(d -> d.findElements(statuses).stream().allMatch(e -> e.getText().equals("ACTIVE")));

    browser.findElement(By.cssSelector("input.select[data-select=page]")).click();
    wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".bulk-bar button[data-bulk=Delete]"))).click();
    browser.findElement(By.id("bulk-confirm")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".bulk-progress"), "2 of 2 deleted."));
    browser.findElement(By.id("bulk-close")).click();
    wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".collection.servers tbody tr"), 0));
  }

  // ---- the selected resource in the URL ------------------------------------------------

  @Test
  void imageAndObjectDetailsAreInTheUrlSurviveAReloadAndCloseWithBack() throws Exception {
    String token = cloud.token(MEMBER, PASSWORD, PROJECT);
    String name = TestCloud.unique("bulk-linked");
    String id = image(token, name);
    String box = container(token, "docs/notes.txt");
    signIn(MEMBER);
    open("#images");
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("images", name))).findElement(By.cssSelector("button.details-link")).click();
    assertThat(dialog().getText()).contains(id);
    assertThat(hash()).isEqualTo("#images/" + id);
    browser.navigate().refresh();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".dialog h2"), name));
    browser.navigate().back();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(".dialog")));
    assertThat(hash()).isEqualTo("#images");

    // an ID that names nothing says so
    open("#images/" + UUID.randomUUID());
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".dialog .not-found"), "No image with the ID"));
    open("#images/not-an-id");
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".dialog .not-found"), "“not-an-id” was found"));

    // an object, in its folder
    open("#object-store/" + box + "/docs%2F");
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("objects", "notes.txt"))).findElement(By.cssSelector("button.object-name")).click();
    assertThat(dialog().getText()).contains("Size");
    assertThat(hash()).isEqualTo("#object-store/" + box + "/docs%2F/docs%2Fnotes.txt");
    browser.navigate().refresh();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".dialog h2"), "docs/notes.txt"));
    open("#object-store/" + box + "/docs%2F/docs%2Fgone.txt");
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".dialog .not-found"), "No object named"));
  }

  @Test
  void serverAndUserDetailsAreInTheUrlAndAnUnknownIdSaysNotFound() throws Exception {
    signIn(MEMBER);
    open("#compute/servers/" + UUID.randomUUID());
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".dialog .not-found"), "No server with the ID"));
    browser.findElement(By.xpath("//div[contains(@class,'dialog')]//button[normalize-space()='Close']")).click();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(".dialog")));
    assertThat(hash()).isEqualTo("#compute/servers");

    String admin = cloud.adminToken();
    String name = TestCloud.unique("bulk-shown");
    String id = cloud.create(admin, "users", "user", new JsonObject().put("name", name).put("password", PASSWORD)
      .put("email", name + "@example.org")).getString("id");
    browser.findElement(By.id("sign-out")).click();
    signIn("admin", DashboardNode.ADMIN_PASSWORD, "admin");
    open("#identity/users");
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("users", name))).findElement(By.cssSelector("button.details-link")).click();
    assertThat(dialog().getText()).contains(name + "@example.org");
    assertThat(hash()).isEqualTo("#identity/users/" + id);
    browser.navigate().refresh();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".dialog"), name + "@example.org"));
    open("#identity/users/" + UUID.randomUUID().toString().replace("-", ""));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".dialog .not-found"), "No user with the ID"));
    cloud.call("DELETE", "/identity/v3/users/" + id, admin, null);
  }

  // ---- guarded risky actions -------------------------------------------------------------

  @Test
  void aPublicContainerIsAskedForAndABlankImageNameIsRefused() throws Exception {
    String token = cloud.token(MEMBER, PASSWORD, PROJECT);
    String name = TestCloud.unique("bulk-open");
    signIn(MEMBER);
    open("#object-store");
    wait.until(ExpectedConditions.elementToBeClickable(By.xpath("//button[normalize-space()='Create container']"))).click();
    WebElement d = dialog();
    d.findElement(By.name("name")).sendKeys(name);
    d.findElement(By.name("public")).click();
    d.findElement(By.cssSelector("button[type=submit]")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".dialog .confirm-question"), "Anyone, without signing in"));
    assertThat(cloud.send("HEAD", account() + "/" + name, token, null).statusCode()).as("not made before the answer").isEqualTo(404);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".dialog button[type=submit]"), "Yes, create it public"));
    browser.findElement(By.cssSelector(".dialog button[type=submit]")).click();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(".dialog")));
    assertThat(cloud.send("HEAD", account() + "/" + name, token, null).headers().firstValue("X-Container-Read").orElse(""))
      .contains(".r:*");

    // an image named only with spaces is refused in the form, before anything is sent
    Path file = Files.createTempFile("blank-name-", ".img");
    try {
      Files.write(file, new byte[1024]);
      open("#images");
      wait.until(ExpectedConditions.elementToBeClickable(By.xpath("//button[normalize-space()='Upload image']"))).click();
      d = dialog();
      d.findElement(By.name("file")).sendKeys(file.toString());
      WebElement field = d.findElement(By.name("name"));
      wait.until(x -> !field.getAttribute("value").isEmpty());
      field.clear();
      field.sendKeys("   ");
      wait.until(ExpectedConditions.elementToBeClickable(d.findElement(By.cssSelector("button[type=submit]")))).click();
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".dialog .error"), "The name cannot be blank."));
      assertThat(browser.findElements(By.cssSelector(".uploads li"))).isEmpty();

      // an image every project may use is asked for once more
      field.clear();
      field.sendKeys(TestCloud.unique("bulk-community"));
      new org.openqa.selenium.support.ui.Select(d.findElement(By.name("visibility"))).selectByValue("community");
      d.findElement(By.cssSelector("button[type=submit]")).click();
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".dialog .confirm-question"), "Upload anyway?"));
      assertThat(d.findElement(By.cssSelector("button[type=submit]")).getText()).isEqualTo("Yes, make it community");
      assertThat(browser.findElements(By.cssSelector(".uploads li"))).isEmpty();
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
