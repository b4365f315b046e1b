package org.estafeta.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.estafeta.testing.TestServer;
import org.estafeta.testing.TrustAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The live protocol trace in headless Chromium, as a lab uses it: a student logs in to the webmail,
 * opens Trace, and a script types the Spanish lab guide's session (openssl s_client on port 465:
 * ehlo, auth login, mail, rcpt, data) one line at a time; each line shows on the page while the
 * session is still open, in order, after the TLS line, with both AUTH LOGIN answers masked. An
 * administrator watches a port-25 telnet session typed by someone else, markup in its lines included:
 * shown as text, never run. Screenshots go to target/browser/.
 */
class TraceBrowserTest {

    static TestServer server;
    static String base;
    static final String ADMIN = "jefa@servidor.es";
    WebDriver driver;

    @BeforeAll
    static void start() throws IOException {
        assertThat(Files.isExecutable(BrowserTest.CHROMIUM) && Files.isExecutable(BrowserTest.CHROMEDRIVER))
                .as("needs Debian's chromium and chromium-driver (./run-tests installs them)").isTrue();
        Files.createDirectories(BrowserTest.SHOTS);
        server = TestServer.start();
        server.server().admin().addUser(ADMIN, TestServer.PASSWORD, true);
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

    private void login(String user) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BrowserTest.CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-extensions", "--window-size=1280,1000", "--lang=en");
        driver = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(BrowserTest.CHROMEDRIVER.toFile()).usingAnyFreePort().build(), options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        driver.get(base + "/login");
        driver.findElement(By.id("user")).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(TestServer.PASSWORD);
        driver.findElement(By.cssSelector("form.login button[type=submit]")).click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("table.messages")));
    }

    private WebDriverWait waiting() {
        return new WebDriverWait(driver, Duration.ofSeconds(30));
    }

    /** The page is subscribed: the stream is open (and so the server has a watcher). */
    private void watching() {
        waiting().until(ExpectedConditions.attributeToBe(By.id("trace-state"), "data-open", "true"));
        int before = server.server().traces().watchers();
        assertThat(before).isPositive();
    }

    /** The trace as shown: "kind text" per line. */
    private List<String> shown() {
        return driver.findElements(By.cssSelector("#trace li")).stream()
                .map(li -> (li.findElement(By.className("t-kind")).getText() + " " + li.findElement(By.className("t-line")).getText()).strip())
                .toList();
    }

    /**
     * Waits until the page shows {@code line}; called before the script types on, so the line arrived
     * while the session was still going on (order is checked on the whole trace at the end).
     */
    private void appears(String line) {
        try {
            waiting().until(d -> shown().contains(line));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("expected the trace to show [" + line + "], it shows " + shown(), e);
        }
    }

    private void shot(String name) throws IOException {
        Files.write(BrowserTest.SHOTS.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    /** A person at a terminal: one line at a time, reading the server's reply before typing on. */
    static final class Typist implements Closeable {
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;

        Typist(Socket socket) throws IOException {
            this.socket = socket;
            socket.setSoTimeout(20_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        /** The last line of the next reply (multi-line replies read whole). */
        String reply() throws IOException {
            String line;
            do {
                line = in.readLine();
                if (line == null) throw new IOException("the server hung up");
            } while (line.length() > 3 && line.charAt(3) == '-');
            return line;
        }

        void type(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        String command(String line) throws IOException {
            type(line);
            return reply();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aStudentWatchesTheLabSessionLiveWithThePasswordMasked() throws Exception {
        login(TestServer.USER);
        driver.findElement(By.linkText("Trace")).click();
        watching();
        shot("trace-01-empty");
        Socket tls = TrustAll.context().getSocketFactory().createSocket("127.0.0.1", server.port("smtps"));
        try (Typist openssl = new Typist(tls)) {
            assertThat(openssl.reply()).startsWith("220");
            assertThat(openssl.command("ehlo usuario")).isEqualTo("250 HELP");
            assertThat(openssl.command("auth login")).isEqualTo("334 VXNlcm5hbWU6");
            assertThat(openssl.command(b64(TestServer.USER))).isEqualTo("334 UGFzc3dvcmQ6");
            assertThat(openssl.command(b64(TestServer.PASSWORD))).startsWith("235");
            // Logged in: the page now shows the session from its first line, the TLS handshake among them.
            appears("S: 235 2.7.0 Authentication successful");
            List<String> start = shown();
            assertThat(start.getFirst()).startsWith("OPEN connected to port " + server.port("smtps"));
            assertThat(start.get(1)).matches("TLS TLSv1\\.[23] TLS_\\w+");
            assertThat(start).containsSubsequence("S: 220 mx.servidor.es ESMTP Estafeta", "C: ehlo usuario", "S: 250 HELP", "C: auth login",
                    "S: 334 VXNlcm5hbWU6", "C: ****", "S: 334 UGFzc3dvcmQ6", "C: ****", "LOGIN logged in as " + TestServer.USER);
            // From here each line shows as it is typed, the session still open.
            assertThat(openssl.command("mail from:<" + TestServer.USER + ">")).startsWith("250");
            appears("S: 250 2.1.0 Ok");
            openssl.type("rcpt to:<" + TestServer.OTHER_USER + ">");
            appears("C: rcpt to:<" + TestServer.OTHER_USER + ">");
            assertThat(openssl.reply()).startsWith("250");
            assertThat(openssl.command("data")).startsWith("354");
            openssl.type("subject asunto");
            appears("C: subject asunto");
            openssl.type("");
            openssl.type("Cuerpo del mensaje");
            appears("C: Cuerpo del mensaje");
            shot("trace-02-typing");
            assertThat(openssl.command(".")).startsWith("250");
            assertThat(openssl.command("quit")).startsWith("221");
        }
        appears("CLOSE connection closed");
        shot("trace-03-done");
        List<String> all = shown();
        assertThat(all).containsSubsequence("C: mail from:<" + TestServer.USER + ">", "S: 250 2.1.0 Ok", "C: rcpt to:<" + TestServer.OTHER_USER + ">",
                "S: 250 2.1.5 Ok", "C: data", "C: subject asunto", "C:", "C: Cuerpo del mensaje", "C: .", "C: quit", "S: 221 2.0.0 Bye");
        assertThat(all).noneMatch(l -> l.contains(b64(TestServer.PASSWORD)) || l.contains(b64(TestServer.USER)) || l.contains(TestServer.PASSWORD));
        // The lines before the login came once (replayed at the login), not again.
        assertThat(all.stream().filter(l -> l.equals("C: ehlo usuario"))).hasSize(1);
    }

    @Test
    void anAdministratorWatchesAPort25SessionAndItsMarkupStaysText() throws Exception {
        login(ADMIN);
        driver.get(base + "/admin/trace?protocol=smtp");
        watching();
        String hostile = "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>";
        try (Typist telnet = new Typist(new Socket("127.0.0.1", server.port("smtp")))) {
            assertThat(telnet.reply()).startsWith("220");
            assertThat(telnet.command("HELO pepito.es")).startsWith("250");
            appears("C: HELO pepito.es");
            assertThat(telnet.command("MAIL FROM: pepe@pepito.es")).startsWith("250");
            assertThat(telnet.command("RCPT TO: " + TestServer.USER)).startsWith("250");
            assertThat(telnet.command("DATA")).startsWith("354");
            telnet.type("subject: " + hostile);
            appears("C: subject: " + hostile);
            telnet.type("");
            telnet.type("Este mensaje es de prueba.");
            assertThat(telnet.command(".")).startsWith("250");
            assertThat(telnet.command("QUIT")).startsWith("221");
        }
        appears("CLOSE connection closed");
        shot("trace-04-admin");
        assertThat(driver.findElements(By.cssSelector("#trace img, #trace script"))).isEmpty();
        assertThat(driver.getTitle()).doesNotContain("pwned");
        WebElement row = driver.findElements(By.cssSelector("#trace li")).stream().filter(li -> li.getText().contains("<img")).findFirst().orElseThrow();
        assertThat(row.findElement(By.className("t-who")).getText()).startsWith("smtp ");
        assertThat((Boolean) ((JavascriptExecutor) driver).executeScript("return window.pwned === undefined")).isTrue();
    }
}
