package org.vertstack.dashboard;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.vertstack.testing.TestCloud;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What each caller may do, and what one session leaves for the next (issue 13): a reader sees
 * no write action and refusals are explained in words; a member asking for the Identity panel is
 * told why not; sign-out forgets the uploads of the user who leaves; a user made in the dashboard
 * gets a role and lands in their default project; a narrow screen and the keyboard work.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class RoleAwareBrowserTest {

  private static final String PASSWORD = "role-aware-password-1";
  private static final String ALPHA = TestCloud.unique("ra-alpha");
  private static final String BETA = TestCloud.unique("ra-beta");
  private static final String READER = TestCloud.unique("rita");
  private static final String ALICE = TestCloud.unique("alice");
  private static final String CAROL = TestCloud.unique("carol");
  private static final String SHARED = TestCloud.unique("shared-docs");

  private static DashboardNode cloud;
  private static String adminToken;
  private static JsonObject alpha;
  private static JsonObject beta;

  private WebDriver browser;
  private WebDriverWait wait;
  private BrowserSession session;
  private Path files;

  @BeforeAll
  static void startCloud() throws Exception {
    BrowserSession.requireChromium();
    cloud = DashboardNode.shared();
    adminToken = cloud.adminToken();
    alpha = cloud.create(adminToken, "projects", "project", new JsonObject().put("name", ALPHA));
    beta = cloud.create(adminToken, "projects", "project", new JsonObject().put("name", BETA));
    String alphaId = alpha.getString("id");
    for (String[] u : new String[][] {{READER, "reader"}, {ALICE, "member"}, {CAROL, "member"}}) {
      JsonObject user = cloud.create(adminToken, "users", "user", new JsonObject().put("name", u[0]).put("password", PASSWORD)
        .put("default_project_id", alphaId));
      cloud.grant(adminToken, alphaId, user.getString("id"), u[1]);
    }
    // a container with an object and an image of alpha, for the reader to look at
    String alice = cloud.token(ALICE, PASSWORD, ALPHA);
    cloud.send("PUT", account() + "/" + SHARED, alice, null);
    cloud.send("PUT", account() + "/" + SHARED + "/read-me.txt", alice, "hello".getBytes(StandardCharsets.UTF_8));
    DashboardNode.Response image = cloud.call("POST", "/image/v2/images", alice, new JsonObject().put("name", "alpha-disk")
      .put("disk_format", "raw").put("container_format", "bare"));
    assertThat(image.status()).isEqualTo(201);
  }

  @BeforeEach
  void openBrowser() throws Exception {
    session = BrowserSession.open();
    browser = session.browser();
    wait = session.waiter();
    files = session.files();
  }

  @AfterEach
  void closeBrowser() throws Exception {
    session.close();
  }

  // ---- helpers -----------------------------------------------------------------------

  private static String account() {
    return "/object-store/v1/AUTH_" + alpha.getString("id");
  }

  private void signIn(String user, String password, String project) {
    if (!browser.getCurrentUrl().startsWith(cloud.url)) {
      browser.get(cloud.url + "/");
    }
    session.fillSignIn(user, password);
    session.waitForShell(project);
  }

  private void signOut() {
    browser.findElement(By.id("sign-out")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("username")));
  }

  private void openPanel(String id, String title) {
    browser.findElement(By.cssSelector("a[data-panel=" + id + "]")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".content h1"), title));
  }

  private By row(String collection, String name) {
    return By.cssSelector(".collection." + collection + " tr[data-name='" + name + "']");
  }

  private List<String> buttons(By scope) {
    return browser.findElement(scope).findElements(By.cssSelector("button")).stream()
      .map(WebElement::getText).map(String::trim).toList();
  }

  private Object js(String script) {
    return ((JavascriptExecutor) browser).executeScript(script);
  }

  /** WCAG's contrast ratio of two CSS colours, as script for the page. */
  private static final String CONTRAST = "const lum = (c) => { const [r, g, b] = (c.startsWith('#')"
    + " ? [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)) : c.match(/[\\d.]+/g).slice(0, 3).map(Number))"
    + ".map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));"
    + " return 0.2126 * r + 0.7152 * g + 0.0722 * b; };"
    + " const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };";

  /** The page is no wider than the window; if it is, the message names what sticks out. */
  private void assertNoHorizontalScrolling() {
    Object wider = js("const w = window.innerWidth; return [...document.querySelectorAll('body *')]"
      + ".filter((e) => e.getBoundingClientRect().right > w + 1 && !e.closest('.table-wrap'))"
      + ".map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join('; ');");
    assertThat(js("return document.documentElement.scrollWidth <= window.innerWidth;"))
      .as("no horizontal scrolling; wider than the window: %s", wider).isEqualTo(true);
  }

  // ---- tests -------------------------------------------------------------------------

  @Test
  void aReaderSeesNoWriteActionAndARefusalIsExplainedInWords() throws Exception {
    signIn(READER, PASSWORD, ALPHA);
    openPanel("object-store", "Object store");
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("containers", SHARED)));
    assertThat(buttons(By.cssSelector(".content"))).doesNotContain("Create container", "Make public", "Make private", "Delete");
    browser.findElement(row("containers", SHARED)).findElement(By.cssSelector("button.open")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("objects", "read-me.txt")));
    assertThat(buttons(By.cssSelector(".content"))).contains("Download")
      .doesNotContain("Upload", "New folder", "Delete");
    assertThat(buttons(row("objects", "read-me.txt"))).doesNotContain("Metadata");

    openPanel("images", "Images");
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("images", "alpha-disk")));
    assertThat(buttons(By.cssSelector(".content"))).doesNotContain("Upload image", "Edit", "Delete", "Members");

    // a refusal of the API, in words: who, where, and what the role cannot do
    Object said = ((JavascriptExecutor) browser).executeAsyncScript(
      "const done = arguments[arguments.length - 1];"
        + "import('/app/roles.js').then((m) => done(m.explainRefusal({status: 403, message: 'Forbidden'},"
        + " JSON.parse(sessionStorage.getItem('vertstack.session')), 'upload').message), (e) => done(String(e)));");
    assertThat(said).isEqualTo("Your role in project " + ALPHA + " is reader: it cannot upload.");
  }

  @Test
  void signingOutForgetsTheUploadsOfTheUserWhoLeft() throws Exception {
    String drop = TestCloud.unique("drop");
    String alice = cloud.token(ALICE, PASSWORD, ALPHA);
    cloud.send("PUT", account() + "/" + drop, alice, null);
    signIn(ALICE, PASSWORD, ALPHA);
    openPanel("object-store", "Object store");
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("containers", drop))).findElement(By.cssSelector("button.open")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".collection.objects[data-container='" + drop + "']")));
    // the container goes away under the page: Alice's upload into it fails
    assertThat(cloud.send("DELETE", account() + "/" + drop, alice, null).statusCode()).isEqualTo(204);
    Path secret = Files.write(files.resolve("alice-secret-plans.txt"), "plans".getBytes(StandardCharsets.UTF_8));
    browser.findElement(By.xpath("//button[normalize-space()='Upload']")).click();
    WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".dialog")));
    dialog.findElement(By.cssSelector("input[type=file]")).sendKeys(secret.toString());
    dialog.findElement(By.cssSelector("button[type=submit]")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".uploads li.failed[data-name='alice-secret-plans.txt']")));
    browser.findElement(By.xpath("//nav[@class='crumbs']/button[normalize-space()='Containers']")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".uploads li.failed[data-name='alice-secret-plans.txt']")));

    signOut();
    signIn(CAROL, PASSWORD, ALPHA);
    openPanel("object-store", "Object store");
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("containers", SHARED)));
    assertThat(browser.findElements(By.cssSelector(".uploads li"))).as("Alice's uploads, shown to Carol").isEmpty();
    assertThat(browser.getPageSource()).doesNotContain("alice-secret-plans");
  }

  @Test
  void aUserMadeInTheDashboardGetsARoleAndLandsInTheirDefaultProject() throws Exception {
    signIn("admin", DashboardNode.ADMIN_PASSWORD, "admin");
    openPanel("identity", "Identity");
    browser.findElement(By.cssSelector("button[data-tab=users]")).click();
    WebElement me = wait.until(ExpectedConditions.visibilityOfElementLocated(row("users", "admin")));
    assertThat(buttons(row("users", "admin"))).as("no Delete on one's own user").doesNotContain("Delete");
    me.findElement(By.xpath(".//button[normalize-space()='Edit']")).click();
    WebElement edit = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".dialog")));
    assertThat(edit.findElements(By.name("enabled"))).as("no Disable of one's own user").isEmpty();
    edit.findElement(By.xpath(".//button[normalize-space()='Cancel']")).click();

    String name = TestCloud.unique("frank");
    browser.findElement(By.xpath("//button[normalize-space()='Create user']")).click();
    WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".dialog")));
    dialog.findElement(By.name("name")).sendKeys(name);
    dialog.findElement(By.name("password")).sendKeys(PASSWORD);
    new Select(dialog.findElement(By.name("default_project_id"))).selectByVisibleText(BETA);
    Select role = new Select(dialog.findElement(By.name("role")));
    assertThat(role.getFirstSelectedOption().getText()).isEqualTo("member");
    dialog.findElement(By.cssSelector("button[type=submit]")).click();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(".dialog")));
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("users", name)));
    String id = cloud.call("GET", "/identity/v3/users?name=" + name, adminToken, null).body()
      .getJsonArray("users").getJsonObject(0).getString("id");
    // a second project, so that landing in beta is the default project's doing, not the only choice
    cloud.grant(adminToken, alpha.getString("id"), id, "reader");
    signOut();

    signIn(name, PASSWORD, BETA);
    assertThat(js("return JSON.parse(sessionStorage.getItem('vertstack.session')).scoped.roles.join(' ');").toString())
      .contains("member").doesNotContain("admin");
    // the Identity panel asked for by address: a sentence why not, not Overview
    browser.get(cloud.url + "/#identity");
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".content"), "needs an administrator"));
    assertThat(browser.findElements(By.cssSelector("a[data-panel=identity]"))).isEmpty();
  }

  @Test
  void aNarrowScreenAndTheKeyboardReachEverything() throws Exception {
    browser.manage().window().setSize(new Dimension(400, 800));
    signIn(ALICE, PASSWORD, ALPHA);
    assertNoHorizontalScrolling();
    WebElement signOut = browser.findElement(By.id("sign-out"));
    assertThat(signOut.isDisplayed()).isTrue();
    assertThat(js("const r = document.getElementById('sign-out').getBoundingClientRect();"
      + " return r.left >= 0 && r.right <= window.innerWidth && r.top >= 0;")).as("Sign out on screen").isEqualTo(true);
    // the menu is behind a button
    browser.findElement(By.id("menu-toggle")).click();
    wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("a[data-panel=object-store]"))).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".content h1"), "Object store"));
    wait.until(ExpectedConditions.titleContains("Object store"));
    wait.until(ExpectedConditions.visibilityOfElementLocated(row("containers", SHARED)));
    assertNoHorizontalScrolling();

    // a dialog takes focus, keeps it on Tab and Shift+Tab, and gives it back on Esc
    WebElement create = browser.findElement(By.xpath("//button[normalize-space()='Create container']"));
    create.click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".dialog")));
    wait.until(d -> js("return !!document.activeElement.closest('.dialog');"));
    // WCAG 2.1 AA: the focus ring and control borders 3:1 against their background, the "public" tag's text 4.5:1
    assertThat(((Number) js(CONTRAST + "return ratio(getComputedStyle(document.activeElement).outlineColor, '#ffffff');")).doubleValue())
      .as("focus ring").isGreaterThanOrEqualTo(3.0);
    assertThat(((Number) js(CONTRAST + "return ratio(getComputedStyle(document.activeElement).borderTopColor, '#ffffff');")).doubleValue())
      .as("input border").isGreaterThanOrEqualTo(3.0);
    assertThat(((Number) js(CONTRAST + "const tag = document.createElement('span'); tag.className = 'tag public'; tag.textContent = 'public';"
      + " document.body.append(tag); const s = getComputedStyle(tag); const r = ratio(s.color, s.backgroundColor); tag.remove(); return r;")).doubleValue())
      .as("public tag").isGreaterThanOrEqualTo(4.5);
    for (int i = 0; i < 8; i++) {
      new Actions(browser).sendKeys(Keys.TAB).perform();
      assertThat(js("return !!document.activeElement.closest('.dialog');")).as("focus after Tab " + (i + 1)).isEqualTo(true);
    }
    for (int i = 0; i < 3; i++) {
      new Actions(browser).keyDown(Keys.SHIFT).sendKeys(Keys.TAB).keyUp(Keys.SHIFT).perform();
      assertThat(js("return !!document.activeElement.closest('.dialog');")).as("focus after Shift+Tab").isEqualTo(true);
    }
    new Actions(browser).sendKeys(Keys.ESCAPE).perform();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(".dialog")));
    assertThat(browser.switchTo().activeElement()).isEqualTo(create);
  }
}
