package org.estafeta.sieve;

/**
 * Bounds on what one script may cost, so that a hostile or careless script ends in a clear error
 * (at upload) or a runtime failure with implicit keep (at delivery), never a hung or crashed server.
 *
 * @param maxScriptBytes largest script (limits.sieve_script)
 * @param maxNesting deepest nesting of blocks and tests
 * @param maxVariableBytes longest variable value; longer values are cut, as Pigeonhole does
 * @param maxSteps commands and tests evaluated per message
 * @param maxRedirects redirect actions per message (RFC 5228 §4.2 lets implementations cap them)
 */
public record SieveLimits(int maxScriptBytes, int maxNesting, int maxVariableBytes, int maxSteps, int maxRedirects) {

    /** Defaults: Pigeonhole's 1 MiB script cap is more than any client writes; 32 levels as in Pigeonhole's nesting limit. */
    public static final SieveLimits DEFAULT = new SieveLimits(64 * 1024, 32, 4096, 100_000, 4);

    public SieveLimits {
        if (maxScriptBytes < 1 || maxNesting < 1 || maxVariableBytes < 1 || maxSteps < 1 || maxRedirects < 0) {
            throw new IllegalArgumentException("Sieve limits must be positive");
        }
    }

    public SieveLimits withMaxScriptBytes(int bytes) {
        return new SieveLimits(bytes, maxNesting, maxVariableBytes, maxSteps, maxRedirects);
    }

    public SieveLimits withMaxRedirects(int redirects) {
        return new SieveLimits(maxScriptBytes, maxNesting, maxVariableBytes, maxSteps, redirects);
    }
}
