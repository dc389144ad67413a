package com.maclogin.cutover.probe.lease;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Finds Node.js stack frames ({@code    at fn (file.js:12:34)}) in gateway log lines. */
public final class StackTraceScanner {

    public static final Pattern FRAME = Pattern.compile("^\\s+at .+:\\d+:\\d+\\)?$");

    private StackTraceScanner() {
    }

    public static List<String> frames(String log) {
        List<String> out = new ArrayList<>();
        if (log == null) {
            return out;
        }
        for (String line : log.split("\\R")) {
            if (FRAME.matcher(line).matches()) {
                out.add(line.trim());
            }
        }
        return out;
    }

    /** The line just before the first frame (usually the error message), else the first frame; null if none. */
    public static String firstError(String log) {
        if (log == null) {
            return null;
        }
        String previous = null;
        for (String line : log.split("\\R")) {
            if (FRAME.matcher(line).matches()) {
                return previous != null && !previous.isBlank() ? previous.trim() : line.trim();
            }
            previous = line;
        }
        return null;
    }
}
