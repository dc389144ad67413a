package com.maclogin.cutover.deploy.workers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The checkout's root (this module is deploy/worker-hosts) and a small process runner for the install scripts. */
final class Repo {

    static final Path ROOT = findRoot();

    private Repo() {
    }

    private static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("deploy/launchd"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no deploy/launchd above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    record Run(int exit, String out, String err) {
        /** stdout's lines that are commands ("+ cmd args"), split into words (the temp paths hold no spaces). */
        List<List<String>> commands() {
            List<List<String>> cmds = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (line.startsWith("+ ")) {
                    cmds.add(List.of(line.substring(2).split(" ")));
                }
            }
            return cmds;
        }
    }

    static Run run(Path workDir, List<String> command, String... env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        for (int i = 0; i + 1 < env.length; i += 2) {
            pb.environment().put(env[i], env[i + 1]);
        }
        Path out = Files.createTempFile("run", ".out");
        Path err = Files.createTempFile("run", ".err");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command + " did not end within 30 s");
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
