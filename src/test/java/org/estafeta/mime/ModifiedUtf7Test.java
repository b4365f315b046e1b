package org.estafeta.mime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Modified UTF-7 (RFC 3501 §5.1.3): every name has exactly one spelling, and anything else is refused, never a crash. */
class ModifiedUtf7Test {

    @Test
    void decodesWhatItEncodes() {
        for (String name : new String[] {"España & más", "日本語/下", "&", "a&b", "😀 emoji", "Entwürfe", ""}) {
            assertThat(ModifiedUtf7.decode(ModifiedUtf7.encode(name))).as(name).isEqualTo(name);
        }
        assertThat(ModifiedUtf7.encode("España & más")).isEqualTo("Espa&APE-a &- m&AOE-s");
    }

    @Test
    void refusesMalformedRuns() {
        // One base64 character left over: the fuzzer's "SELECT Otsi&STORE-" ended in NO [SERVERBUG].
        assertThat(ModifiedUtf7.decode("Otsi&STORE-NIL)$")).isNull();
        assertThat(ModifiedUtf7.decode("&A-")).isNull();
        assertThat(ModifiedUtf7.decode("&Jjo!")).as("no closing '-'").isNull();
        assertThat(ModifiedUtf7.decode("&AOE")).as("no closing '-'").isNull();
        assertThat(ModifiedUtf7.decode("&AP-")).as("an odd number of bytes").isNull();
        assertThat(ModifiedUtf7.decode("&2D0-")).as("a lone high surrogate").isNull();
        assertThat(ModifiedUtf7.decode("a\u00e9")).as("8-bit outside a run").isNull();
    }

    @Test
    void refusesOtherSpellingsOfAName() {
        assertThat(ModifiedUtf7.decode("&AGEAYgBj-")).as("printable ASCII shifted").isNull();
        assertThat(ModifiedUtf7.decode("&APE-&AOE-")).as("two runs where one would do").isNull();
        assertThat(ModifiedUtf7.decode("&APF-")).as("bits left over that are not zero").isNull();
        assertThat(ModifiedUtf7.decode("&APE=-")).as("padding").isNull();
        assertThat(ModifiedUtf7.decode("&APEA4Q-")).isEqualTo("ñá");
    }
}
