package org.estafeta.web;

import java.util.Locale;
import java.util.function.Function;
import org.owasp.html.AttributePolicy;
import org.owasp.html.HtmlPolicyBuilder;
import org.owasp.html.PolicyFactory;

/**
 * What mail HTML may keep (OWASP Java HTML Sanitizer): formatting, tables, links and images, inline
 * styles through the sanitizer's CSS whitelist; never scripts, event handlers, forms, frames, objects,
 * SVG, {@code <style>} or {@code <base>}. Links open in a new browsing context without referrer or
 * opener. Images: {@code cid:} references become URLs of the message's own parts; remote images are
 * dropped (and counted) unless the reader allowed them. The iframe's CSP is the second wall.
 */
final class HtmlPolicy {

    /** The outcome for one message. */
    record Sanitized(String html, int blockedImages) {
    }

    /** What one message's sanitising needs from, and tells, the image-source policy. */
    private static final class Message {
        final boolean allowRemoteImages;
        final Function<String, String> cidUrl;
        int blockedImages;

        Message(boolean allowRemoteImages, Function<String, String> cidUrl) {
            this.allowRemoteImages = allowRemoteImages;
            this.cidUrl = cidUrl;
        }
    }

    /**
     * The message being sanitised on this thread: the factory is built once (building it costs more than
     * sanitising a typical message), so its image-source policy reads the per-message part from here.
     */
    private static final ScopedValue<Message> MESSAGE = ScopedValue.newInstance();

    private static final AttributePolicy IMAGE_SOURCE = (element, attribute, value) -> {
        Message message = MESSAGE.get();
        String v = value.strip();
        String lower = v.toLowerCase(Locale.ROOT);
        if (lower.startsWith("cid:")) return message.cidUrl.apply(v.substring(4));
        if (lower.startsWith("https:") || lower.startsWith("http:") || lower.startsWith("//")) {
            if (message.allowRemoteImages && !lower.startsWith("//")) return v;
            message.blockedImages++;
            return null;
        }
        // data: and relative URLs (which would point at this server) are dropped.
        return null;
    };

    private static final PolicyFactory POLICY = new HtmlPolicyBuilder()
            .allowCommonBlockElements()
            .allowCommonInlineFormattingElements()
            .allowElements("a", "img", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "colgroup", "col",
                    "hr", "br", "pre", "code", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "center", "font", "span",
                    "div", "small", "big", "sub", "sup", "abbr", "cite", "q", "figure", "figcaption")
            .allowAttributes("href").onElements("a")
            .allowAttributes("src").matching(IMAGE_SOURCE).onElements("img")
            .allowAttributes("alt", "width", "height").onElements("img")
            .allowAttributes("align", "valign", "width", "height", "bgcolor", "border", "cellpadding", "cellspacing",
                    "colspan", "rowspan", "scope").onElements("table", "tr", "td", "th", "col", "colgroup", "thead", "tbody", "tfoot")
            .allowAttributes("color", "face", "size").onElements("font")
            .allowAttributes("align").onElements("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "img", "center")
            .allowAttributes("title", "dir", "lang").globally()
            .allowStyling()
            .allowUrlProtocols("http", "https", "mailto", "cid")
            .allowElements((name, attrs) -> {
                // Every link leaves the message view: a new tab, no opener, no referrer.
                int target = attrs.indexOf("target");
                if (target >= 0 && target % 2 == 0) {
                    attrs.remove(target);
                    attrs.remove(target);
                }
                attrs.add("target");
                attrs.add("_blank");
                return name;
            }, "a")
            .requireRelsOnLinks("noopener", "noreferrer", "nofollow")
            .toFactory();

    private HtmlPolicy() {
    }

    /**
     * @param cidUrl the URL for a Content-ID (without angle brackets), or null when the part is unknown
     */
    static Sanitized sanitize(String html, boolean allowRemoteImages, Function<String, String> cidUrl) {
        Message message = new Message(allowRemoteImages, cidUrl);
        String out = ScopedValue.where(MESSAGE, message).call(() -> POLICY.sanitize(html));
        return new Sanitized(out, message.blockedImages);
    }

    /** The iframe document around sanitised HTML. */
    static String document(String sanitized) {
        return "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
                + "<style>body{font-family:system-ui,sans-serif;margin:0.5rem;overflow-wrap:anywhere;color:#111;background:#fff}"
                + "img{max-width:100%;height:auto}table{max-width:100%}</style></head><body>"
                + sanitized + "</body></html>";
    }

    /** CSP of the iframe document: no script at all, no remote content unless images were allowed. */
    static String documentCsp(boolean allowRemoteImages) {
        return "default-src 'none'; img-src 'self'" + (allowRemoteImages ? " https: http:" : "")
                + "; style-src 'unsafe-inline'; font-src 'none'; form-action 'none'; base-uri 'none'; frame-ancestors 'self'; "
                + "sandbox allow-same-origin allow-popups allow-popups-to-escape-sandbox";
    }

}
