package org.estafeta.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** LIST patterns (RFC 9051 §6.3.9): {@code *} matches anything, {@code %} anything but the hierarchy delimiter "/". */
class MailboxNameTest {

    @Test
    void wildcards() {
        assertThat(MailboxName.matches("*", "")).isTrue();
        assertThat(MailboxName.matches("%", "Work/a")).isFalse();
        assertThat(MailboxName.matches("Work/%", "Work/a")).isTrue();
        assertThat(MailboxName.matches("Work/%", "Work/a/b")).isFalse();
        assertThat(MailboxName.matches("Work/%/%", "Work/a/b")).isTrue();
        assertThat(MailboxName.matches("Work*", "Work/a/b")).isTrue();
        assertThat(MailboxName.matches("*/b", "Work/a/b")).isTrue();
        assertThat(MailboxName.matches("%b", "Work/a/b")).isFalse();
        assertThat(MailboxName.matches("W%k", "Work")).isTrue();
        assertThat(MailboxName.matches("Work", "Works")).isFalse();
        assertThat(MailboxName.matches("", "")).isTrue();
    }

    /** The same answers as the patterns written as regular expressions, for many small random ones. */
    @Test
    void agreesWithRegularExpressions() {
        Random random = new Random(42);
        String alphabet = "ab/*%*%";
        for (int i = 0; i < 20_000; i++) {
            String pattern = randomString(random, alphabet, 6);
            String name = randomString(random, "ab/", 6);
            Pattern regex = Pattern.compile(pattern.replace("*", ".*").replace("%", "[^/]*"), Pattern.DOTALL);
            assertThat(MailboxName.matches(pattern, name)).as("%s against %s", pattern, name).isEqualTo(regex.matcher(name).matches());
        }
    }

    /**
     * Many wildcards against a name they almost match (the fuzzer's LIST "*****j*****...") took time
     * exponential in the wildcards, holding a core for minutes: now as long as the strings.
     */
    @Test
    @Timeout(10)
    void manyWildcardsDoNotBacktrack() {
        String name = "a".repeat(200);
        assertThat(MailboxName.matches("*a".repeat(100) + "b", name)).isFalse();
        assertThat(MailboxName.matches("%a".repeat(100) + "%b", name)).isFalse();
        assertThat(MailboxName.matches("*".repeat(5000) + "a", name)).isTrue();
        // A pattern as long as a command's literals may be (1 MB): no slower than a short one.
        assertThat(MailboxName.matches("%*".repeat(500_000) + "b", name)).isFalse();
        assertThat(MailboxName.matches("a%".repeat(500_000), name)).isFalse();
    }

    private static String randomString(Random random, String alphabet, int maxLength) {
        StringBuilder s = new StringBuilder();
        for (int i = random.nextInt(maxLength + 1); i > 0; i--) s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        return s.toString();
    }
}
