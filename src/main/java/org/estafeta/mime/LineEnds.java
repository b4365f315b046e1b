package org.estafeta.mime;

/** Text that a person typed (a form, a script) becoming part of a message, which has CRLF line ends only. */
public final class LineEnds {

    private LineEnds() {
    }

    /** Every line end, CRLF, a bare LF or a bare CR (RFC 5322 §2.3 allows neither bare one), as CRLF. */
    public static String crlf(String text) {
        return text.replace("\r\n", "\n").replace('\r', '\n').replace("\n", "\r\n");
    }
}
