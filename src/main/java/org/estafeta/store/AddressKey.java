package org.estafeta.store;

import java.net.IDN;
import java.text.Normalizer;
import java.util.Locale;

/**
 * The one spelling under which an address or a domain is stored and looked up, so that every way of
 * writing it reaches the same account: Unicode NFC (RFC 6530 §10.1, RFC 6532 §3.1: UTF-8 strings are
 * compared normalised), lower case (local parts are case-folded here, as the server always did), and
 * an internationalised domain in U-labels, so that {@code españa.es} and {@code xn--espaa-rta.es} are
 * one domain (RFC 5890 §2.3.2.1). DNS and peers without SMTPUTF8 get the A-label form from
 * {@link #asciiDomain}.
 */
public final class AddressKey {

    private AddressKey() {
    }

    /** An address ({@code local@domain}) or a catch-all ({@code @domain}) in its stored form. */
    public static String of(String address) {
        String a = nfc(address.strip()).toLowerCase(Locale.ROOT);
        int at = a.lastIndexOf('@');
        return at < 0 ? a : a.substring(0, at + 1) + domain(a.substring(at + 1));
    }

    /** A domain in its stored form: NFC, lower case, U-labels; address literals and bad labels stay as written. */
    public static String domain(String domain) {
        String d = nfc(domain.strip()).toLowerCase(Locale.ROOT);
        if (d.startsWith("[")) return d;
        // IDN.toUnicode never fails: a label that is not a valid A-label is returned unchanged.
        return IDN.toUnicode(d, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
    }

    /**
     * The domain in A-labels for DNS and for a peer without SMTPUTF8 (RFC 6531 §3.7.1 allows this
     * conversion of the domain, never of the local part); null when it is not a valid IDN.
     */
    public static String asciiDomain(String domain) {
        if (domain.startsWith("[")) return domain;
        try {
            return IDN.toASCII(nfc(domain), IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The address with its domain in A-labels; null when the domain is not a valid IDN. */
    public static String asciiDomainAddress(String address) {
        int at = address.lastIndexOf('@');
        if (at < 0) return address;
        String d = asciiDomain(address.substring(at + 1));
        return d == null ? null : address.substring(0, at + 1) + d;
    }

    public static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }

    public static String nfc(String s) {
        return isAscii(s) ? s : Normalizer.normalize(s, Normalizer.Form.NFC);
    }
}
