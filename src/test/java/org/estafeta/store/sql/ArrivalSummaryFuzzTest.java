package org.estafeta.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.estafeta.testing.Require.that;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import org.estafeta.config.ConfigKey;
import org.estafeta.mime.Downgrade;
import org.estafeta.mime.Headers;
import org.estafeta.mime.MimeParser;
import org.estafeta.mime.MimePart;
import org.estafeta.mime.SearchableText;
import org.estafeta.mime.Summaries;
import org.estafeta.store.MessageSummary;

/**
 * What the store keeps of any arriving message besides its bytes, computed as arrival computes it:
 * the typed summary survives its own column (what the webmail lists and IMAP's ENVELOPE and
 * BODYSTRUCTURE are written from after a restart equals what arrival saw); the searchable text asks
 * only for bytes inside the message and is lower case, a header field per line; and the header fields
 * served to a client without UTF-8 (RFC 6858) are ASCII. No exception may escape: the input is in memory.
 */
class ArrivalSummaryFuzzTest {

    private static final int MAX_PARTS = Math.toIntExact((Long) ConfigKey.LIMITS_MIME_PARTS.defaultValue);

    @FuzzTest
    void summaryTextAndDowngrade(byte[] message) throws IOException {
        MimePart root = MimeParser.parse(new ByteArrayInputStream(message), MAX_PARTS);

        MessageSummary summary = Summaries.of(root, message.length);
        assertThat(SummaryCodec.decode(SummaryCodec.encode(summary))).as("summary after its column").isEqualTo(summary);

        SearchableText text = SearchableText.of(root, (offset, length) -> {
            that(offset >= 0 && length >= 0 && offset + length <= message.length, "read %d+%d of %d octets", offset, length, message.length);
            return Arrays.copyOfRange(message, (int) offset, (int) offset + length);
        });
        that(text.header().indexOf('\r') < 0, "a header field per line");
        that(text.header().equals(SearchableText.lower(text.header())) && text.body().equals(SearchableText.lower(text.body())), "lower case");

        byte[] header = Arrays.copyOf(message, (int) Math.min(root.bodyStart(), message.length));
        if (Downgrade.needed(header) && header.length <= 1024 * 1024) {
            // Lines that are no field (no name and colon) are not the client's to read as fields: they pass as they are.
            byte[] served = Downgrade.header(header);
            for (Headers.Field f : new Headers(served).fields()) {
                for (int i = f.start(); i < f.end(); i++) that(served[i] >= 0, "downgraded field is ASCII: %s", f.value());
            }
        }
    }
}
