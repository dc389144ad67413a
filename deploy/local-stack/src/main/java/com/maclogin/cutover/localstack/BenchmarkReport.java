package com.maclogin.cutover.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Keeps {@code docs/benchmarks.md} as one section per benchmark, replacing a section when it is measured again. */
public final class BenchmarkReport {

    private BenchmarkReport() {
    }

    public static void writeSection(Path file, String title, String body) throws IOException {
        String header = "## " + title + "\n";
        String text = Files.exists(file) ? Files.readString(file)
                : "# Benchmarks\n\nFigures written by the benchmark programs (`./bench.sh`); machines are noisy, so compare "
                        + "figures measured in one run.\n\n";
        int start = text.indexOf(header);
        String section = header + "\n" + body.trim() + "\n\n";
        if (start < 0) {
            text = text + section;
        } else {
            int next = text.indexOf("\n## ", start + header.length());
            text = text.substring(0, start) + section + (next < 0 ? "" : text.substring(next + 1));
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
