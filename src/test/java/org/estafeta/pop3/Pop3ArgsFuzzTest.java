package org.estafeta.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.List;

/**
 * A POP3 command line split as the session splits it, its arguments read in whatever order a handler
 * may read them, against a model: the space-separated words of the text. Only {@link Pop3Exception}
 * may escape, exactly when the model says the syntax is wrong, and it is one clean reply line.
 */
class Pop3ArgsFuzzTest {

    @FuzzTest
    void arguments(FuzzedDataProvider data) throws Pop3Exception {
        int steps = data.consumeInt(1, 6);
        int[] ops = new int[steps];
        for (int i = 0; i < steps; i++) ops[i] = data.consumeInt(0, 5);
        String line = data.consumeRemainingAsString();
        int space = line.indexOf(' ');
        Pop3Command command = Pop3Command.of(space < 0 ? line : line.substring(0, space));
        if (command == null) return;
        String text = space < 0 ? "" : line.substring(space + 1);
        Pop3Args args = new Pop3Args(command, text);
        List<String> words = Arrays.stream(text.split(" ")).filter(w -> !w.isEmpty()).toList();
        int next = 0;
        for (int op : ops) {
            String word = next < words.size() ? words.get(next) : null;
            switch (op) {
                case 0 -> {
                    if (word == null) {
                        assertSyntaxError(command, args::word);
                        return;
                    }
                    assertThat(args.word()).isEqualTo(word);
                    next++;
                }
                case 1 -> {
                    assertThat(args.optionalWord()).isEqualTo(word);
                    if (word != null) next++;
                }
                case 2, 3 -> {
                    if (word == null && op == 3) {
                        assertThat(args.optionalMessageNumber()).isNull();
                    } else if (word == null || !word.chars().allMatch(c -> c >= '0' && c <= '9')) {
                        assertSyntaxError(command, op == 2 ? args::messageNumber : args::optionalMessageNumber);
                        return;
                    } else {
                        int expected = word.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(word);
                        assertThat(op == 2 ? args.messageNumber() : args.optionalMessageNumber()).isEqualTo(expected);
                        next++;
                    }
                }
                case 4 -> {
                    String rest = args.rest();
                    assertThat(Arrays.stream(rest.split(" ")).filter(w -> !w.isEmpty()).toList())
                            .isEqualTo(words.subList(next, words.size()));
                    assertThat(text).endsWith(rest);
                    next = words.size();
                }
                default -> {
                    if (word != null) {
                        assertSyntaxError(command, args::end);
                        return;
                    }
                    args.end();
                }
            }
        }
    }

    private static void assertSyntaxError(Pop3Command command, Step step) {
        assertThatThrownBy(step::run).isInstanceOfSatisfying(Pop3Exception.class,
                e -> assertThat(e.line()).isEqualTo("-ERR Syntax: " + command.syntax + "\r\n"));
    }

    private interface Step {
        void run() throws Pop3Exception;
    }
}
