package com.maclogin.cutover.probe.lease;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The top-level properties of {@code launchctl print gui/<uid>/<label>}: {@code state}, {@code pid}, {@code runs},
 * {@code last exit code}. Nested blocks ({@code arguments = {...}}, {@code endpoints = {...}}) are skipped, so a
 * nested {@code state = active} never shadows the job's state.
 */
public record LaunchctlPrint(Map<String, String> properties) {

    public static LaunchctlPrint parse(String output) {
        Map<String, String> props = new LinkedHashMap<>();
        if (output == null) {
            return new LaunchctlPrint(props);
        }
        int depth = 0;
        for (String raw : output.split("\\R")) {
            String line = raw.trim();
            if (line.isEmpty()) {
                continue;
            }
            if (line.equals("}")) {
                depth = Math.max(0, depth - 1);
                continue;
            }
            boolean opens = line.endsWith("{");
            if (depth == 1 && !opens) {
                int eq = line.indexOf(" = ");
                if (eq > 0) {
                    props.putIfAbsent(line.substring(0, eq).trim(), line.substring(eq + 3).trim());
                }
            }
            if (opens) {
                depth++;
            }
        }
        return new LaunchctlPrint(props);
    }

    public Optional<String> state() {
        return Optional.ofNullable(properties.get("state"));
    }

    public Optional<String> pid() {
        return Optional.ofNullable(properties.get("pid"));
    }

    public Optional<String> runs() {
        return Optional.ofNullable(properties.get("runs"));
    }

    /** {@code 0}, {@code 78}, or {@code (never exited)} as launchctl prints it. */
    public Optional<String> lastExitCode() {
        return Optional.ofNullable(properties.get("last exit code"));
    }

    public boolean isRunning() {
        return "running".equals(properties.get("state"));
    }
}
