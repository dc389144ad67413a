package com.maclogin.cutover.probe.lease;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Table tests of the text parsers: stack-trace scan, launchctl print, lsof, df -k. */
class LogScanAndParsersTest {

    // ------------------------------------------------------------------ stack traces

    static Stream<Arguments> logLines() {
        return Stream.of(
                Arguments.of("    at Object.<anonymous> (/opt/app/dist/index.js:12:34)", true),
                Arguments.of("    at /opt/app/dist/server.js:1:2", true),
                Arguments.of("\tat async Promise.all (index 0) (file:///x/y.mjs:10:5)", true),
                Arguments.of("    at node:internal/modules/cjs/loader:1228:14", true),
                Arguments.of("at Object.<anonymous> (/opt/app/dist/index.js:12:34)", false),
                Arguments.of("    at least 3 channels connected", false),
                Arguments.of("    at 12:30 the gateway started", false),
                Arguments.of("2026-09-24T10:00:00Z [gateway] ready", false),
                Arguments.of("Error: Cannot find module './x.js'", false),
                Arguments.of("    at fn (/a.js:12)", false),
                Arguments.of("", false));
    }

    @ParameterizedTest
    @MethodSource("logLines")
    void nodeStackFramesAreRecognisedAndOrdinaryLinesAreNot(String line, boolean frame) {
        assertThat(StackTraceScanner.frames(line)).hasSize(frame ? 1 : 0);
    }

    @Test
    void firstErrorIsTheLineBeforeTheFirstFrame() {
        String log = "[gateway] starting\nError [ERR_MODULE_NOT_FOUND]: Cannot find module '/x/y.js'\n"
                + "    at finalizeResolution (node:internal/modules/esm/resolve:257:11)\n"
                + "    at moduleResolve (node:internal/modules/esm/resolve:914:10)\n";
        assertThat(StackTraceScanner.firstError(log)).startsWith("Error [ERR_MODULE_NOT_FOUND]");
        assertThat(StackTraceScanner.frames(log)).hasSize(2);
        assertThat(StackTraceScanner.firstError("[gateway] ready\nall good\n")).isNull();
    }

    // ------------------------------------------------------------------ launchctl print

    static final String LAUNCHCTL_RUNNING = """
            gui/501/ai.openclaw.gateway = {
            \tactive count = 1
            \tpath = /Users/u/Library/LaunchAgents/ai.openclaw.gateway.plist
            \ttype = LaunchAgent
            \tstate = running

            \tprogram = /bin/sh
            \targuments = {
            \t\t/bin/sh
            \t\tstate = not-a-property
            \t}

            \tendpoints = {
            \t\t"com.x" = {
            \t\t\tport = 0x1
            \t\t\tstate = active
            \t\t}
            \t}
            \truns = 3
            \tpid = 4242
            \timmediate reason = speculative
            \tlast exit code = 78: EX_CONFIG
            \tjob state = running
            }
            """;

    static final String LAUNCHCTL_NEVER_EXITED = """
            gui/501/ai.openclaw.gateway = {
            \tstate = running
            \truns = 1
            \tpid = 77
            \tlast exit code = (never exited)
            }
            """;

    static final String LAUNCHCTL_STOPPED = """
            gui/501/ai.openclaw.gateway = {
            \tstate = not running
            \truns = 5
            \tlast exit code = 1
            }
            """;

    static Stream<Arguments> launchctl() {
        return Stream.of(
                Arguments.of(LAUNCHCTL_RUNNING, "running", "4242", "3", "78: EX_CONFIG"),
                Arguments.of(LAUNCHCTL_NEVER_EXITED, "running", "77", "1", "(never exited)"),
                Arguments.of(LAUNCHCTL_STOPPED, "not running", null, "5", "1"),
                Arguments.of("Could not find service \"ai.openclaw.gateway\" in domain for port", null, null, null,
                        null),
                Arguments.of("", null, null, null, null));
    }

    @ParameterizedTest
    @MethodSource("launchctl")
    void launchctlPrintTopLevelPropertiesIgnoreNestedBlocks(String out, String state, String pid, String runs,
            String lastExit) {
        LaunchctlPrint p = LaunchctlPrint.parse(out);
        assertThat(p.state().orElse(null)).isEqualTo(state);
        assertThat(p.pid().orElse(null)).isEqualTo(pid);
        assertThat(p.runs().orElse(null)).isEqualTo(runs);
        assertThat(p.lastExitCode().orElse(null)).isEqualTo(lastExit);
        assertThat(p.isRunning()).isEqualTo("running".equals(state));
    }

