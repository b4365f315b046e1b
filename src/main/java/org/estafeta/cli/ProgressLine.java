package org.estafeta.cli;

import java.io.PrintStream;

/**
 * One line redrawn in place on a terminal (at most ten times a second), with problems scrolling
 * above it; on a pipe or a log file nothing is drawn, and the problems are plain lines.
 */
final class ProgressLine {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final boolean terminal;
    private long lastDraw;
    private String line = "";

    ProgressLine(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** On standard error, drawn only when it is a terminal (since JDK 22 System.console() exists when redirected too). */
    static ProgressLine onStandardError() {
        return new ProgressLine(System.err, System.console() != null && System.console().isTerminal());
    }

    /** A bar for {@code done} of {@code total}, then {@code words}; skipped when the last draw was under 0.1 s ago, unless {@code now}. */
    void draw(long done, long total, String words, boolean now) {
        long at = System.nanoTime();
        if (!terminal || (!now && at - lastDraw < 100_000_000L)) return;
        lastDraw = at;
        int filled = total == 0 ? WIDTH : (int) Math.min(WIDTH, done * WIDTH / total);
        String next = String.format("[%s%s] %3d%% %s", "#".repeat(filled), ".".repeat(WIDTH - filled), total == 0 ? 100 : done * 100 / total, words);
        out.print("\r" + next + " ".repeat(Math.max(0, line.length() - next.length())));
        line = next;
        out.flush();
    }

    /** One line above the bar; control characters shown as '?' (file names and messages may hold them). */
    void problem(String text) {
        if (terminal && !line.isEmpty()) out.print("\r" + " ".repeat(line.length()) + "\r");
        out.println(text.replaceAll("\\p{Cntrl}", "?"));
        if (terminal && !line.isEmpty()) out.print(line);
    }

    void finish() {
        if (terminal && !line.isEmpty()) out.println();
        line = "";
    }
}
