package com.maclogin.cutover.simulator;

import static com.maclogin.cutover.contracts.ShellQuote.quote;

/** Shell scripts the control API answers with (quoting: {@link com.maclogin.cutover.contracts.ShellQuote}). */
final class Shell {

    private Shell() {
    }

    /** A script that reproduces a command result when {@code eval}ed by a shim: stdout, stderr, exit code. */
    static String replay(CommandResult r) {
        StringBuilder s = new StringBuilder();
        if (!r.stdout().isEmpty()) {
            s.append("printf '%s' ").append(quote(r.stdout())).append('\n');
        }
        if (!r.stderr().isEmpty()) {
            s.append("printf '%s' ").append(quote(r.stderr())).append(" >&2\n");
        }
        s.append("exit ").append(r.exitCode()).append('\n');
        return s.toString();
    }
}
