package org.estafeta.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.search.SubjectTerm;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The webmail in a real headless Chromium (Debian's chromium and chromium-driver, driven by Selenium):
 * what a person does, and that hostile mail neither runs script nor reaches the network. Screenshots
 * go to target/browser/. Skipped only when chromium or chromedriver is not installed.
 */
class BrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SHOTS = Path.of("target/browser");

    static TestServer server;
    static String base;
    /** Every request the canary server saw: must stay empty. */
    static final List<String> canaryHits = new CopyOnWriteArrayList<>();
    static HttpServer canary;
    WebDriver driver;

    @BeforeAll
    static void start() throws IOException {
        assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)).as("needs Debian's chromium and chromium-driver (./run-tests installs them)").isTrue();
        Files.createDirectories(SHOTS);
        server = TestServer.start();
        server.server().admin().addUser("jefa@servidor.es", TestServer.PASSWORD, true);
        base = "http://127.0.0.1:" + server.server().web().port();
        canary = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        canary.createContext("/", exchange -> {
            canaryHits.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        canary.start();
    }

    @AfterAll
    static void stop() {
        if (canary != null) canary.stop(0);
        if (server != null) server.closeAndDelete();
    }

    @AfterEach
    void quit() {
        if (driver != null) driver.quit();
    }

    private WebDriver browser(int width, int height) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-extensions",
                "--window-size=" + width + "," + height, "--lang=en");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        return driver;
    }

    private WebDriverWait waiting() {
        return new WebDriverWait(driver, Duration.ofSeconds(30));
    }

    private void shot(String name) throws IOException {
        Files.write(SHOTS.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    private void login(String user, String password) {
        driver.get(base + "/login");
        driver.findElement(By.id("user")).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.cssSelector("form.login button[type=submit]")).click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("table.messages")));
    }

    @Test
    void readReplyWithAttachmentSearchMoveDelete() throws Exception {
        server.deliver(TestServer.USER, "From: Pepe <pepe@servidor.es>\r\nTo: usuario@servidor.es\r\nSubject: Plan de la semana\r\n"
                + "Message-ID: <plan-1@servidor.es>\r\n\r\nHola, te mando el plan de la semana.\r\nUn saludo.\r\n");
        browser(1280, 900);
        login(TestServer.USER, TestServer.PASSWORD);
        assertThat(driver.findElement(By.cssSelector("table.messages")).getText()).contains("Plan de la semana", "Pepe");
        shot("01-inbox");

        driver.findElement(By.partialLinkText("Plan de la semana")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("text"), "te mando el plan"));
        shot("02-message");

        driver.findElement(By.linkText("Reply")).click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("body")));
        assertThat(driver.findElement(By.id("subject")).getAttribute("value")).isEqualTo("Re: Plan de la semana");
        Path file = Files.createTempFile("horario", ".txt");
        Files.writeString(file, "lunes 9:00\n");
        WebElement body = driver.findElement(By.id("body"));
        body.sendKeys(org.openqa.selenium.Keys.CONTROL, org.openqa.selenium.Keys.HOME);
        body.sendKeys("De acuerdo, adjunto mi horario.");
        driver.findElement(By.id("attachments")).sendKeys(file.toAbsolutePath().toString());
        shot("03-reply");
        driver.findElement(By.id("send")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("p.notice"), "Message sent"));

        // The reply is in pepe's INBOX, seen through IMAP, with the attachment.
        Properties props = new Properties();
        props.put("mail.imap.host", "127.0.0.1");
        props.put("mail.imap.port", String.valueOf(server.port("imap")));
        props.put("mail.imap.timeout", "20000");
        try (Store store = Session.getInstance(props).getStore("imap")) {
            store.connect(TestServer.OTHER_USER, TestServer.PASSWORD);
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            Message[] found = inbox.search(new SubjectTerm("Re: Plan de la semana"));
            assertThat(found).hasSize(1);
            assertThat(found[0].getHeader("In-Reply-To")).containsExactly("<plan-1@servidor.es>");
            Multipart mp = (Multipart) found[0].getContent();
            assertThat(mp.getCount()).isEqualTo(2);
            assertThat(mp.getBodyPart(0).getContent().toString()).contains("De acuerdo, adjunto mi horario.", "> Hola, te mando el plan");
            assertThat(mp.getBodyPart(1).getDisposition()).isEqualToIgnoringCase(Part.ATTACHMENT);
            assertThat(mp.getBodyPart(1).getFileName()).startsWith("horario").endsWith(".txt");
            inbox.close(false);
        }

        // Search, then move the message to Archive and delete it from there.
        driver.findElement(By.id("q")).sendKeys("horario");
        new Select(driver.findElement(By.id("field"))).selectByValue("body");
        driver.findElement(By.cssSelector("form.search button")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("p.summary"), "0 messages"));
        driver.findElement(By.id("q")).clear();
        driver.findElement(By.id("q")).sendKeys("semana");
        new Select(driver.findElement(By.id("field"))).selectByValue("subject");
        driver.findElement(By.cssSelector("form.search button")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("p.summary"), "1 message matching"));
        shot("04-search");
        driver.findElement(By.cssSelector("table.messages input[type=checkbox]")).click();
        new Select(driver.findElement(By.id("move-to"))).selectByVisibleText("Archive");
        driver.findElement(By.cssSelector("#actions button[value=move]")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("p.notice"), "Moved to Archive"));
        driver.findElement(By.partialLinkText("Archive")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("table.messages"), "Plan de la semana"));
        driver.findElement(By.cssSelector("table.messages input[type=checkbox]")).click();
        driver.findElement(By.cssSelector("#actions button[value=delete]")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("p.notice"), "Moved to Trash"));
        assertThat(driver.findElement(By.cssSelector("table.messages")).getText()).doesNotContain("Plan de la semana");
        shot("05-after-delete");
    }

    @Test
    void newMailAppearsWithoutReloading() {
        browser(1280, 900);
        login(TestServer.OTHER_USER, TestServer.PASSWORD);
        ((JavascriptExecutor) driver).executeScript("window.notReloaded = true;");
        // Give the event stream a moment to connect, then deliver.
        new WebDriverWait(driver, Duration.ofSeconds(10)).pollingEvery(Duration.ofMillis(200))
                .until(d -> server.server().storage().events().listeners() > 0);
        server.deliver(TestServer.OTHER_USER, "From: x@y.example\r\nSubject: Llega sin recargar\r\n\r\nhola\r\n");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("table.messages"), "Llega sin recargar"));
        assertThat(((JavascriptExecutor) driver).executeScript("return window.notReloaded === true;")).isEqualTo(true);
    }

    @Test
    void adminCreatesAUserWhoThenLogsIn() throws IOException {
        browser(1280, 900);
        login("jefa@servidor.es", TestServer.PASSWORD);
        driver.findElement(By.linkText("Admin")).click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("new-address")));
        driver.findElement(By.id("new-address")).sendKeys("lucia@servidor.es");
        driver.findElement(By.id("new-password")).sendKeys("clave de lucía");
        driver.findElement(By.cssSelector("#add-user button")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("p.notice"), "lucia@servidor.es created"));
        shot("06-admin");
        driver.findElement(By.cssSelector("header nav button")).click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("user")));
        login("lucia@servidor.es", "clave de lucía");
        assertThat(driver.findElement(By.cssSelector("header nav")).getText()).doesNotContain("Admin");
    }

    /** Issue 10 item 6: five wrong passwords block an account from this address; the admin sees it and lifts it. */
    @Test
    void adminSeesAndLiftsALoginBlock() throws Exception {
        String wrong = java.util.Base64.getEncoder().encodeToString(("\0" + TestServer.OTHER_USER + "\0mal").getBytes());
        String right = java.util.Base64.getEncoder().encodeToString(("\0" + TestServer.OTHER_USER + "\0" + TestServer.PASSWORD)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try (org.estafeta.testing.SmtpDialog smtp = org.estafeta.testing.SmtpDialog.connect(server.port("smtp"))) {
            for (int i = 0; i < 5; i++) assertThat(smtp.command("AUTH PLAIN " + wrong)).startsWith("535");
            assertThat(smtp.command("AUTH PLAIN " + right)).startsWith("454 4.7.0");
            browser(1280, 900);
            login("jefa@servidor.es", TestServer.PASSWORD);
            driver.findElement(By.linkText("Admin")).click();
            driver.findElement(By.linkText("Login blocks")).click();
            WebElement row = waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#block-list tbody tr")));
            assertThat(row.getText()).contains("Account from an address", "127.0.0.1 " + TestServer.OTHER_USER, "5");
            shot("07-admin-blocks");
            driver.findElement(By.cssSelector("#block-list button[aria-label='Unblock " + TestServer.OTHER_USER + "']")).click();
            waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("p.notice"), "Blocks lifted for " + TestServer.OTHER_USER));
            assertThat(driver.findElement(By.id("blocks")).getText()).contains("Nothing is blocked.");
            assertThat(smtp.command("AUTH PLAIN " + right)).startsWith("235");
        }
    }

    @Test
    void hostileMailRunsNoScriptAndMakesNoRemoteRequest() throws Exception {
        String canaryUrl = "http://127.0.0.1:" + canary.getAddress().getPort() + "/canary";
        long inbox = server.server().storage().mailboxes()
                .mailbox(server.server().storage().accounts().account(TestServer.USER).orElseThrow().id(), "INBOX").orElseThrow().id();
        browser(1280, 900);
        login(TestServer.USER, TestServer.PASSWORD);
        for (XssCorpus.Sample sample : XssCorpus.load(canaryUrl)) {
            server.deliver(TestServer.USER, XssCorpus.mail(sample, TestServer.USER));
            long uid = server.server().storage().messages().list(inbox).getLast().uid();
            driver.get(base + "/box/" + inbox + "/msg/" + uid);
            waiting().until(ExpectedConditions.frameToBeAvailableAndSwitchToIt(By.cssSelector("iframe.mailhtml")));
            waiting().until(d -> "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
            driver.switchTo().defaultContent();
            // Hover and focus what is there, in case a handler survived.
            for (WebElement e : driver.findElements(By.cssSelector("iframe.mailhtml"))) e.click();
            Thread.sleep(300);
            assertThat(driver.getTitle()).as(sample.name()).doesNotContain("PWNED");
            assertThat(((JavascriptExecutor) driver).executeScript(
                    "var f = document.querySelector('iframe.mailhtml'); return f.contentDocument.title + '|' + f.contentDocument.scripts.length;"))
                    .as(sample.name()).isEqualTo("|0");
            try {
                driver.switchTo().alert();
                throw new AssertionError(sample.name() + " opened an alert");
            } catch (org.openqa.selenium.NoAlertPresentException expected) {
                // no dialog: good
            }
        }
        shot("07-xss-last");
        // Give stragglers (image loads, refreshes) time to arrive.
        Thread.sleep(1500);
        assertThat(canaryHits).as("requests that hostile mail made").isEmpty();
    }

    @Test
    void phoneSizedLayout() throws IOException {
        server.deliver(TestServer.USER, "From: Marta <marta@servidor.es>\r\nSubject: Desde el móvil\r\n\r\nSe lee bien en un teléfono.\r\n");
        browser(390, 844);
        driver.manage().window().setSize(new Dimension(390, 844));
        // A bare user name, as the lab guides type it (issue 16 item 14): an email-typed field would refuse it.
        login(TestServer.USER.substring(0, TestServer.USER.indexOf('@')), TestServer.PASSWORD);
        Object width = ((JavascriptExecutor) driver).executeScript("return document.documentElement.scrollWidth;");
        Object viewport = ((JavascriptExecutor) driver).executeScript("return window.innerWidth;");
        shot("08-phone-inbox-390x844");
        assertThat(((Number) width).longValue()).as("no horizontal scrolling").isLessThanOrEqualTo(((Number) viewport).longValue());
        driver.findElement(By.partialLinkText("Desde el móvil")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("text"), "Se lee bien"));
        shot("09-phone-message-390x844");
        // Keyboard: the skip link is the first stop and leads to the content.
        driver.get(base + "/");
        driver.findElement(By.tagName("body")).sendKeys(org.openqa.selenium.Keys.TAB);
        assertThat(driver.switchTo().activeElement().getText()).isEqualTo("Skip to content");
    }

    /**
     * Issue 16 item 15, the everyday path on a wide screen: unread in bold, a reading pane beside the
     * list, j/k to move (and read), e to archive and # to delete from the pane, dark mode from the
     * system's prefers-color-scheme; screenshots at desktop and phone sizes, light and dark, English
     * and Spanish, in target/browser/.
     */
    @Test
    void readingPaneKeyboardAndDarkMode() throws IOException {
        String reader = "lectora@servidor.es";
        server.server().admin().addUser(reader, TestServer.PASSWORD, false);
        for (String subject : List.of("Primero", "Segundo", "Tercero")) {
            server.deliver(reader, "From: Luis <luis@servidor.es>\r\nTo: " + reader + "\r\nSubject: " + subject + "\r\n\r\nTexto del mensaje " + subject + ".\r\n");
        }
        browser(1440, 900);
        login(reader, TestServer.PASSWORD);
        JavascriptExecutor js = (JavascriptExecutor) driver;
        List<WebElement> rows = driver.findElements(By.cssSelector("table.messages tbody tr"));
        assertThat(rows).hasSize(3);
        assertThat(rows).allMatch(r -> Integer.parseInt(r.findElement(By.cssSelector("td.subject")).getCssValue("font-weight")) >= 700);

        // j: the newest message under the cursor and in the pane, and no longer bold.
        driver.findElement(By.tagName("body")).sendKeys("j");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#pane #subject"), "Tercero"));
        // The list may be re-rendered meanwhile (the \\Seen change comes back over SSE): look again each time.
        waiting().ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(d -> {
            WebElement first = d.findElement(By.cssSelector("table.messages tbody tr"));
            return first.getAttribute("class").contains("cursor") && first.getAttribute("class").contains("seen")
                    && Integer.parseInt(first.findElement(By.cssSelector("td.subject")).getCssValue("font-weight")) < 700;
        });
        assertThat(driver.getCurrentUrl()).as("the list stays").doesNotContain("/msg/");
        driver.findElement(By.tagName("body")).sendKeys("j");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#pane #subject"), "Segundo"));
        shot("10-desktop-reading-pane-1440x900");

        // e archives what the pane shows and comes back to the list.
        driver.findElement(By.tagName("body")).sendKeys("e");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("p.notice"), "Moved to Archive"));
        assertThat(driver.findElement(By.cssSelector("table.messages")).getText()).doesNotContain("Segundo").contains("Primero", "Tercero");
        // # deletes the one under the cursor.
        driver.findElement(By.tagName("body")).sendKeys("j");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#pane #subject"), "Tercero"));
        driver.findElement(By.tagName("body")).sendKeys("#");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("p.notice"), "Moved to Trash"));
        assertThat(driver.findElement(By.cssSelector("table.messages")).getText()).doesNotContain("Tercero").contains("Primero");
        long archive = server.server().storage().mailboxes().mailbox(server.server().storage().accounts().account(reader).orElseThrow().id(), "Archive")
                .orElseThrow().id();
        assertThat(server.server().storage().messages().list(archive)).hasSize(1);

        // Dark mode follows the system.
        assertThat(js.executeScript("return getComputedStyle(document.body).backgroundColor")).isEqualTo("rgb(255, 255, 255)");
        ((ChromeDriver) driver).executeCdpCommand("Emulation.setEmulatedMedia",
                java.util.Map.of("features", List.of(java.util.Map.of("name", "prefers-color-scheme", "value", "dark"))));
        assertThat(js.executeScript("return getComputedStyle(document.body).backgroundColor")).isEqualTo("rgb(22, 24, 28)");
        driver.findElement(By.tagName("body")).sendKeys("j");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#pane #subject"), "Primero"));
        shot("11-desktop-dark-1440x900");
        driver.manage().window().setSize(new Dimension(390, 844));
        driver.navigate().refresh();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("table.messages")));
        assertThat(driver.findElement(By.id("pane")).isDisplayed()).as("no pane on a phone").isFalse();
        shot("12-phone-dark-390x844");

        // The same in Spanish, by the user's choice.
        driver.findElement(By.linkText("Español")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "Bandeja de entrada"));
        shot("13-phone-dark-spanish-390x844");
        driver.manage().window().setSize(new Dimension(1440, 900));
        ((ChromeDriver) driver).executeCdpCommand("Emulation.setEmulatedMedia",
                java.util.Map.of("features", List.of(java.util.Map.of("name", "prefers-color-scheme", "value", "light"))));
        driver.navigate().refresh();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("table.messages")));
        driver.findElement(By.tagName("body")).sendKeys("j");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#pane #subject"), "Primero"));
        assertThat(driver.findElement(By.id("pane")).getText()).contains("Responder", "Archivar");
        shot("14-desktop-spanish-1440x900");
    }
}
