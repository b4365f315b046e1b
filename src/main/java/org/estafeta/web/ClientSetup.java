package org.estafeta.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Client autoconfiguration: a mail client given only an address and a password finds the servers
 * by Thunderbird's autoconfig, Outlook's Autodiscover, or an Apple configuration profile the user
 * downloads. Every answer is made from the listeners actually bound, implicit TLS first (RFC 8314
 * §5.1: clients should prefer it), STARTTLS after it where it is the only other way.
 */
final class ClientSetup {

    /** Paths served without a session. */
    static final List<String> PUBLIC = List.of("/.well-known/autoconfig/mail/config-v1.1.xml", "/mail/config-v1.1.xml",
            "/autodiscover/autodiscover.xml", "/Autodiscover/Autodiscover.xml");
    static final String MOBILECONFIG = "/settings/device.mobileconfig";
    /** An Autodiscover request is a few hundred bytes; more is not one. */
    private static final int MAX_REQUEST = 16 * 1024;
    private static final String AUTODISCOVER_RESPONSE = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006";
    private static final String OUTLOOK_RESPONSE = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";

    /** One way in: which listener, its port, and whether TLS is implicit (else STARTTLS). */
    record Endpoint(String protocol, int port, boolean implicitTls) {
    }

    private final WebServer.Services services;

    ClientSetup(WebServer.Services services) {
        this.services = services;
    }

    void routes(RoutesConfig r) {
        r.get(PUBLIC.get(0), this::thunderbird);
        r.get(PUBLIC.get(1), this::thunderbird);
        r.post(PUBLIC.get(2), this::autodiscover);
        r.post(PUBLIC.get(3), this::autodiscover);
        r.get(MOBILECONFIG, this::appleProfile);
    }

    /** The bound listeners of one kind, implicit TLS first: {@code incoming} IMAP then POP3, else submission. */
    List<Endpoint> endpoints(boolean incoming) {
        Map<String, Integer> ports = services.status().mailPorts();
        List<Endpoint> out = new ArrayList<>();
        List<Endpoint> wanted = incoming
                ? List.of(new Endpoint("imaps", 0, true), new Endpoint("imap", 0, false), new Endpoint("pop3s", 0, true), new Endpoint("pop3", 0, false))
                : List.of(new Endpoint("smtps", 0, true), new Endpoint("submission", 0, false));
        for (Endpoint e : wanted) {
            Integer port = ports.get(e.protocol());
            if (port != null) out.add(new Endpoint(e.protocol(), port, e.implicitTls()));
        }
        return out;
    }

