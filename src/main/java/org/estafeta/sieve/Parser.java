package org.estafeta.sieve;

import java.util.ArrayList;
import java.util.List;

/**
 * Recursive descent over the tokens (RFC 5228 §8.2). Nesting of blocks and tests is bounded so that
 * a script 10,000 levels deep is a clear error, not a stack overflow.
 */
final class Parser {

    private final List<Token> tokens;
    private final int maxNesting;
    private int index;

    private Parser(List<Token> tokens, int maxNesting) {
        this.tokens = tokens;
        this.maxNesting = maxNesting;
    }

    static List<Syntax.Command> parse(String script, int maxNesting) throws SieveException {
        Parser p = new Parser(Lexer.tokens(script), maxNesting);
        List<Syntax.Command> commands = p.commands(0);
        Token t = p.peek();
        if (t.kind() != Token.Kind.END) throw new SieveException(t.at(), "unexpected " + t.describe());
        return commands;
    }

    private Token peek() {
        return tokens.get(index);
    }

    private Token take() {
        return tokens.get(index++);
    }

    private boolean at(Token.Kind kind) {
        return peek().kind() == kind;
    }

    private Token expect(Token.Kind kind, String what) throws SieveException {
        Token t = peek();
        if (t.kind() != kind) throw new SieveException(t.at(), "expected " + what + " but found " + t.describe());
        return take();
    }

    private List<Syntax.Command> commands(int depth) throws SieveException {
        List<Syntax.Command> out = new ArrayList<>();
        while (at(Token.Kind.IDENTIFIER)) out.add(command(depth));
        return out;
    }

    private Syntax.Command command(int depth) throws SieveException {
        Token name = take();
        List<Syntax.Argument> args = arguments();
        List<Syntax.Test> tests = testsAfterArguments(depth);
        if (at(Token.Kind.SEMICOLON)) {
            take();
            return new Syntax.Command(name.text().toLowerCase(java.util.Locale.ROOT), args, tests, null, name.at());
        }
        Token brace = expect(Token.Kind.LEFT_BRACE, "';' or '{'");
        if (depth + 1 > maxNesting) throw new SieveException(brace.at(), "blocks nested deeper than " + maxNesting);
        List<Syntax.Command> block = commands(depth + 1);
        expect(Token.Kind.RIGHT_BRACE, "a command or '}'");
        return new Syntax.Command(name.text().toLowerCase(java.util.Locale.ROOT), args, tests, block, name.at());
    }

    private List<Syntax.Test> testsAfterArguments(int depth) throws SieveException {
        if (at(Token.Kind.LEFT_PAREN)) return testList(depth);
        if (at(Token.Kind.IDENTIFIER)) return List.of(test(depth));
        return List.of();
    }

    private List<Syntax.Test> testList(int depth) throws SieveException {
        Token open = take();
        if (depth + 1 > maxNesting) throw new SieveException(open.at(), "tests nested deeper than " + maxNesting);
        List<Syntax.Test> out = new ArrayList<>();
        out.add(test(depth + 1));
        while (at(Token.Kind.COMMA)) {
            take();
            out.add(test(depth + 1));
        }
        expect(Token.Kind.RIGHT_PAREN, "',' or ')'");
        return out;
    }

    private Syntax.Test test(int depth) throws SieveException {
        Token name = expect(Token.Kind.IDENTIFIER, "a test");
        if (depth + 1 > maxNesting) throw new SieveException(name.at(), "tests nested deeper than " + maxNesting);
        List<Syntax.Argument> args = arguments();
        List<Syntax.Test> tests = testsAfterArguments(depth + 1);
        return new Syntax.Test(name.text().toLowerCase(java.util.Locale.ROOT), args, tests, name.at());
    }

    private List<Syntax.Argument> arguments() throws SieveException {
        List<Syntax.Argument> out = new ArrayList<>();
        while (true) {
            Token t = peek();
            switch (t.kind()) {
                case TAG -> out.add(new Syntax.Tag(take().text().toLowerCase(java.util.Locale.ROOT), t.at()));
                case NUMBER -> out.add(new Syntax.Number(take().number(), t.at()));
                case STRING -> out.add(new Syntax.Strings(List.of(take().text()), false, t.at()));
                case LEFT_BRACKET -> out.add(stringList());
                default -> {
                    return out;
                }
            }
        }
    }

    private Syntax.Strings stringList() throws SieveException {
        Token open = take();
        List<String> values = new ArrayList<>();
        values.add(expect(Token.Kind.STRING, "a string").text());
        while (at(Token.Kind.COMMA)) {
            take();
            values.add(expect(Token.Kind.STRING, "a string").text());
        }
        expect(Token.Kind.RIGHT_BRACKET, "',' or ']'");
        return new Syntax.Strings(values, true, open.at());
    }
}
