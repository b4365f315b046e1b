package org.estafeta.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import org.estafeta.store.SieveScripts;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Filters and Out-of-office pages in headless Chromium: a simple rule becomes the active Sieve
 * script, a broken raw script is refused with its line and column and kept in the editor, and the
 * out-of-office form writes a vacation action with its date range.
 */
class FiltersBrowserTest {

    static TestServer server;
    static String base;
    WebDriver driver;

    @BeforeAll
    static void start() {
        assertThat(Files.isExecutable(BrowserTest.CHROMIUM) && Files.isExecutable(BrowserTest.CHROMEDRIVER)).as("needs Debian's chromium and chromium-driver (./run-tests installs them)").isTrue();
        server = TestServer.start();
        base = "http://127.0.0.1:" + server.server().web().port();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.closeAndDelete();
    }

    @AfterEach
    void quit() {
        if (driver != null) driver.quit();
    }

    private void open() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BrowserTest.CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-extensions", "--window-size=1280,1000", "--lang=en");
        driver = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(BrowserTest.CHROMEDRIVER.toFile()).usingAnyFreePort().build(), options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        driver.get(base + "/login");
        driver.findElement(By.id("user")).sendKeys(TestServer.USER);
        driver.findElement(By.id("password")).sendKeys(TestServer.PASSWORD);
        driver.findElement(By.cssSelector("form.login button[type=submit]")).click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("table.messages")));
    }

    private WebDriverWait waiting() {
        return new WebDriverWait(driver, Duration.ofSeconds(30));
    }

    private String activeScript() {
        long id = server.server().storage().accounts().account(TestServer.USER).orElseThrow().id();
        return server.server().storage().sieveScripts().active(id).map(SieveScripts.Script::content).orElse("");
    }

    @Test
    void simpleRuleRawEditorAndOutOfOffice() throws Exception {
        open();
        driver.findElement(By.linkText("Filters")).click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("add-rule")));
        new Select(driver.findElement(By.id("field"))).selectByValue("subject");
        driver.findElement(By.id("value")).sendKeys("report");
        new Select(driver.findElement(By.id("action"))).selectByValue("move");
        driver.findElement(By.id("argument")).sendKeys("Reports");
        driver.findElement(By.id("add")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("p.notice"), "Filters saved."));
        assertThat(driver.findElement(By.id("rules")).getText()).contains("Subject contains “report”", "move to folder Reports");
        assertThat(activeScript()).contains("if header :contains \"subject\" \"report\" {\n  fileinto \"Reports\";\n}");
        assertThat(driver.findElement(By.id("script")).getAttribute("value")).contains("fileinto \"Reports\"");

        // An incomplete rule is refused with a reason, nothing changes.
        new Select(driver.findElement(By.id("action"))).selectByValue("forward");
        driver.findElement(By.id("value")).sendKeys("x");
        driver.findElement(By.id("add")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("p.error"), "Fill in the rule"));

        var script = driver.findElement(By.id("script"));
        script.clear();
        script.sendKeys("require \"fileinto\";\nfileinto \"x\"\n");
        driver.findElement(By.id("save-raw")).click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("script-error")));
        assertThat(driver.findElement(By.id("script-error")).getText())
                .isEqualTo("line 3, column 1: expected ';' or '{' but found end of script");
        assertThat(driver.findElement(By.id("script")).getAttribute("value")).contains("fileinto \"x\"");
        assertThat(activeScript()).contains("fileinto \"Reports\"");

        driver.findElement(By.linkText("Out of office")).click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("vacation")));
        driver.findElement(By.id("on")).click();
        driver.findElement(By.id("subject")).sendKeys("Away");
        driver.findElement(By.id("text")).sendKeys("Back on Monday.");
        ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(
                "document.getElementById('from').value='2026-12-01'; document.getElementById('until').value='2026-12-24';");
        driver.findElement(By.id("save")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("p.notice"), "The out-of-office reply is on."));
        assertThat(driver.findElement(By.id("on")).isSelected()).isTrue();
        assertThat(driver.findElement(By.id("text")).getAttribute("value")).isEqualTo("Back on Monday.");
        assertThat(activeScript()).contains("if allof (currentdate :value \"ge\" \"date\" \"2026-12-01\", currentdate :value \"le\" \"date\" \"2026-12-24\") {",
                "vacation :days 1 :subject \"Away\" \"Back on Monday.\";", "fileinto \"Reports\"");
    }
}