    /**
     * {@code GET /.well-known/autoconfig/mail/config-v1.1.xml} (asked of {@code autoconfig.DOMAIN}) and
     * {@code GET /mail/config-v1.1.xml?emailaddress=A}: Thunderbird's clientConfig 1.1 for the domain.
     */
    private void thunderbird(Context ctx) {
        String address = ctx.queryParam("emailaddress");
        String domain = address != null && address.contains("@") ? domainOf(address)
                : Optional.ofNullable(ctx.host()).map(h -> h.replaceAll(":\\d+$", "").toLowerCase(Locale.ROOT).replaceFirst("^autoconfig\\.", ""))
                        .orElse("");
        if (!served(domain)) throw new HttpResponseException(404, "error.noPage");
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<clientConfig version=\"1.1\">\n");
        x.append(" <emailProvider id=\"").append(xml(domain)).append("\">\n");
        x.append("  <domain>").append(xml(domain)).append("</domain>\n");
        x.append("  <displayName>").append(xml(domain)).append("</displayName>\n");
        x.append("  <displayShortName>").append(xml(domain)).append("</displayShortName>\n");
        for (Endpoint e : endpoints(true)) server(x, "incomingServer", e.protocol().startsWith("imap") ? "imap" : "pop3", e);
        for (Endpoint e : endpoints(false)) server(x, "outgoingServer", "smtp", e);
        x.append(" </emailProvider>\n</clientConfig>\n");
        ctx.contentType("application/xml; charset=utf-8").result(x.toString());
    }

    private void server(StringBuilder x, String element, String type, Endpoint e) {
        x.append("  <").append(element).append(" type=\"").append(type).append("\">\n");
        x.append("   <hostname>").append(xml(services.hostname())).append("</hostname>\n");
        x.append("   <port>").append(e.port()).append("</port>\n");
        x.append("   <socketType>").append(e.implicitTls() ? "SSL" : "STARTTLS").append("</socketType>\n");
        x.append("   <authentication>password-cleartext</authentication>\n");
        x.append("   <username>%EMAILADDRESS%</username>\n");
        x.append("  </").append(element).append(">\n");
    }

    /**
     * {@code POST /autodiscover/autodiscover.xml}: Outlook's "POX" Autodiscover. The request is
     * parsed with DTDs refused outright, so no entity can read a file or fetch a URL (XXE).
     */
    private void autodiscover(Context ctx) {
        byte[] body = ctx.bodyAsBytes();
        if (body.length > MAX_REQUEST) throw new HttpResponseException(413, "error.title");
        String address = emailAddress(body).orElseThrow(() -> new HttpResponseException(400, "error.title"));
        if (!served(domainOf(address))) throw new HttpResponseException(404, "error.noPage");
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        x.append("<Autodiscover xmlns=\"").append(AUTODISCOVER_RESPONSE).append("\">\n");
        x.append(" <Response xmlns=\"").append(OUTLOOK_RESPONSE).append("\">\n  <Account>\n");
        x.append("   <AccountType>email</AccountType>\n   <Action>settings</Action>\n");
        // Outlook's Encryption: SSL is TLS from the first byte, TLS is STARTTLS.
        List<Endpoint> all = new ArrayList<>(endpoints(true));
        all.addAll(endpoints(false));
        for (Endpoint e : all) {
            x.append("   <Protocol>\n    <Type>").append(e.protocol().startsWith("imap") ? "IMAP" : e.protocol().startsWith("pop3") ? "POP3" : "SMTP")
                    .append("</Type>\n");
            x.append("    <Server>").append(xml(services.hostname())).append("</Server>\n");
            x.append("    <Port>").append(e.port()).append("</Port>\n");
            x.append("    <LoginName>").append(xml(address)).append("</LoginName>\n");
            x.append("    <SPA>off</SPA>\n");
            x.append("    <Encryption>").append(e.implicitTls() ? "SSL" : "TLS").append("</Encryption>\n");
            x.append("    <AuthRequired>on</AuthRequired>\n   </Protocol>\n");
        }
        x.append("  </Account>\n </Response>\n</Autodiscover>\n");
        ctx.contentType("application/xml; charset=utf-8").result(x.toString());
    }

    /** The request's {@code EMailAddress}, or empty when the body is not such a request (or carries a DTD). */
    static Optional<String> emailAddress(byte[] body) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            f.setNamespaceAware(true);
            var builder = f.newDocumentBuilder();
            builder.setErrorHandler(null);
            Document doc = builder.parse(new ByteArrayInputStream(body));
            NodeList found = doc.getElementsByTagNameNS("*", "EMailAddress");
            if (found.getLength() == 0) return Optional.empty();
            String address = found.item(0).getTextContent().strip();
            return address.contains("@") && address.length() <= 254 ? Optional.of(address) : Optional.empty();
        } catch (ParserConfigurationException | SAXException | IOException e) {
            return Optional.empty();
        }
    }

    /** {@code GET /settings/device.mobileconfig}: an Apple profile with the logged-in user's IMAP and SMTP account. */
    private void appleProfile(Context ctx) {
        String address = WebServer.session(ctx).address;
        Endpoint in = endpoints(true).stream().filter(e -> e.protocol().startsWith("imap")).findFirst()
                .orElseThrow(() -> new HttpResponseException(404, "error.noPage"));
        Endpoint out = endpoints(false).stream().findFirst().orElseThrow(() -> new HttpResponseException(404, "error.noPage"));
        String id = String.join(".", reversed(services.hostname())) + ".estafeta";
        StringBuilder x = new StringBuilder("""
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
                <plist version="1.0">
                <dict>
                 <key>PayloadContent</key>
                 <array>
                  <dict>
                """);
        entry(x, "EmailAccountDescription", address);
        entry(x, "EmailAccountType", "EmailTypeIMAP");
        entry(x, "EmailAddress", address);
        entry(x, "IncomingMailServerAuthentication", "EmailAuthPassword");
        entry(x, "IncomingMailServerHostName", services.hostname());
        x.append("   <key>IncomingMailServerPortNumber</key><integer>").append(in.port()).append("</integer>\n");
        x.append("   <key>IncomingMailServerUseSSL</key><").append(in.implicitTls()).append("/>\n");
        entry(x, "IncomingMailServerUsername", address);
        entry(x, "OutgoingMailServerAuthentication", "EmailAuthPassword");
        entry(x, "OutgoingMailServerHostName", services.hostname());
        x.append("   <key>OutgoingMailServerPortNumber</key><integer>").append(out.port()).append("</integer>\n");
        x.append("   <key>OutgoingMailServerUseSSL</key><").append(out.implicitTls()).append("/>\n");
        entry(x, "OutgoingMailServerUsername", address);
        x.append("   <key>OutgoingPasswordSameAsIncomingPassword</key><true/>\n");
        entry(x, "PayloadDisplayName", address);
        entry(x, "PayloadIdentifier", id + ".mail." + UUID.nameUUIDFromBytes(address.getBytes(StandardCharsets.UTF_8)));
        entry(x, "PayloadType", "com.apple.mail.managed");
        entry(x, "PayloadUUID", UUID.randomUUID().toString().toUpperCase(Locale.ROOT));
        x.append("   <key>PayloadVersion</key><integer>1</integer>\n  </dict>\n </array>\n");
        entry(x, "PayloadDisplayName", "Mail: " + address);
        entry(x, "PayloadIdentifier", id + "." + UUID.nameUUIDFromBytes(address.getBytes(StandardCharsets.UTF_8)));
        entry(x, "PayloadType", "Configuration");
        entry(x, "PayloadUUID", UUID.randomUUID().toString().toUpperCase(Locale.ROOT));
        x.append(" <key>PayloadVersion</key><integer>1</integer>\n</dict>\n</plist>\n");
        ctx.header("Content-Disposition", "attachment; filename=\"" + services.hostname().replaceAll("[^A-Za-z0-9.-]", "") + ".mobileconfig\"");
        ctx.contentType("application/x-apple-aspen-config").result(x.toString());
    }

    private static void entry(StringBuilder x, String key, String value) {
        x.append("   <key>").append(key).append("</key><string>").append(xml(value)).append("</string>\n");
    }

    private static List<String> reversed(String host) {
        List<String> labels = new ArrayList<>(List.of(host.split("\\.")));
        java.util.Collections.reverse(labels);
        return labels;
    }

    private boolean served(String domain) {
        return !domain.isEmpty() && services.admin().domains().contains(domain);
    }

    private static String domainOf(String address) {
        return address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
