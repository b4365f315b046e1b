package org.estafeta.sieve;

/** One lexical token of a Sieve script (RFC 5228 §8.1). */
record Token(Kind kind, String text, long number, SieveException.Position at) {

    enum Kind {
        IDENTIFIER, TAG, NUMBER, STRING, LEFT_BRACKET, RIGHT_BRACKET, LEFT_PAREN, RIGHT_PAREN, LEFT_BRACE, RIGHT_BRACE, COMMA, SEMICOLON, END
    }

    String describe() {
        return switch (kind) {
            case IDENTIFIER -> "identifier '" + text + "'";
            case TAG -> "tag ':" + text + "'";
            case NUMBER -> "number";
            case STRING -> "string";
            case END -> "end of script";
            default -> "'" + text + "'";
        };
    }
}
