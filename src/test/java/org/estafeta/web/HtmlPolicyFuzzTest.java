package org.estafeta.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
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
    private static final Set<String> ELEMENTS = Set.of("a", "img", "table", "thead", "tbody", "tfoot", "tr", "td", "th",
            "caption", "colgroup", "col", "hr", "br", "pre", "code", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "center",
            "font", "span", "div", "small", "big", "sub", "sup", "abbr", "cite", "q", "figure", "figcaption",
            "p", "h1", "h2", "h3", "h4", "h5", "h6", "b", "i", "u", "s", "o", "ins", "del", "strike", "strong", "em", "tt");
    private static final Set<String> ATTRIBUTES = Set.of("href", "src", "alt", "width", "height", "align", "valign", "bgcolor",
            "border", "cellpadding", "cellspacing", "colspan", "rowspan", "scope", "color", "face", "size", "title", "dir", "lang",
            "style", "target", "rel");

    @FuzzTest
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
        assertThat(name).as("element in %s", out).isIn(ELEMENTS);
        while (true) {
            assertThat(i).as("unclosed tag in %s", out).isLessThan(out.length());
            char c = out.charAt(i);
            if (c == '>') return i + 1;
            if (out.startsWith(" />", i)) return i + 3;
            assertThat(c).as("attribute separator in %s", out).isEqualTo(' ');
            int eq = out.indexOf("=\"", i);
            assertThat(eq).as("attribute value in %s", out).isPositive();
            String attribute = out.substring(i + 1, eq);
            int close = out.indexOf('"', eq + 2);
            assertThat(close).as("closed attribute value").isPositive();
            String value = decode(out.substring(eq + 2, close)).strip().toLowerCase(Locale.ROOT);
            checkAttribute(name, attribute, value, allowRemote, out);
            i = close + 1;
        }
    }

    private static void checkAttribute(String element, String attribute, String value, boolean allowRemote, String out) {
        assertThat(attribute).as("attribute in %s", out).isIn(ATTRIBUTES).doesNotStartWith("on");
        switch (attribute) {
            case "href" -> assertThat(scheme(value)).as("link in %s", out).isIn("", "http", "https", "mailto", "cid");
            case "src" -> {
                boolean remote = value.startsWith("http:") || value.startsWith("https:");
                assertThat(value.startsWith(CID_PREFIX) || allowRemote && remote).as("image source in %s", out).isTrue();
            }
            case "style" -> {
                assertThat(value).as("style in %s", out).doesNotContain("url(", "expression(", "javascript:", "@import");
            }
            case "target" -> assertThat(value).isEqualTo("_blank");
            default -> assertThat(value).doesNotContain("javascript:");
        }
        if (element.equals("a") && attribute.equals("rel")) assertThat(value).contains("noopener", "noreferrer");
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
