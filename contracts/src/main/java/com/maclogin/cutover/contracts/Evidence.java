package com.maclogin.cutover.contracts;

/**
 * One piece of evidence of a step: a command run on the lease (never containing secrets), its exit code and its
 * output (truncated to {@link #MAX_OUTPUT} characters), or a computed fact such as a hash.
 */
public record Evidence(String name, String command, Integer exitCode, String output, String sha256) {

    public static final int MAX_OUTPUT = 16_384;

    public static Evidence of(String name, String command, Integer exitCode, String output) {
        return new Evidence(name, command, exitCode, truncate(output), null);
    }

    public static Evidence hash(String name, String path, String sha256) {
        return new Evidence(name, "shasum -a 256 " + path, 0, sha256 + "  " + path, sha256);
    }

    public static String truncate(String s) {
        if (s == null || s.length() <= MAX_OUTPUT) {
            return s;
        }
        return s.substring(0, MAX_OUTPUT) + "\n... [truncated " + (s.length() - MAX_OUTPUT) + " chars]";
    }
}
