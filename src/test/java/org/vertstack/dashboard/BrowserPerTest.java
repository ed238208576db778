package org.vertstack.dashboard;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/** A browser test's fresh headless Chromium for each test, closed after it. */
abstract class BrowserPerTest {

  WebDriver browser;
  WebDriverWait wait;
  BrowserSession session;

  @BeforeEach
  void openBrowser() throws Exception {
    session = BrowserSession.open();
    browser = session.browser();
    wait = session.waiter();
  }

  @AfterEach
  void closeBrowser() throws Exception {
    session.close();
  }
}
