package org.estafeta.delivery;

/** The pipeline will not take a message: an SMTP reply code, RFC 3463 enhanced code and text for the client. */
public final class Refused extends Exception {

    private final int code;
    private final String enhancedCode;

    public Refused(int code, String enhancedCode, String text) {
        super(text);
        this.code = code;
        this.enhancedCode = enhancedCode;
    }

    public int code() {
        return code;
    }

    public String enhancedCode() {
        return enhancedCode;
    }
}
