package org.estafeta.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.estafeta.testing.Require.that;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Locale;
import java.util.Set;

/**
 * Any HTML through the webmail's policy: what comes out is tags we allow with attributes we allow,
 * never a script, an event handler, a javascript: link or (unless the reader allowed remote images)
 * anything that loads from another host — checked on the output's tags, not by searching for words
 * that text may legitimately contain.
 */
class HtmlPolicyFuzzTest {

    private static final String CID_PREFIX = "/webmail/cid/";
    private static final Set<String> LINK_SCHEMES = Set.of("", "http", "https", "mailto", "cid");
    private static final Set<String> ELEMENTS = Set.of("a", "img", "table", "thead", "tbody", "tfoot", "tr", "td", "th",
            "caption", "colgroup", "col", "hr", "br", "pre", "code", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "center",
            "font", "span", "div", "small", "big", "sub", "sup", "abbr", "cite", "q", "figure", "figcaption",
            "p", "h1", "h2", "h3", "h4", "h5", "h6", "b", "i", "u", "s", "o", "ins", "del", "strike", "strong", "em", "tt");
    private static final Set<String> ATTRIBUTES = Set.of("href", "src", "alt", "width", "height", "align", "valign", "bgcolor",
            "border", "cellpadding", "cellspacing", "colspan", "rowspan", "scope", "color", "face", "size", "title", "dir", "lang",
            "style", "target", "rel");

    @FuzzTest
    @DictionaryFile(resourcePath = "html.dict")
    void sanitized(FuzzedDataProvider data) {
        boolean allowRemote = data.consumeBoolean();
        String html = data.consumeRemainingAsString();
        HtmlPolicy.Sanitized result = HtmlPolicy.sanitize(html, allowRemote, id -> CID_PREFIX + Math.abs(id.hashCode()));
        String out = result.html();
        assertThat(result.blockedImages()).isNotNegative();
        int i = 0;
        while ((i = out.indexOf('<', i)) >= 0) i = tag(out, i + 1, allowRemote);
        assertThat(out).doesNotContainIgnoringCase("<script").doesNotContainIgnoringCase("<style")
                .doesNotContainIgnoringCase("<iframe").doesNotContainIgnoringCase("<base");
        assertThat(HtmlPolicy.document(out)).startsWith("<!DOCTYPE html>");
    }

    /** Checks the tag starting after '<' at {@code i}; returns the index after its '>'. */
    private static int tag(String out, int i, boolean allowRemote) {
        // The sanitizer breaks up "{{" (template syntax) with an empty comment.
        if (out.startsWith("!-- -->", i)) return i + 7;
        boolean closing = i < out.length() && out.charAt(i) == '/';
        if (closing) i++;
        int start = i;
        while (i < out.length() && Character.isLetterOrDigit(out.charAt(i))) i++;
        String name = out.substring(start, i);
        that(ELEMENTS.contains(name), "element %s in %s", name, out);
        while (true) {
            that(i < out.length(), "unclosed tag in %s", out);
            char c = out.charAt(i);
            if (c == '>') return i + 1;
            if (out.startsWith(" />", i)) return i + 3;
            that(c == ' ', "attribute separator in %s", out);
            int eq = out.indexOf("=\"", i);
            that(eq > 0, "attribute value in %s", out);
            String attribute = out.substring(i + 1, eq);
            int close = out.indexOf('"', eq + 2);
            that(close > 0, "closed attribute value in %s", out);
            String value = decode(out.substring(eq + 2, close)).strip().toLowerCase(Locale.ROOT);
            checkAttribute(name, attribute, value, allowRemote, out);
            i = close + 1;
        }
    }

    private static void checkAttribute(String element, String attribute, String value, boolean allowRemote, String out) {
        that(ATTRIBUTES.contains(attribute) && !attribute.startsWith("on"), "attribute %s in %s", attribute, out);
        switch (attribute) {
            case "href" -> that(LINK_SCHEMES.contains(scheme(value)), "link in %s", out);
            case "src" -> {
                boolean remote = value.startsWith("http:") || value.startsWith("https:");
                that(value.startsWith(CID_PREFIX) || allowRemote && remote, "image source in %s", out);
            }
            case "style" -> that(!value.contains("url(") && !value.contains("expression(") && !value.contains("javascript:")
                    && !value.contains("@import"), "style in %s", out);
            case "target" -> that(value.equals("_blank"), "target in %s", out);
            // Presentation and text (align, title, lang...): a browser neither follows nor loads these values,
            // so they may say "javascript:" as any text may. Only href and src are links.
            default -> {
            }
        }
        if (element.equals("a") && attribute.equals("rel")) that(value.contains("noopener") && value.contains("noreferrer"), "rel in %s", out);
    }

    /** A URL's scheme in lower case, "" for a relative URL (no ':' before the first '/', '?' or '#'). */
    private static String scheme(String url) {
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c == ':') return url.substring(0, i);
            if (c == '/' || c == '?' || c == '#') return "";
        }
        return "";
    }

    /** HTML character references as the sanitizer writes them (numeric, and the few named ones). */
    private static String decode(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int semi = c == '&' ? s.indexOf(';', i) : -1;
            if (semi < 0) {
                sb.append(c);
                continue;
            }
            String ref = s.substring(i + 1, semi);
            if (ref.startsWith("#x")) sb.appendCodePoint(Integer.parseInt(ref.substring(2), 16));
            else if (ref.startsWith("#")) sb.appendCodePoint(Integer.parseInt(ref.substring(1)));
            else sb.append(switch (ref) {
                case "amp" -> "&";
                case "lt" -> "<";
                case "gt" -> ">";
                case "quot" -> "\"";
                default -> "&" + ref + ";";
            });
            i = semi;
        }
        return sb.toString();
    }
}
