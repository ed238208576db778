package org.vertstack.dashboard;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;
import org.openqa.selenium.chromium.HasNetworkConditions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.vertstack.testing.TestCloud;

import java.io.File;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;


import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Object store and Images panels in headless Chromium against a real node: a container made
 * and a file uploaded through the page (whole and in segments), an upload by another client
 * showing up live, a qcow2 image uploaded until active, and a private image another project
 * does not see. With -Dvertstack.screenshots=DIR it also saves screenshots of both panels.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StoragePanelsBrowserTest {

  private static final String PASSWORD = "storage-password-1";
  private static final String ALPHA = TestCloud.unique("store-alpha");
  private static final String BETA = TestCloud.unique("store-beta");
  private static final String ANN = TestCloud.unique("ann");
  private static final String BEN = TestCloud.unique("ben");

  private static DashboardNode cloud;
  private static JsonObject alpha;
  private static JsonObject beta;

  private WebDriver browser;
  private WebDriverWait wait;
  private BrowserSession session;
  private Path files;
  private Path downloads;

  @BeforeAll
  static void startCloud() throws Exception {
    BrowserSession.requireChromium();
    cloud = DashboardNode.shared();
    String admin = cloud.adminToken();
    alpha = cloud.create(admin, "projects", "project", new JsonObject().put("name", ALPHA));
    beta = cloud.create(admin, "projects", "project", new JsonObject().put("name", BETA));
    JsonObject ann = cloud.create(admin, "users", "user", new JsonObject().put("name", ANN).put("password", PASSWORD)
      .put("default_project_id", alpha.getString("id")));
    JsonObject ben = cloud.create(admin, "users", "user", new JsonObject().put("name", BEN).put("password", PASSWORD)
      .put("default_project_id", beta.getString("id")));
    cloud.grant(admin, alpha.getString("id"), ann.getString("id"), "member");
    cloud.grant(admin, beta.getString("id"), ben.getString("id"), "member");
  }

  @BeforeEach
  void openBrowser() throws Exception {
    session = BrowserSession.open();
    browser = session.browser();
    wait = session.waiter();
    files = session.files();
    downloads = session.downloads();
  }

  @AfterEach
  void closeBrowser() throws Exception {
    session.close();
  }

  // ---- helpers -----------------------------------------------------------------------

  private void signIn(String user, String project) {
    session.signIn(cloud.url, user, PASSWORD, project);
  }

  private void openPanel(String id, String title) {
    browser.findElement(By.cssSelector("a[data-panel=" + id + "]")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".content h1"), title));
  }

  private By row(String collection, String name) {
    return By.cssSelector(".collection." + collection + " tr[data-name='" + name + "']");
  }

  private WebElement button(String text) {
    return wait.until(ExpectedConditions.elementToBeClickable(By.xpath("//button[normalize-space()='" + text + "']")));
  }

  private WebElement dialog() {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".dialog")));
  }

  private void dialogClosed() {
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(".dialog")));
  }

  private Object js(String script) {
    return ((JavascriptExecutor) browser).executeScript(script);
  }

  private Path file(String name, byte[] bytes) throws Exception {
    return Files.write(files.resolve(name), bytes);
  }

  private void upload(Path file) {
    button("Upload").click();
    WebElement d = dialog();
    d.findElement(By.cssSelector("input[type=file]")).sendKeys(file.toString());
    d.findElement(By.cssSelector("button[type=submit]")).click();
    dialogClosed();
  }

  private String account() {
    return "/object-store/v1/AUTH_" + alpha.getString("id");
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

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (java.io.IOException e) {
      return -1;
    }
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** A minimal qcow2 v3 header (no backing file, no external data file) of a 1 MiB disk. */
  static byte[] qcow2() {
    ByteBuffer b = ByteBuffer.allocate(4096);
    b.put("QFI".getBytes(StandardCharsets.US_ASCII)).put((byte) 0xfb);
    b.putInt(3);          // version
    b.putLong(0);         // backing file offset
    b.putInt(0);          // backing file size
    b.putInt(16);         // cluster_bits
    b.putLong(1 << 20);   // virtual size
    b.position(72);
    b.putLong(0);         // incompatible features
    b.putLong(0);
    b.putLong(0);
    b.putInt(4);          // refcount_order
    b.putInt(104);        // header_length
    return b.array();
  }

  // ---- tests -------------------------------------------------------------------------

  @Test
  void aMemberMakesAContainerUploadsFilesAndSeesAnotherClientsUploadLive() throws Exception {
    String token = cloud.token(ANN, PASSWORD, ALPHA);
    String container = TestCloud.unique("photos");
    signIn(ANN, ALPHA);
    openPanel("object-store", "Object store");
    button("Create container").click();
    dialog().findElement(By.name("name")).sendKeys(container);
    dialog().findElement(By.cssSelector("button[type=submit]")).click();
    dialogClosed();
    WebElement listed = wait.until(ExpectedConditions.visibilityOfElementLocated(row("containers", container)));
    assertThat(listed.findElement(By.cssSelector(".access")).getText()).isEqualTo("private");
    assertThat(cloud.send("HEAD", account() + "/" + container, token, null).statusCode()).isEqualTo(204);

    // a small file through the page: listed with its size
    listed.findElement(By.cssSelector("button.open")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".collection.objects[data-container='" + container + "']")));
    byte[] hello = random(3000, 1);
    upload(file("hello.bin", hello));
    WebElement helloRow = wait.until(ExpectedConditions.visibilityOfElementLocated(row("objects", "hello.bin")));
    assertThat(helloRow.findElement(By.cssSelector(".size")).getText()).isEqualTo("2.9 KiB");
    HttpResponse<byte[]> stored = cloud.send("GET", account() + "/" + container + "/hello.bin", token, null);
    assertThat(stored.statusCode()).isEqualTo(200);
    assertThat(stored.body()).isEqualTo(hello);

    // the Download link saves the same bytes (fetched with the token, saved from a blob URL)
    helloRow.findElement(By.xpath(".//button[normalize-space()='Download']")).click();
    Path saved = downloads.resolve("hello.bin");
    new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> Files.exists(saved) && sizeOf(saved) == hello.length);
    assertThat(Files.readAllBytes(saved)).isEqualTo(hello);

    // another client (the REST API, as the swift CLI) uploads: the page shows it without a reload
    js("window.__sameDocument = true;");
    assertThat(cloud.send("PUT", account() + "/" + container + "/from-the-cli.txt", token,
      "seventeen bytes!\n".getBytes(StandardCharsets.UTF_8), "Content-Type", "text/plain").statusCode()).isEqualTo(201);
    WebElement cliRow = wait.until(ExpectedConditions.visibilityOfElementLocated(row("objects", "from-the-cli.txt")));
    assertThat(cliRow.findElement(By.cssSelector(".size")).getText()).isEqualTo("17 B");
    // ... and one in a pseudo-folder: the folder appears, and opening it shows the object
    assertThat(cloud.send("PUT", account() + "/" + container + "/docs/notes.txt", token,
      "notes".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(201);
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("objects", "docs/"))).findElement(By.cssSelector("button.folder")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("objects", "notes.txt")));
    assertThat(browser.findElement(By.cssSelector(".crumbs .here")).getText()).isEqualTo("docs");
    assertThat(browser.findElements(row("objects", "hello.bin"))).isEmpty();
    assertThat(js("return window.__sameDocument === true;")).isEqualTo(true);

    // back to the container's top through the breadcrumb
    browser.findElement(By.xpath("//nav[@class='crumbs']/button[normalize-space()='" + container + "']")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("objects", "hello.bin")));

    // a file larger than the segment size goes up as a static large object (segment size lowered for the test)
    js("sessionStorage.setItem('vertstack.segment-bytes', String(1024 * 1024));");
    byte[] big = random(2 * 1024 * 1024 + 512 * 1024, 2);
    upload(file("big.bin", big));
    WebElement bigRow = wait.until(ExpectedConditions.visibilityOfElementLocated(row("objects", "big.bin")));
    assertThat(bigRow.findElement(By.cssSelector(".size")).getText()).isEqualTo("2.5 MiB");
    HttpResponse<byte[]> head = cloud.send("HEAD", account() + "/" + container + "/big.bin", token, null);
    assertThat(head.headers().firstValue("X-Static-Large-Object")).hasValueSatisfying(v -> assertThat(v).isEqualToIgnoringCase("true"));
    assertThat(cloud.send("GET", account() + "/" + container + "/big.bin", token, null).body()).isEqualTo(big);
    assertThat(cloud.send("HEAD", account() + "/" + container + "_segments", token, null)
      .headers().firstValue("X-Container-Object-Count")).hasValue("3");

    // deleting the large object through the page deletes its segments too
    bigRow.findElement(By.xpath(".//button[normalize-space()='Delete']")).click();
    bigRow.findElement(By.xpath(".//button[normalize-space()='Yes']")).click();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(row("objects", "big.bin")));
    assertThat(cloud.send("HEAD", account() + "/" + container + "_segments", token, null)
      .headers().firstValue("X-Container-Object-Count")).hasValue("0");

    // public, then anyone reads it without a token
    browser.findElement(By.xpath("//nav[@class='crumbs']/button[normalize-space()='Containers']")).click();
    WebElement again = wait.until(ExpectedConditions.visibilityOfElementLocated(row("containers", container)));
    assertThat(again.findElement(By.cssSelector(".count")).getText()).isEqualTo("3");
    assertThat(cloud.send("GET", account() + "/" + container + "/hello.bin", null, null).statusCode()).isEqualTo(401);
    again.findElement(By.xpath(".//button[normalize-space()='Make public']")).click();
    // making it public asks first
    assertThat(again.findElement(By.cssSelector(".confirm")).getText()).contains("without signing in");
    assertThat(cloud.send("GET", account() + "/" + container + "/hello.bin", null, null).statusCode()).isEqualTo(401);
    again.findElement(By.xpath(".//button[normalize-space()='Yes, make public']")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(
      ".collection.containers tr[data-name='" + container + "'] .access"), "public"));
    assertThat(cloud.send("GET", account() + "/" + container + "/hello.bin", null, null).body()).isEqualTo(hello);
  }

  @Test
  void objectMetadataIsEditedInTheDialog() throws Exception {
    String token = cloud.token(ANN, PASSWORD, ALPHA);
    String container = TestCloud.unique("meta");
    assertThat(cloud.send("PUT", account() + "/" + container, token, null).statusCode()).isEqualTo(201);
    HttpResponse<byte[]> put = cloud.send("PUT", account() + "/" + container + "/report.txt", token,
      "report".getBytes(StandardCharsets.UTF_8), "X-Object-Meta-Colour", "blue", "Content-Type", "text/plain");
    assertThat(put.statusCode()).as(new String(put.body(), StandardCharsets.UTF_8)).isEqualTo(201);
    signIn(ANN, ALPHA);
    openPanel("object-store", "Object store");
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("containers", container))).findElement(By.cssSelector("button.open")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("objects", "report.txt")))
      .findElement(By.xpath(".//button[normalize-space()='Metadata']")).click();
    WebElement d = dialog();
    WebElement value = wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("meta-value-0")));
    assertThat(d.findElement(By.name("meta-key-0")).getAttribute("value")).isEqualToIgnoringCase("colour");
    assertThat(value.getAttribute("value")).isEqualTo("blue");
    value.clear();
    value.sendKeys("green");
    d.findElement(By.xpath(".//button[normalize-space()='Add metadata']")).click();
    d.findElement(By.name("meta-key-1")).sendKeys("Owner");
    d.findElement(By.name("meta-value-1")).sendKeys("ann");
    d.findElement(By.cssSelector("button[type=submit]")).click();
    dialogClosed();
    HttpResponse<byte[]> head = cloud.send("HEAD", account() + "/" + container + "/report.txt", token, null);
    assertThat(head.headers().firstValue("X-Object-Meta-Colour")).hasValue("green");
    assertThat(head.headers().firstValue("X-Object-Meta-Owner")).hasValue("ann");
  }

  @Test
  void aQcow2UploadedInThePageBecomesActiveAndStaysPrivateToItsProject() throws Exception {
    String name = TestCloud.unique("tiny-qcow2");
    signIn(ANN, ALPHA);
    openPanel("images", "Images");
    button("Upload image").click();
    WebElement d = dialog();
    d.findElement(By.cssSelector("input[type=file]")).sendKeys(file("tiny.qcow2", qcow2()).toString());
    // the format is read from the file's first bytes
    wait.until(d2 -> "qcow2".equals(new Select(d.findElement(By.name("disk_format"))).getFirstSelectedOption().getAttribute("value")));
    WebElement nameField = d.findElement(By.name("name"));
    assertThat(nameField.getAttribute("value")).isEqualTo("tiny");
    nameField.clear();
    nameField.sendKeys(name);
    d.findElement(By.cssSelector("button[type=submit]")).click();
    dialogClosed();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(
      ".collection.images tr[data-name='" + name + "'] .status"), "active"));
    WebElement listed = browser.findElement(row("images", name));
    assertThat(listed.findElement(By.cssSelector(".disk-format")).getText()).isEqualTo("qcow2");
    assertThat(listed.findElement(By.cssSelector(".visibility")).getText()).isEqualTo("private");

    String annToken = cloud.token(ANN, PASSWORD, ALPHA);
    JsonArray found = cloud.call("GET", "/image/v2/images?name=" + name, annToken, null).body().getJsonArray("images");
    assertThat(found).hasSize(1);
    JsonObject image = found.getJsonObject(0);
    assertThat(image.getString("status")).isEqualTo("active");
    assertThat(image.getLong("size")).isEqualTo(4096L);
    assertThat(image.getLong("virtual_size")).isEqualTo(1L << 20);

    // a property added in the Edit dialog goes in as JSON Patch
    listed.findElement(By.xpath(".//button[normalize-space()='Edit']")).click();
    WebElement edit = dialog();
    edit.findElement(By.xpath(".//button[normalize-space()='Add property']")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("prop-key-0"))).sendKeys("os_distro");
    edit.findElement(By.name("prop-value-0")).sendKeys("debian");
    edit.findElement(By.cssSelector("button[type=submit]")).click();
    dialogClosed();
    assertThat(cloud.call("GET", "/image/v2/images/" + image.getString("id"), annToken, null).body().getString("os_distro"))
      .isEqualTo("debian");

    // a member of another project sees neither the row nor the image
    browser.findElement(By.id("sign-out")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("username")));
    signIn(BEN, BETA);
    openPanel("images", "Images");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".collection.images")));
    assertThat(browser.findElements(row("images", name))).isEmpty();
    String benToken = cloud.token(BEN, PASSWORD, BETA);
    assertThat(cloud.send("GET", "/image/v2/images/" + image.getString("id"), benToken, null).statusCode()).isEqualTo(404);
  }

  @Test
  void aProtectedImageSaysWhyItCannotBeDeleted() throws Exception {
    String token = cloud.token(ANN, PASSWORD, ALPHA);
    String name = TestCloud.unique("keep-me");
    cloud.call("POST", "/image/v2/images", token, new JsonObject().put("name", name).put("disk_format", "raw")
      .put("container_format", "bare").put("protected", true));
    signIn(ANN, ALPHA);
    openPanel("images", "Images");
    WebElement listed = wait.until(ExpectedConditions.visibilityOfElementLocated(row("images", name)));
    assertThat(listed.findElement(By.cssSelector(".tag.protected")).getText()).isEqualTo("protected");
    assertThat(listed.findElement(By.cssSelector(".status")).getText()).isEqualTo("queued");
    listed.findElement(By.xpath(".//button[normalize-space()='Delete']")).click();
    assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".content .error"))).getText())
      .contains("is protected and cannot be deleted");
    JsonArray still = cloud.call("GET", "/image/v2/images?name=" + name, token, null).body().getJsonArray("images");
    assertThat(still).hasSize(1);
    // and the API says the same to a client that tries anyway
    assertThat(new String(cloud.send("DELETE", "/image/v2/images/" + still.getJsonObject(0).getString("id"), token, null).body(),
      StandardCharsets.UTF_8)).contains("protected");
  }

  @Test
  void anImageIsSharedWithAnotherProjectWhichAcceptsIt() throws Exception {
    String annToken = cloud.token(ANN, PASSWORD, ALPHA);
    String name = TestCloud.unique("shared-disk");
    String id = cloud.call("POST", "/image/v2/images", annToken, new JsonObject().put("name", name).put("disk_format", "raw")
      .put("container_format", "bare").put("visibility", "shared")).body().getString("id");
    signIn(ANN, ALPHA);
    openPanel("images", "Images");
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("images", name)))
      .findElement(By.xpath(".//button[normalize-space()='Members']")).click();
    WebElement d = dialog();
    // a name: a member cannot look projects up, and is told to give the ID (never shared with nothing)
    WebElement field = wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("member")));
    field.sendKeys(BETA);
    d.findElement(By.xpath(".//button[normalize-space()='Add project']")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".dialog .error"), "cannot be looked up with your role"));
    field.clear();
    field.sendKeys(beta.getString("id"));
    d.findElement(By.xpath(".//button[normalize-space()='Add project']")).click();
    WebElement member = wait.until(ExpectedConditions.visibilityOfElementLocated(row("members", beta.getString("id"))));
    assertThat(member.getText()).contains("pending");
    d.findElement(By.cssSelector("header button")).click();
    dialogClosed();
    browser.findElement(By.id("sign-out")).click();

    // the other project: not in its list until it accepts; then there
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("username")));
    signIn(BEN, BETA);
    openPanel("images", "Images");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".collection.images")));
    assertThat(browser.findElements(row("images", name))).isEmpty();
    new Select(browser.findElement(By.name("filter-visibility"))).selectByValue("pending");
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("images", name)))
      .findElement(By.xpath(".//button[normalize-space()='Accept']")).click();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(row("images", name)));
    new Select(browser.findElement(By.name("filter-visibility"))).selectByValue("");
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("images", name)));
    String benToken = cloud.token(BEN, PASSWORD, BETA);
    assertThat(cloud.call("GET", "/image/v2/images/" + id + "/members/" + beta.getString("id"), benToken, null).body()
      .getString("status")).isEqualTo("accepted");
  }

  /** A registered default of -1 (unlimited, so no other test is limited by it; kept if already there) and a project limit. */
  private static void limit(String admin, String serviceType, String resource, String project, long value)
    throws Exception {
    String service = cloud.call("GET", "/identity/v3/services?type=" + serviceType, admin, null).body()
      .getJsonArray("services").getJsonObject(0).getString("id");
    cloud.call("POST", "/identity/v3/registered_limits", admin, new JsonObject().put("registered_limits", new JsonArray()
      .add(new JsonObject().put("service_id", service).put("resource_name", resource).put("default_limit", -1))));
    DashboardNode.Response r = cloud.call("POST", "/identity/v3/limits", admin, new JsonObject().put("limits", new JsonArray()
      .add(new JsonObject().put("service_id", service).put("project_id", project).put("resource_name", resource)
        .put("resource_limit", value))));
    assertThat(r.status()).isEqualTo(201);
  }

  @Test
  void theOverviewShowsWhatTheObjectStoreAndTheImagesUse() throws Exception {
    String admin = cloud.adminToken();
    String projectName = TestCloud.unique("store-gamma");
    String userName = TestCloud.unique("gil");
    JsonObject gamma = cloud.create(admin, "projects", "project", new JsonObject().put("name", projectName));
    JsonObject gil = cloud.create(admin, "users", "user", new JsonObject().put("name", userName).put("password", PASSWORD)
      .put("default_project_id", gamma.getString("id")));
    cloud.grant(admin, gamma.getString("id"), gil.getString("id"), "member");
    limit(admin, "object-store", "objects", gamma.getString("id"), 50);
    limit(admin, "object-store", "bytes", gamma.getString("id"), 10L << 20);
    limit(admin, "image", "image_count_total", gamma.getString("id"), 5);
    String token = cloud.token(userName, PASSWORD, projectName);
    String account = "/object-store/v1/AUTH_" + gamma.getString("id");
    cloud.send("PUT", account + "/things", token, null);
    cloud.send("PUT", account + "/things/a.bin", token, random(2048, 10));
    cloud.send("PUT", account + "/things/b.bin", token, random(1024, 11));
    cloud.call("POST", "/image/v2/images", token, new JsonObject().put("name", "one").put("disk_format", "raw")
      .put("container_format", "bare"));

    signIn(userName, projectName);
    By objects = By.cssSelector(".card[data-service='object-store'] .usage[data-resource='objects']");
    assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(objects)).getText()).contains("2 of 50");
    assertThat(browser.findElement(By.cssSelector(".card[data-service='object-store'] .usage[data-resource='bytes']")).getText())
      .contains("3.0 KiB of 10 MiB");
    assertThat(browser.findElement(By.cssSelector(".card[data-service='image'] .usage[data-resource='image_count_total']")).getText())
      .contains("1 of 5");
    // an upload elsewhere moves the bar, live
    cloud.send("PUT", account + "/things/c.bin", token, random(1024, 12));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(objects, "3 of 50"));
    screenshot("overview-storage");
  }

  @Test
  void theDiskFormatIsReadFromTheFirstBytes() throws Exception {
    signIn(ANN, ALPHA);
    Object formats = ((JavascriptExecutor) browser).executeAsyncScript("""
      const done = arguments[arguments.length - 1];
      import('/app/panels/images.js').then(async (m) => {
        const iso = new Uint8Array(40000); iso.set([0x43, 0x44, 0x30, 0x30, 0x31], 32769);
        const blobs = [new Uint8Array([0x51, 0x46, 0x49, 0xfb, 0, 0, 0, 3]), iso, new TextEncoder().encode('KDMV....'),
          new TextEncoder().encode('vhdxfile'), new Uint8Array(100), new Uint8Array(0), new TextEncoder().encode('QFI')];
        const out = [];
        for (const b of blobs) out.push(await m.detectDiskFormat(new Blob([b])));
        done(out);
      }, (e) => done(String(e)));
      """);
    assertThat(formats).isEqualTo(List.of("qcow2", "iso", "vmdk", "vhdx", "raw", "raw", "raw"));
  }

  @Test
  void propertiesAreChangedAndRemovedWithJsonPatch() throws Exception {
    String token = cloud.token(ANN, PASSWORD, ALPHA);
    String name = TestCloud.unique("patched");
    String id = cloud.call("POST", "/image/v2/images", token, new JsonObject().put("name", name).put("disk_format", "raw")
      .put("container_format", "bare").put("visibility", "private").put("a_prop", "1").put("b_prop", "2")
      .put("odd/key~x", "z")).body().getString("id");
    signIn(ANN, ALPHA);
    openPanel("images", "Images");
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("images", name)))
      .findElement(By.xpath(".//button[normalize-space()='Edit']")).click();
    WebElement d = dialog();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("prop-key-2")));
    // properties are listed by name: a_prop, b_prop, odd/key~x
    assertThat(d.findElement(By.name("prop-key-2")).getAttribute("value")).isEqualTo("odd/key~x");
    d.findElement(By.name("prop-value-0")).clear();
    d.findElement(By.name("prop-value-0")).sendKeys("10");
    d.findElements(By.xpath(".//div[@class='kv']/button[normalize-space()='Remove']")).get(2).click();
    d.findElements(By.xpath(".//div[@class='kv']/button[normalize-space()='Remove']")).get(1).click();
    d.findElement(By.name("name")).clear();
    d.findElement(By.name("name")).sendKeys(name + "-renamed");
    new Select(d.findElement(By.name("visibility"))).selectByVisibleText("community");
    d.findElement(By.cssSelector("button[type=submit]")).click();
    // opening an image to every project asks first: nothing is saved until the second click
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".dialog button[type=submit]"), "Yes, make it community"));
    assertThat(d.findElement(By.cssSelector(".notice")).getText()).contains("Every project");
    assertThat(cloud.call("GET", "/image/v2/images/" + id, token, null).body().getString("visibility")).isEqualTo("private");
    d.findElement(By.cssSelector("button[type=submit]")).click();
    dialogClosed();
    JsonObject image = cloud.call("GET", "/image/v2/images/" + id, token, null).body();
    assertThat(image.getString("name")).isEqualTo(name + "-renamed");
    assertThat(image.getString("visibility")).isEqualTo("community");
    assertThat(image.getString("a_prop")).isEqualTo("10");
    assertThat(image.containsKey("b_prop")).isFalse();
    assertThat(image.containsKey("odd/key~x")).isFalse();
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("images", name + "-renamed")));
  }

  /** Slows the browser's uploads down (Chrome's network emulation), so that one can be seen and cancelled mid-way. */
  private void slowUploads(int bytesPerSecond) {
    ChromiumNetworkConditions slow = new ChromiumNetworkConditions();
    slow.setLatency(Duration.ofMillis(5));
    slow.setUploadThroughput(bytesPerSecond);
    slow.setDownloadThroughput(50_000_000);
    ((HasNetworkConditions) browser).setNetworkConditions(slow);
  }

  /** Waits until the upload named shows some progress, and returns its list entry. */
  private WebElement uploadUnderWay(String name, int percent) {
    By entry = By.cssSelector(".uploads li.upload.running[data-name='" + name + "']");
    wait.until(d -> {
      var found = d.findElements(entry);
      if (found.isEmpty()) {
        return false;
      }
      String now = found.get(0).findElement(By.cssSelector(".bar")).getAttribute("aria-valuenow");
      return now != null && Integer.parseInt(now) >= percent;
    });
    return browser.findElement(entry);
  }

  @Test
  void anObjectUploadShowsItsProgressAndCanBeCancelled() throws Exception {
    String token = cloud.token(ANN, PASSWORD, ALPHA);
    String container = TestCloud.unique("slow");
    cloud.send("PUT", account() + "/" + container, token, null);
    signIn(ANN, ALPHA);
    openPanel("object-store", "Object store");
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("containers", container))).findElement(By.cssSelector("button.open")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".collection.objects[data-container='" + container + "']")));
    slowUploads(256 * 1024);
    upload(file("slow.bin", random(4 * 1024 * 1024, 9)));
    WebElement entry = uploadUnderWay("slow.bin", 20);
    assertThat(entry.findElement(By.cssSelector(".upload-state")).getText()).contains("of 4.0 MiB");
    screenshot("object-store-upload");
    entry.findElement(By.xpath(".//button[normalize-space()='Cancel']")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".uploads li[data-name='slow.bin'] .upload-state"), "Cancelled"));
    Thread.sleep(500); // an aborted PUT must not leave an object behind
    assertThat(cloud.send("HEAD", account() + "/" + container + "/slow.bin", token, null).statusCode()).isEqualTo(404);
    assertThat(browser.findElements(row("objects", "slow.bin"))).isEmpty();
  }

  @Test
  void aCancelledSegmentedUploadLeavesNoSegments() throws Exception {
    String token = cloud.token(ANN, PASSWORD, ALPHA);
    String container = TestCloud.unique("slow-slo");
    cloud.send("PUT", account() + "/" + container, token, null);
    signIn(ANN, ALPHA);
    js("sessionStorage.setItem('vertstack.segment-bytes', String(512 * 1024));");
    openPanel("object-store", "Object store");
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("containers", container))).findElement(By.cssSelector("button.open")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".collection.objects[data-container='" + container + "']")));
    slowUploads(512 * 1024);
    upload(file("movie.bin", random(3 * 1024 * 1024, 13)));
    // past the first segments (each 1/6 of the file), then cancel
    WebElement entry = uploadUnderWay("movie.bin", 40);
    assertThat(cloud.send("HEAD", account() + "/" + container + "_segments", token, null)
      .headers().firstValue("X-Container-Object-Count").map(Integer::parseInt).orElse(0)).isGreaterThan(0);
    entry.findElement(By.xpath(".//button[normalize-space()='Cancel']")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".uploads li[data-name='movie.bin'] .upload-state"), "Cancelled"));
    // the dashboard deletes the segments after the abort (the one in flight too); the container's
    // counters are folded from per-write deltas every second: wait for both, a bounded time
    String listing = null;
    String count = null;
    for (long deadline = System.nanoTime() + 10_000_000_000L; System.nanoTime() < deadline; Thread.sleep(200)) {
      listing = new String(cloud.send("GET", account() + "/" + container + "_segments", token, null).body(),
        java.nio.charset.StandardCharsets.UTF_8).trim();
      count = cloud.send("HEAD", account() + "/" + container + "_segments", token, null)
        .headers().firstValue("X-Container-Object-Count").orElse(null);
      if (listing.isEmpty() && "0".equals(count)) {
        break;
      }
    }
    assertThat(listing).as("segments left").isEmpty();
    assertThat(count).as("segment container's object count").isEqualTo("0");
    assertThat(cloud.send("HEAD", account() + "/" + container + "/movie.bin", token, null).statusCode()).isEqualTo(404);
  }

  @Test
  void aCancelledImageUploadLeavesNoImage() throws Exception {
    String name = TestCloud.unique("cancelled");
    signIn(ANN, ALPHA);
    openPanel("images", "Images");
    slowUploads(256 * 1024);
    button("Upload image").click();
    WebElement d = dialog();
    d.findElement(By.cssSelector("input[type=file]")).sendKeys(file("big.raw", new byte[8 * 1024 * 1024]).toString());
    wait.until(d2 -> "raw".equals(new Select(d.findElement(By.name("disk_format"))).getFirstSelectedOption().getAttribute("value")));
    d.findElement(By.name("name")).clear();
    d.findElement(By.name("name")).sendKeys(name);
    d.findElement(By.cssSelector("button[type=submit]")).click();
    dialogClosed();
    WebElement entry = uploadUnderWay(name, 1);
    String annToken = cloud.token(ANN, PASSWORD, ALPHA);
    assertThat(cloud.call("GET", "/image/v2/images?name=" + name, annToken, null).body().getJsonArray("images")).hasSize(1);
    entry.findElement(By.xpath(".//button[normalize-space()='Cancel']")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".uploads li[data-name='" + name + "'] .upload-state"), "Cancelled"));
    long until = System.currentTimeMillis() + 10_000;
    while (!cloud.call("GET", "/image/v2/images?name=" + name, annToken, null).body().getJsonArray("images").isEmpty()
      && System.currentTimeMillis() < until) {
      Thread.sleep(100);
    }
    assertThat(cloud.call("GET", "/image/v2/images?name=" + name, annToken, null).body().getJsonArray("images")).isEmpty();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(row("images", name)));
  }

  /** Only with -Dvertstack.screenshots=DIR: both panels with something in them. */
  @Test
  void screenshotsOfTheStoragePanels() throws Exception {
    assumeTrue(System.getProperty("vertstack.screenshots") != null, "screenshots not asked for");
    String token = cloud.token(ANN, PASSWORD, ALPHA);
    String[] containers = {"backups", "photos", "website"};
    for (String c : containers) {
      cloud.send("PUT", account() + "/" + c, token, null, c.equals("website") ? new String[] {"X-Container-Read", ".r:*,.rlistings"} : new String[0]);
    }
    cloud.send("PUT", account() + "/photos/2026/summer/beach.jpg", token, random(734_003, 3), "Content-Type", "image/jpeg");
    cloud.send("PUT", account() + "/photos/2026/winter/snow.jpg", token, random(412_117, 4), "Content-Type", "image/jpeg");
    cloud.send("PUT", account() + "/photos/cover.png", token, random(91_342, 5), "Content-Type", "image/png");
    cloud.send("PUT", account() + "/photos/index.html", token, random(2_311, 6), "Content-Type", "text/html");
    cloud.send("PUT", account() + "/backups/db-2026-11-24.sql.gz", token, random(1_843_200, 7), "Content-Type", "application/gzip");
    cloud.send("PUT", account() + "/website/index.html", token, random(5_120, 8), "Content-Type", "text/html");
    for (String[] i : new String[][] {{"debian-12-genericcloud", "qcow2", "private"}, {"installer", "iso", "community"},
        {"scratch-disk", "raw", "shared"}}) {
      JsonObject image = cloud.call("POST", "/image/v2/images", token, new JsonObject().put("name", i[0]).put("disk_format", i[1])
        .put("container_format", "bare").put("visibility", i[2]).put("os_distro", "debian")).body();
      if (!i[0].equals("scratch-disk")) {
        byte[] bytes = i[1].equals("qcow2") ? qcow2() : new byte[64 * 1024];
        if (i[1].equals("iso")) {
          bytes = new byte[40 * 1024];
          System.arraycopy("CD001".getBytes(StandardCharsets.US_ASCII), 0, bytes, 32769, 5);
        }
        cloud.send("PUT", "/image/v2/images/" + image.getString("id") + "/file", token, bytes, "Content-Type", "application/octet-stream");
      }
    }
    signIn(ANN, ALPHA);
    openPanel("object-store", "Object store");
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("containers", "website")));
    screenshot("object-store-containers");
    browser.findElement(row("containers", "photos")).findElement(By.cssSelector("button.open")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("objects", "2026/"))).findElement(By.cssSelector("button.folder")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("objects", "summer/")));
    browser.findElement(By.xpath("//nav[@class='crumbs']/button[normalize-space()='photos']")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("objects", "cover.png")))
      .findElement(By.xpath(".//button[normalize-space()='Metadata']")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".dialog .metadata")));
    browser.findElement(By.xpath("//div[@class='dialog wide']//button[normalize-space()='Add metadata']")).click();
    browser.findElement(By.name("meta-key-0")).sendKeys("Photographer");
    browser.findElement(By.name("meta-value-0")).sendKeys("ann");
    screenshot("object-store-metadata");
    browser.findElement(By.cssSelector(".dialog header button")).click();
    dialogClosed();
    screenshot("object-store-objects");
    openPanel("images", "Images");
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("images", "installer")));
    screenshot("images");
    browser.findElement(row("images", "debian-12-genericcloud")).findElement(By.xpath(".//button[normalize-space()='Edit']")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("prop-key-0")));
    screenshot("images-edit");
    browser.findElement(By.cssSelector(".dialog header button")).click();
    dialogClosed();
    button("Upload image").click();
    dialog().findElement(By.cssSelector("input[type=file]")).sendKeys(file("debian-13.qcow2", qcow2()).toString());
    wait.until(d2 -> "qcow2".equals(new Select(browser.findElement(By.name("disk_format"))).getFirstSelectedOption().getAttribute("value")));
    screenshot("images-upload");
  }
}
