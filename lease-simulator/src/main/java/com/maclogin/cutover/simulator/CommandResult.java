package com.maclogin.cutover.simulator;

/** Output of one emulated macOS command, handed back to the shim verbatim. */
record CommandResult(String stdout, String stderr, int exitCode) {

    static CommandResult ok(String stdout) {
        return new CommandResult(stdout, "", 0);
    }

    static CommandResult fail(int exitCode, String stderr) {
        return new CommandResult("", stderr, exitCode);
    }
}
