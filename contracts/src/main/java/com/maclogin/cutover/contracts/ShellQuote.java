package com.maclogin.cutover.contracts;

/**
 * POSIX single quoting, the one implementation every module uses (the worker's lease commands, the simulator's shims
 * and env files). Inside single quotes the shell interprets nothing; a single quote itself is written as {@code '\''}
 * (close, escaped quote, reopen). Every value interpolated into a lease command goes through here, after it passed
 * its allow-list ({@link Validation}).
 */
public final class ShellQuote {

    private ShellQuote() {
    }

    /** Quotes one word. NUL cannot be passed through a shell at all and is rejected, as is null. */
    public static String quote(String value) {
        if (value == null) {
            throw new IllegalArgumentException("cannot quote null");
        }
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("value contains NUL");
        }
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
