package org.vertstack.dashboard;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.vertstack.testing.TestCloud;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Compute panel on the test driver: a member launches a server and sees it go ACTIVE without
 * reloading (the live feed), stops and deletes it, makes and deletes a key pair, and opens the
 * serial console (which says the test driver has none); a reader sees the servers but no launch
 * or other write action. Each view passes axe-core with no serious or critical violation.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ComputeBrowserTest extends BrowserPerTest {

  private static final String PASSWORD = "compute-browser-pw-1";
  private static final String PROJECT = TestCloud.unique("cb-proj");
  private static final String MEMBER = TestCloud.unique("cb-mia");
  private static final String READER = TestCloud.unique("cb-rex");
  private static final String IMAGE = TestCloud.unique("cb-disk");

  private static DashboardNode cloud;

  @BeforeAll
  static void startCloud() throws Exception {
    SeededProject project = SeededProject.seed(PROJECT, PASSWORD, MEMBER, "member", READER, "reader");
    cloud = project.cloud();
    String admin = project.adminToken();
    // an active image of the project to boot from (the test driver needs no real disk)
    String member = cloud.token(MEMBER, PASSWORD, PROJECT);
    DashboardNode.Response image = cloud.call("POST", "/image/v2/images", member, new JsonObject().put("name", IMAGE)
      .put("disk_format", "raw").put("container_format", "bare"));
    assertThat(image.status()).isEqualTo(201);
    assertThat(cloud.send("PUT", "/image/v2/images/" + image.body().getString("id") + "/file", member, new byte[4096],
      "Content-Type", "application/octet-stream").statusCode()).isEqualTo(204);
    // the compute agent registers its host in the background
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (cloud.call("GET", "/compute/v2.1/os-hypervisors", admin, null).body().getJsonArray("hypervisors").isEmpty()) {
      assertThat(System.nanoTime()).as("a compute host registers").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private void signIn(String user) {
    session.signIn(cloud.url, user, PASSWORD, PROJECT);
    browser.findElement(By.cssSelector("a[data-panel=compute]")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".content h1"), "Compute"));
  }

  private By server(String name) {
    return By.cssSelector(".collection.servers tr[data-name='" + name + "']");
  }

  private By status(String name) {
    return By.cssSelector(".collection.servers tr[data-name='" + name + "'] .server-status");
  }

  private WebElement button(By scope, String text) {
    return browser.findElement(scope).findElement(By.xpath(".//button[normalize-space()='" + text + "']"));
  }

  private List<String> buttons(By scope) {
    return browser.findElement(scope).findElements(By.cssSelector("button")).stream().map(WebElement::getText).map(String::trim).toList();
  }

  /** With -Dvertstack.screenshots=DIR, the page as it is now, for the README. */
  private void screenshot(String name) throws Exception {
    String dir = System.getProperty("vertstack.screenshots");
    if (dir != null && !dir.isBlank()) {
      Files.createDirectories(Path.of(dir));
      java.io.File shot = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(org.openqa.selenium.OutputType.FILE);
      Files.copy(shot.toPath(), Path.of(dir, name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private void assertAccessible(String where) throws Exception {
    assertThat(Chromium.accessibilityProblems(browser)).as("axe-core on %s", where).isEmpty();
  }

  @Test
  void aMemberLaunchesAServerThatGoesActiveLiveThenStopsAndDeletesIt() throws Exception {
    signIn(MEMBER);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".collection.servers"), "No servers yet"));
    assertAccessible("the empty instances list");
    browser.findElement(By.id("launch")).click();
    WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".dialog form.launch")));
    dialog.findElement(By.name("name")).sendKeys("web-1");
    new Select(dialog.findElement(By.name("image"))).selectByVisibleText(IMAGE);
    new Select(dialog.findElement(By.name("flavor"))).selectByIndex(1);
    // no network service yet: "none" is chosen, "auto" is offered disabled with a note
    assertThat(dialog.findElement(By.cssSelector("input[name=network][value=none]")).isSelected()).isTrue();
    assertThat(dialog.findElement(By.cssSelector("input[name=network][value=auto]")).isEnabled()).isFalse();
    assertThat(dialog.findElement(By.id("network-note")).getText()).contains("no network service");
    assertAccessible("the launch dialog");
    screenshot("compute-launch");
    dialog.findElement(By.cssSelector("button[type=submit]")).click();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(".dialog")));

    // the row appears and turns ACTIVE with no reload: only the feed tells the page
    wait.until(ExpectedConditions.textToBePresentInElementLocated(status("web-1"), "ACTIVE"));
    String id = cloud.call("GET", "/compute/v2.1/servers?name=web-1", cloud.token(MEMBER, PASSWORD, PROJECT), null)
      .body().getJsonArray("servers").getJsonObject(0).getString("id");
    assertThat(buttons(server("web-1"))).contains("Stop", "Reboot", "Snapshot", "Log", "Console", "Delete").doesNotContain("Start");
    assertAccessible("the instances list");
    screenshot("compute-instances");
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(400, 800));
    screenshot("compute-narrow");
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 800));

    // the serial console: xterm opens, and the socket says the test driver has no console
    button(server("web-1"), "Console").click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#serial-console .xterm")));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".dialog .error"), "offers no serial console"));
    assertAccessible("the serial console");
    browser.findElement(By.cssSelector(".dialog header button[aria-label=Close]")).click();

    // a change made elsewhere shows too: stopped through the API, SHUTOFF on the page
    String token = cloud.token(MEMBER, PASSWORD, PROJECT);
    assertThat(cloud.call("POST", "/compute/v2.1/servers/" + id + "/action", token, new JsonObject().putNull("os-stop")).status())
      .isEqualTo(202);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(status("web-1"), "SHUTOFF"));
    button(server("web-1"), "Start").click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(status("web-1"), "ACTIVE"));

    // delete asks first
    button(server("web-1"), "Delete").click();
    button(server("web-1"), "Yes").click();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(server("web-1")));
  }

  @Test
  void keyPairsAreCreatedWithTheirPrivateKeyShownOnceAndDeleted() throws Exception {
    signIn(MEMBER);
    browser.findElement(By.cssSelector("[data-tab=keypairs]")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".collection.keypairs"), "No key pairs yet"));
    button(By.cssSelector(".collection.keypairs"), "Create key pair").click();
    WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".dialog")));
    dialog.findElement(By.name("name")).sendKeys("laptop");
    dialog.findElement(By.cssSelector("button[type=submit]")).click();
    WebElement key = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".dialog textarea.private-key")));
    assertThat(key.getAttribute("value")).startsWith("-----BEGIN PRIVATE KEY-----");
    assertAccessible("the private key dialog");
    button(By.cssSelector(".dialog"), "I have saved it").click();
    By row = By.cssSelector(".collection.keypairs tr[data-name='laptop']");
    wait.until(ExpectedConditions.visibilityOfElementLocated(row));
    button(row, "Delete").click();
    button(row, "Yes").click();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(row));

    browser.findElement(By.cssSelector("[data-tab=flavors]")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".collection.flavors tr[data-name='m1.nano']")));
    // the tab is in the URL: a reload opens it again
    assertThat(browser.getCurrentUrl()).endsWith("#compute/flavors");
    browser.navigate().refresh();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".collection.flavors tr[data-name='m1.nano']")));
    assertThat(browser.findElement(By.cssSelector("[data-tab=flavors]")).getAttribute("aria-selected")).isEqualTo("true");
    // flavors are the admins' to make
    assertThat(buttons(By.cssSelector(".content"))).doesNotContain("Create flavor", "Delete");
    assertAccessible("the flavors list");
  }

  @Test
  void aSessionAboutToEndIsAnnouncedAndExtendedWithThePassword() throws Exception {
    signIn(MEMBER);
    assertThat(browser.findElements(By.id("expiry-warning"))).isEmpty();
    // as if the tokens had two minutes left
    ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("const s = JSON.parse(sessionStorage.getItem('vertstack.session'));"
      + " const soon = new Date(Date.now() + 120000).toISOString(); s.base.expires_at = soon; s.scoped.expires_at = soon;"
      + " sessionStorage.setItem('vertstack.session', JSON.stringify(s));");
    browser.navigate().refresh();
    WebElement warning = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("expiry-warning")));
    assertThat(warning.getText()).contains("Your session ends in 2 minutes");
    browser.findElement(By.id("stay-signed-in")).click();
    WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".dialog")));
    dialog.findElement(By.name("password")).sendKeys("not-the-password");
    dialog.findElement(By.cssSelector("button[type=submit]")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".dialog .error"), "password is not correct"));
    dialog.findElement(By.name("password")).clear();
    dialog.findElement(By.name("password")).sendKeys(PASSWORD);
    dialog.findElement(By.cssSelector("button[type=submit]")).click();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("expiry-warning")));
    // the same project and panel, on new tokens that are live
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".content h1"), "Compute"));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("feed-status"), "Live"));
    Object left = ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
      "return Date.parse(JSON.parse(sessionStorage.getItem('vertstack.session')).scoped.expires_at) - Date.now();");
    assertThat(((Number) left).longValue()).isGreaterThan(10 * 60 * 1000L);
  }

  @Test
  void aReaderSeesTheServersButNoLaunchOrOtherWriteAction() throws Exception {
    String token = cloud.token(MEMBER, PASSWORD, PROJECT);
    String flavor = cloud.call("GET", "/compute/v2.1/flavors", token, null).body().getJsonArray("flavors").getJsonObject(0).getString("id");
    String image = cloud.call("GET", "/image/v2/images?name=" + IMAGE, token, null).body().getJsonArray("images").getJsonObject(0).getString("id");
    DashboardNode.Response made = cloud.call("POST", "/compute/v2.1/servers", token, new JsonObject().put("server", new JsonObject()
      .put("name", "seen-by-reader").put("imageRef", image).put("flavorRef", flavor).put("networks", "none")));
    assertThat(made.status()).as(made.body().encode()).isEqualTo(202);

    signIn(READER);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(status("seen-by-reader"), "ACTIVE"));
    assertThat(browser.findElements(By.id("launch"))).isEmpty();
    assertThat(buttons(By.cssSelector(".content"))).doesNotContain("Launch servers", "Stop", "Reboot", "Snapshot", "Console", "Delete");
    assertAccessible("a reader's instances list");
    browser.findElement(By.cssSelector("[data-tab=keypairs]")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".collection.keypairs")));
    assertThat(buttons(By.cssSelector(".content"))).doesNotContain("Create key pair", "Import public key");
    cloud.call("DELETE", "/compute/v2.1/servers/" + made.body().getJsonObject("server").getString("id"), token, null);
  }
}
