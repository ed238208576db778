package org.vertstack.dashboard;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.vertstack.testing.RequiredTool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every browser test opens and closes: a headless Chromium with a throwaway profile, a scratch
 * directory for files to upload and a downloads directory inside it. Closing fails the test when the
 * page broke its Content-Security-Policy or threw an uncaught error, and removes the directories.
 */
final class BrowserSession implements AutoCloseable {

  private final WebDriver browser;
  private final WebDriverWait wait;
  private final Path profile;
  private final Path files;

  private BrowserSession(WebDriver browser, WebDriverWait wait, Path profile, Path files) {
    this.browser = browser;
    this.wait = wait;
    this.profile = profile;
    this.files = files;
  }

  /** Skips on a developer's machine without Chromium; fails in CI, where it must be installed. */
  static void requireChromium() {
    RequiredTool.require(Chromium.installed(), "Debian's chromium and chromedriver");
  }

  static BrowserSession open(Duration patience) throws IOException {
    Path profile = Files.createTempDirectory("vertstack-chromium-");
    Path files = Files.createTempDirectory("vertstack-uploads-");
    ChromeOptions options = Chromium.options(profile);
    options.setExperimentalOption("prefs", Map.of("download.default_directory",
      Files.createDirectories(files.resolve("downloads")).toString(), "download.prompt_for_download", false));
    WebDriver browser = Chromium.start(options);
    return new BrowserSession(browser, new WebDriverWait(browser, patience), profile, files);
  }

  static BrowserSession open() throws IOException {
    return open(Duration.ofSeconds(20));
  }

  WebDriver browser() {
    return browser;
  }

  WebDriverWait waiter() {
    return wait;
  }

  /** A scratch directory for files to upload. */
  Path files() {
    return files;
  }

  /** Where the browser saves downloads. */
  Path downloads() {
    return files.resolve("downloads");
  }

  /** Opens the dashboard and submits the sign-in form. */
  void submitSignIn(String cloudUrl, String user, String password) {
    browser.get(cloudUrl + "/");
    fillSignIn(user, password);
  }

  /** Submits the sign-in form already on the page (after a sign-out, say). */
  void fillSignIn(String user, String password) {
    WebElement name = wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("username")));
    name.clear();
    name.sendKeys(user);
    browser.findElement(By.name("password")).sendKeys(password);
    browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
  }

  /** Waits for the shell of a signed-in user: the project's overview, and the live feed connected. */
  void waitForShell(String project) {
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".content h1"), project));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("feed-status"), "Live"));
  }

  /** Signs in from the dashboard's front page and waits for the shell. */
  void signIn(String cloudUrl, String user, String password, String project) {
    submitSignIn(cloudUrl, user, password);
    waitForShell(project);
  }

  @Override
  public void close() throws IOException {
    List<String> problems;
    try {
      problems = Chromium.pageProblems(browser);
    } finally {
      browser.quit();
      for (Path dir : new Path[] {profile, files}) {
        try (var all = Files.walk(dir)) {
          all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
    assertThat(problems).as("the page broke its Content-Security-Policy or threw").isEmpty();
  }
}