    // ------------------------------------------------------------------ lsof

    static final String LSOF_MAC = """
            COMMAND     PID USER   FD   TYPE             DEVICE SIZE/OFF NODE NAME
            rapportd    512 u       8u  IPv4 0x8c2a7b0e3c1d7a11      0t0  TCP *:49152 (LISTEN)
            node       4242 u      20u  IPv4 0x8c2a7b0e3c1d7a12      0t0  TCP 127.0.0.1:18789 (LISTEN)
            node       4242 u      21u  IPv6 0x8c2a7b0e3c1d7a13      0t0  TCP [::1]:18789 (LISTEN)
            node       4242 u      22u  IPv4 0x8c2a7b0e3c1d7a14      0t0  TCP 127.0.0.1:18791 (LISTEN)
            """;

    static final String LSOF_LINUX = """
            COMMAND   PID USER   FD   TYPE DEVICE SIZE/OFF NODE NAME
            java    90001 root   45u  IPv6 123456      0t0  TCP 127.0.0.1:18799 (LISTEN)
            sshd      300 root    3u  IPv4  23456      0t0  TCP *:22 (LISTEN)
            """;

    static Stream<Arguments> lsof() {
        return Stream.of(
                Arguments.of(LSOF_MAC, 18789, "4242"),
                Arguments.of(LSOF_MAC, 49152, "512"),
                Arguments.of(LSOF_MAC, 18790, null),
                Arguments.of(LSOF_LINUX, 18799, "90001"),
                Arguments.of(LSOF_LINUX, 22, "300"),
                Arguments.of("", 18789, null),
                Arguments.of("""
                        COMMAND  PID USER FD TYPE DEVICE SIZE/OFF NODE NAME
                        node     10 u 20u IPv4 0x1 0t0 TCP 127.0.0.1:18789 (LISTEN)
                        python   11 u 3u IPv4 0x2 0t0 TCP *:18789 (LISTEN)
                        """, 18789, "10,11"));
    }

    @ParameterizedTest
    @MethodSource("lsof")
    void lsofListenerPidForPort(String out, int port, String pid) {
        assertThat(LsofListeners.pidListeningOn(LsofListeners.parse(out), port).orElse(null)).isEqualTo(pid);
    }

    @Test
    void lsofRowsCarryCommandAddressAndPort() {
        List<LsofListeners.Listener> rows = LsofListeners.parse(LSOF_MAC);
        assertThat(rows).hasSize(4);
        assertThat(rows.get(2)).isEqualTo(new LsofListeners.Listener("node", "4242", "[::1]", 18789));
    }

    // ------------------------------------------------------------------ df -k

    static Stream<Arguments> df() {
        return Stream.of(
                Arguments.of("""
                        Filesystem     1024-blocks      Used Available Capacity iused      ifree %iused  Mounted on
                        /dev/disk3s5     971350180 300000000 600000000    34% 1234567 4294967295    0%   /System/Volumes/Data
                        """, OptionalInt.of(61)),
                Arguments.of("""
                        Filesystem     1K-blocks     Used Available Use% Mounted on
                        /dev/sda1      102400000 97280000   5120000  95% /
                        """, OptionalInt.of(5)),
                Arguments.of("""
                        Filesystem            1K-blocks    Used Available Use% Mounted on
                        /dev/mapper/very-long-volume-group-name-root
                                               1000000  100000    900000  10% /
                        """, OptionalInt.of(90)),
                Arguments.of("""
                        Filesystem 1024-blocks Used Available Capacity Mounted on
                        /dev/disk1 1000 1000 0 100% /
                        """, OptionalInt.of(0)),
                Arguments.of("df: /nope: No such file or directory\n", OptionalInt.empty()),
                Arguments.of("", OptionalInt.empty()));
    }

    @ParameterizedTest
    @MethodSource("df")
    void dfFreePercentIsAvailableOverBlocksRoundedDown(String out, OptionalInt expected) {
        assertThat(DiskFree.freePercent(out)).isEqualTo(expected);
    }
}
