package org.estafeta.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.PropertyListParser;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import javax.xml.parsers.DocumentBuilderFactory;
import org.estafeta.testing.TestServer;
import org.estafeta.testing.TlsProbe;
import org.estafeta.testing.TrustAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Client autoconfiguration read by real parsers (the JDK's XML parser, dd-plist), and every server it
 * names checked against what answers there: a TLS handshake and the protocol's greeting for implicit
 * TLS, the protocol's STARTTLS dialogue and a handshake for STARTTLS.
 */
class ClientSetupTest {

    static {
        // Thunderbird asks autoconfig.DOMAIN; the test names that host in the Host header of a loopback request.
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
    }

    private static TestServer server;
    private static String base;

    /** One server a configuration names: the protocol, where, and how TLS starts. */
    record Named(String protocol, String host, int port, boolean implicitTls) {
    }

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("ports.pop3", "-1"));
        base = "http://127.0.0.1:" + server.server().web().port();
    }

    @AfterAll
    static void stop() {
        server.closeAndDelete();
    }

    @Test
    void thunderbirdAutoconfigNamesTheListenersThatAnswerImplicitTlsFirst() throws Exception {
        WebClient web = new WebClient(base);
        HttpResponse<String> r = web.get("/mail/config-v1.1.xml?emailaddress=" + TestServer.USER);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/xml");
        Document doc = parse(r.body());
        assertThat(text(doc.getDocumentElement(), "domain")).isEqualTo(TestServer.DOMAIN);
        List<Named> named = new ArrayList<>();
        for (String element : List.of("incomingServer", "outgoingServer")) {
            var servers = doc.getElementsByTagName(element);
            for (int i = 0; i < servers.getLength(); i++) {
                Element s = (Element) servers.item(i);
                assertThat(text(s, "username")).isEqualTo("%EMAILADDRESS%");
                assertThat(text(s, "authentication")).isEqualTo("password-cleartext");
                named.add(new Named(s.getAttribute("type"), text(s, "hostname"), Integer.parseInt(text(s, "port")),
                        switch (text(s, "socketType")) {
                            case "SSL" -> true;
                            case "STARTTLS" -> false;
                            default -> throw new AssertionError("plain text offered: " + text(s, "socketType"));
                        }));
            }
        }
        // RFC 8314 §5.1: implicit TLS first; POP3 without TLS is disabled here, so it is not offered.
        assertThat(named).containsExactly(
                new Named("imap", TestServer.HOSTNAME, server.port("imaps"), true), new Named("imap", TestServer.HOSTNAME, server.port("imap"), false),
                new Named("pop3", TestServer.HOSTNAME, server.port("pop3s"), true),
                new Named("smtp", TestServer.HOSTNAME, server.port("smtps"), true), new Named("smtp", TestServer.HOSTNAME, server.port("submission"), false));
        for (Named n : named) assertAnswers(n);

        // The well-known form, asked of autoconfig.DOMAIN as Thunderbird does.
        HttpResponse<String> wellKnown = web.send(HttpRequest.newBuilder(URI.create(base + "/.well-known/autoconfig/mail/config-v1.1.xml"))
                .header("Host", "autoconfig." + TestServer.DOMAIN).GET());
        assertThat(wellKnown.statusCode()).isEqualTo(200);
        assertThat(wellKnown.body()).isEqualTo(r.body());
        assertThat(web.get("/mail/config-v1.1.xml?emailaddress=someone@elsewhere.example").statusCode()).isEqualTo(404);
    }

    @Test
    void autodiscoverAnswersOutlooksRequestWithServersThatAnswer() throws Exception {
        WebClient web = new WebClient(base);
        String request = """
                <?xml version="1.0" encoding="utf-8"?>
                <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
                  <Request>
                    <EMailAddress>%s</EMailAddress>
                    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
                  </Request>
                </Autodiscover>
                """.formatted(TestServer.USER);
        HttpResponse<String> r = postXml(web, "/autodiscover/autodiscover.xml", request);
        assertThat(r.statusCode()).isEqualTo(200);
        Document doc = parse(r.body());
        assertThat(doc.getDocumentElement().getNamespaceURI()).isEqualTo("http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006");
        var protocols = doc.getElementsByTagNameNS("http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a", "Protocol");
        List<Named> named = new ArrayList<>();
        for (int i = 0; i < protocols.getLength(); i++) {
            Element p = (Element) protocols.item(i);
            assertThat(text(p, "LoginName")).isEqualTo(TestServer.USER);
            named.add(new Named(text(p, "Type").toLowerCase(), text(p, "Server"), Integer.parseInt(text(p, "Port")), text(p, "Encryption").equals("SSL")));
        }
        assertThat(named).first().isEqualTo(new Named("imap", TestServer.HOSTNAME, server.port("imaps"), true));
        assertThat(named).contains(new Named("smtp", TestServer.HOSTNAME, server.port("smtps"), true));
        for (Named n : named) assertAnswers(n);
        // The capitalised path Outlook also uses.
        assertThat(postXml(web, "/Autodiscover/Autodiscover.xml", request).statusCode()).isEqualTo(200);
    }

    /** An external entity (XXE) would read a file into the answer: a DTD is refused before anything is resolved. */
    @Test
    void autodiscoverRefusesDtdsAndEntities() {
        WebClient web = new WebClient(base);
        HttpResponse<String> r = postXml(web, "/autodiscover/autodiscover.xml", """
                <?xml version="1.0"?>
                <!DOCTYPE a [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
                <Autodiscover><Request><EMailAddress>&xxe;@servidor.es</EMailAddress></Request></Autodiscover>
                """);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).doesNotContain("root:");
        assertThat(postXml(web, "/autodiscover/autodiscover.xml", "not xml").statusCode()).isEqualTo(400);
        assertThat(postXml(web, "/autodiscover/autodiscover.xml", "<Autodiscover><Request><EMailAddress>x@elsewhere.example</EMailAddress></Request></Autodiscover>")
                .statusCode()).isEqualTo(404);
        assertThat(postXml(web, "/autodiscover/autodiscover.xml", "<a>" + "x".repeat(20_000) + "</a>").statusCode()).isEqualTo(413);
    }

    @Test
    void appleProfileIsForTheLoggedInUserAndNamesServersThatAnswer() throws Exception {
        WebClient web = new WebClient(base);
        assertThat(web.get("/settings/device.mobileconfig").statusCode()).as("only after login").isEqualTo(302);
        web.login(TestServer.USER, TestServer.PASSWORD);
        HttpResponse<byte[]> r = web.getBytes("/settings/device.mobileconfig");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/x-apple-aspen-config");
        NSDictionary profile = (NSDictionary) PropertyListParser.parse(r.body());
        assertThat(profile.objectForKey("PayloadType").toJavaObject()).isEqualTo("Configuration");
        NSDictionary mail = (NSDictionary) ((NSArray) profile.objectForKey("PayloadContent")).objectAtIndex(0);
        assertThat(mail.objectForKey("PayloadType").toJavaObject()).isEqualTo("com.apple.mail.managed");
        assertThat(mail.objectForKey("EmailAddress").toJavaObject()).isEqualTo(TestServer.USER);
        assertThat(mail.objectForKey("IncomingMailServerUsername").toJavaObject()).isEqualTo(TestServer.USER);
        Named in = new Named("imap", (String) mail.objectForKey("IncomingMailServerHostName").toJavaObject(),
                ((NSNumber) mail.objectForKey("IncomingMailServerPortNumber")).intValue(),
                ((NSNumber) mail.objectForKey("IncomingMailServerUseSSL")).boolValue());
        Named out = new Named("smtp", (String) mail.objectForKey("OutgoingMailServerHostName").toJavaObject(),
                ((NSNumber) mail.objectForKey("OutgoingMailServerPortNumber")).intValue(),
                ((NSNumber) mail.objectForKey("OutgoingMailServerUseSSL")).boolValue());
        assertThat(in).isEqualTo(new Named("imap", TestServer.HOSTNAME, server.port("imaps"), true));
        assertThat(out).isEqualTo(new Named("smtp", TestServer.HOSTNAME, server.port("smtps"), true));
        assertAnswers(in);
        assertAnswers(out);
    }

    /** Connects to what a configuration names: the greeting over implicit TLS, or the STARTTLS dialogue and a handshake. */
    private static void assertAnswers(Named n) throws Exception {
        assertThat(n.host()).isEqualTo(TestServer.HOSTNAME);
        if (!n.implicitTls()) {
            TlsProbe.Start start = switch (n.protocol()) {
                case "imap" -> TlsProbe.Start.IMAP;
                case "pop3" -> TlsProbe.Start.POP3;
                default -> TlsProbe.Start.SMTP;
            };
            assertThat(TlsProbe.chain(n.port(), start, n.host())).as(n.toString()).isNotEmpty();
            return;
        }
        try (SSLSocket s = (SSLSocket) TrustAll.context().getSocketFactory().createSocket("127.0.0.1", n.port())) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            String greeting = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            assertThat(greeting).as(n.toString()).startsWith(switch (n.protocol()) {
                case "imap" -> "* OK";
                case "pop3" -> "+OK";
                default -> "220 ";
            });
        }
    }

    private static HttpResponse<String> postXml(WebClient web, String path, String xml) {
        return web.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "text/xml")
                .POST(HttpRequest.BodyPublishers.ofString(xml)));
    }

    private static Document parse(String xml) throws Exception {
        var f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static String text(Element parent, String name) {
        var found = parent.getElementsByTagNameNS("*", name);
        if (found.getLength() == 0) throw new AssertionError("no " + name + " in " + parent.getTagName());
        return found.item(0).getTextContent();
    }
}
