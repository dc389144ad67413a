package com.maclogin.cutover.localstack;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A simulated lease's own {@code launchctl} (the shim in {@code ~/.sim/bin}, answered by the simulator's launchd
 * emulator), run in the lease's home as the lease's user would: what an operator types on the Mac.
 */
final class LeaseLaunchctl {

    /** What launchctl printed (stdout and stderr) and its exit status. */
    record Result(int exit, String out) {
    }

    private LeaseLaunchctl() {
    }

    static Result run(Path home, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", home.resolve(".sim/bin/launchctl").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }

    /** The gateway's launchd domain on a simulated lease: {@code gui/<this user's uid>}. */
    static String guiDomain() throws Exception {
        Process p = new ProcessBuilder("id", "-u").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return "gui/" + out;
    }
}
