package org.estafeta.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** One stored spelling per address: NFC, lower case, an IDN in U-labels; A-labels for DNS. */
class AddressKeyTest {

    @Test
    void nfcCaseAndIdnSpellingsAreOneKey() {
        assertThat(AddressKey.of("JOSE\u0301@servidor.es")).isEqualTo("josé@servidor.es");
        assertThat(AddressKey.of(" info@XN--ESPAA-RTA.es ")).isEqualTo("info@españa.es");
        assertThat(AddressKey.of("info@España.es")).isEqualTo("info@españa.es");
        assertThat(AddressKey.of("@xn--espaa-rta.es")).as("a catch-all").isEqualTo("@españa.es");
        assertThat(AddressKey.domain("xn--espaa-rta.es")).isEqualTo(AddressKey.domain("españa.es"));
    }

    @Test
    void aLabelsForDnsAndForPeersWithoutSmtputf8() {
        assertThat(AddressKey.asciiDomain("españa.es")).isEqualTo("xn--espaa-rta.es");
        assertThat(AddressKey.asciiDomainAddress("josé@españa.es")).isEqualTo("josé@xn--espaa-rta.es");
        assertThat(AddressKey.asciiDomain("a\u0080b.es")).as("a prohibited code point has no A-label").isNull();
        assertThat(AddressKey.asciiDomain("[127.0.0.1]")).isEqualTo("[127.0.0.1]");
    }
}
