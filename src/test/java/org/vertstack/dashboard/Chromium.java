package org.vertstack.dashboard;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Debian's headless Chromium for the browser tests, with the flags these machines need. */
final class Chromium {

  static final Path BINARY = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  private Chromium() {
  }

  static boolean installed() {
    return Files.isExecutable(BINARY) && Files.isExecutable(DRIVER);
  }

  /** Headless, no outside traffic, a fresh profile, the browser console kept for {@link #pageProblems}. */
  static ChromeOptions options(Path profile) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BINARY.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--window-size=1280,800", "--user-data-dir=" + profile);
    options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
    return options;
  }

  static ChromeDriver start(ChromeOptions options) {
    ChromeDriverService service = new ChromeDriverService.Builder()
      .usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }

  /** axe-core, installed by npm with the dashboard's libraries (a devDependency: never served). */
  static final Path AXE = Path.of("webroot/node_modules/axe-core/axe.min.js");

  /**
   * The serious and critical accessibility violations axe-core finds on the page as it is now,
   * one line each (rule, impact, the first offending elements); empty when there are none.
   */
  @SuppressWarnings("unchecked")
  static List<String> accessibilityProblems(org.openqa.selenium.WebDriver browser) throws java.io.IOException {
    org.openqa.selenium.JavascriptExecutor js = (org.openqa.selenium.JavascriptExecutor) browser;
    if (!Boolean.TRUE.equals(js.executeScript("return typeof window.axe === 'object';"))) {
      js.executeScript(Files.readString(AXE));
    }
    Object found = js.executeAsyncScript("const done = arguments[arguments.length - 1];"
      + "axe.run(document, {resultTypes: ['violations']}).then((r) => done(r.violations"
      + ".filter((v) => v.impact === 'serious' || v.impact === 'critical')"
      + ".map((v) => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', '))),"
      + " (e) => done(['axe failed: ' + e]));");
    return (List<String>) found;
  }

  /** Console messages saying the page broke its Content-Security-Policy or threw an uncaught error. */
  static List<String> pageProblems(org.openqa.selenium.WebDriver browser) {
    return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
      .map(LogEntry::getMessage)
      .filter(m -> m.contains("Content Security Policy") || m.contains("Uncaught"))
      .toList();
  }
}
