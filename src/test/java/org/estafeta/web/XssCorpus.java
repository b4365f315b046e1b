package org.estafeta.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Hostile HTML mails (src/test/resources/web/xss): script tags, event handlers, javascript: URLs, CSS
 * expressions, SVG, remote images, forms, frames, meta/base/link, mutation XSS, data: URLs, encodings.
 * {@code ${CANARY}} stands for a URL that must never be requested.
 */
final class XssCorpus {

    static final List<String> NAMES = List.of("01-script", "02-event-handlers", "03-javascript-urls", "04-css", "05-svg",
            "06-remote-images", "07-forms", "08-frames-objects", "09-meta-base-link", "10-mutation", "11-data-urls", "12-encoded");

    record Sample(String name, String html) {
    }

    static List<Sample> load(String canary) {
        List<Sample> out = new ArrayList<>();
        for (String name : NAMES) {
            try (InputStream in = XssCorpus.class.getResourceAsStream("/web/xss/" + name + ".html")) {
                out.add(new Sample(name, new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${CANARY}", canary)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /** The sample as a message with an HTML body (and a text alternative), ready for SMTP. */
    static String mail(Sample s, String to) {
        return "From: Mallory <mallory@evil.example>\r\nTo: " + to + "\r\nSubject: XSS " + s.name()
                + "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b\"\r\n\r\n"
                + "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nplain " + s.name() + "\r\n"
                + "--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + s.html().strip().replace("\n", "\r\n") + "\r\n--b--\r\n";
    }
}
