package com.maclogin.cutover.probe.lease;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Free space from {@code df -k <dir>}: {@code floor(100 * Available / 1024-blocks)}. Handles macOS columns
 * (with inode columns) and the Linux habit of wrapping a long filesystem name onto its own line.
 */
public final class DiskFree {

    private DiskFree() {
    }

    public static OptionalInt freePercent(String output) {
        if (output == null) {
            return OptionalInt.empty();
        }
        String[] lines = output.split("\\R");
        List<String> tokens = new ArrayList<>();
        boolean header = false;
        for (String raw : lines) {
            String line = raw.trim();
            if (line.isEmpty()) {
                continue;
            }
            if (!header) {
                if (line.startsWith("Filesystem")) {
                    header = true;
                }
                continue;
            }
            for (String t : line.split("\\s+")) {
                tokens.add(t);
            }
            if (tokens.size() >= 4) {
                break;
            }
        }
        if (tokens.size() < 4) {
            return OptionalInt.empty();
        }
        try {
            long blocks = Long.parseLong(tokens.get(1));
            long available = Long.parseLong(tokens.get(3));
            if (blocks <= 0 || available < 0) {
                return OptionalInt.empty();
            }
            return OptionalInt.of((int) Math.min(100, (available * 100) / blocks));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
