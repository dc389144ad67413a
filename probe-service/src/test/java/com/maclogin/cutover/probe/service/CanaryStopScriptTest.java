package com.maclogin.cutover.probe.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unit test (local {@code /bin/sh} and {@code ps}, no SSH): the canary's stop script signals the canary and nothing
 * else. A pid file holding 0 (which {@code kill} reads as "my whole process group") or a pid that another process holds
 * now is refused; the real canary is stopped.
 */
class CanaryStopScriptTest {

    @TempDir
    Path kit;
    Process other;

    @AfterEach
    void cleanUp() {
        if (other != null) {
            other.destroyForcibly();
        }
    }

    private String stop() throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", ParallelRunStep.stopScript(kit.toString(), 10))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor(20, TimeUnit.SECONDS);
        return out;
    }

    private Process sleeper() throws Exception {
        other = new ProcessBuilder("sleep", "60").start();
        return other;
    }

    private static String lstart(long pid) throws Exception {
        Process p = new ProcessBuilder("ps", "-o", "lstart=", "-p", Long.toString(pid)).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    @Test
    void pidZeroOrALeadingZeroIsRefusedAndNothingIsSignalled() throws Exception {
        Files.writeString(kit.resolve(ParallelRunStep.CANARY_PID), "0\n");
        assertThat(stop()).isEqualTo("not running (pid 0 refused)");
        assertThat(kit.resolve(ParallelRunStep.CANARY_PID)).doesNotExist();

        Process p = sleeper();
        Files.writeString(kit.resolve(ParallelRunStep.CANARY_PID), "0" + p.pid() + "\n");
        assertThat(stop()).isEqualTo("not running (pid 0" + p.pid() + " refused)");
        assertThat(p.isAlive()).isTrue();
    }

    @Test
    void aPidThatAnotherProcessHoldsNowIsNotSignalled() throws Exception {
        Process p = sleeper();
        Files.writeString(kit.resolve(ParallelRunStep.CANARY_PID), p.pid() + "\n");
        // the canary that wrote this pid started at another time: the pid was reused
        Files.writeString(kit.resolve(ParallelRunStep.CANARY_START), "Thu Jan  1 00:00:00 1970\n");
        assertThat(stop()).isEqualTo("not running (pid " + p.pid() + " is another process now)");
        assertThat(p.isAlive()).isTrue();
    }

    @Test
    void theCanaryWhoseStartTimeMatchesIsTerminated() throws Exception {
        Process p = sleeper();
        Files.writeString(kit.resolve(ParallelRunStep.CANARY_PID), p.pid() + "\n");
        Files.writeString(kit.resolve(ParallelRunStep.CANARY_START), lstart(p.pid()));
        assertThat(stop()).isEqualTo("terminated");
        assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(kit.resolve(ParallelRunStep.CANARY_PID)).doesNotExist();
    }

    @Test
    void aKitWithoutTheStartRecordStillStopsItsCanaryAsBefore() throws Exception {
        Process p = sleeper();
        Files.writeString(kit.resolve(ParallelRunStep.CANARY_PID), p.pid() + "\n");
        assertThat(stop()).isEqualTo("terminated");
        assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
    }
}
