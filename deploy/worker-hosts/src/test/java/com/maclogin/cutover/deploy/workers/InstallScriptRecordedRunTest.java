package com.maclogin.cutover.deploy.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The install scripts' real run (not --dry-run), with every command that would change the system (dscl, launchctl,
 * plutil, useradd, systemctl, install, cp, mv, rm, chown, chmod) replaced on the PATH by a recorder: the code paths a
 * dry run skips (the free-id search over dscl's listing, the rendered plist handed to install, systemd-analyze verify
 * of the unit as an instance) run for real, and the plist that would be installed is linted.
 */
class InstallScriptRecordedRunTest {

    static final List<String> RECORDED = List.of("dscl", "launchctl", "plutil", "useradd", "userdel", "systemctl",
            "install", "cp", "mv", "rm", "chown", "chmod");

    @TempDir
    Path tmp;
    Path bin;
    Path log;
    Path captured;
    Path env;
    Path key;
    Path app;

    @BeforeEach
    void recorders() throws Exception {
        bin = Files.createDirectories(tmp.resolve("bin"));
        log = tmp.resolve("commands.log");
        captured = Files.createDirectories(tmp.resolve("captured"));
        for (String cmd : RECORDED) {
            String body = "#!/bin/sh\nprintf '%s\\n' \"" + cmd + " $*\" >> '" + log + "'\n";
            if (cmd.equals("dscl")) {
                // ids 400 and 401 are taken (one as a user, one as a group): the first free one is 402
                body += "case \"$*\" in *'-list /Users UniqueID'*) printf 'root 0\\n_www 70\\nalice 400\\n' ;;"
                        + " *'-list /Groups PrimaryGroupID'*) printf 'wheel 0\\nstaff 20\\nops 401\\n' ;; esac\n";
            }
            if (cmd.equals("install")) {
                // keep what would be installed as a plist or unit: the source is the next-to-last argument
                body += "for last; do :; done\ncase \"$last\" in *.plist|*.service)"
                        + " eval \"src=\\${$(($# - 1))}\"; /bin/cp \"$src\" '" + captured + "/'\"$(basename \"$last\")\" ;; esac\n";
            }
            if (cmd.equals("systemctl")) {
                body += "case \"$1\" in is-active) exit 3 ;; esac\n";
            }
            Path stub = bin.resolve(cmd);
            Files.writeString(stub, body);
            Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        app = Files.createDirectories(tmp.resolve("quarkus-app"));
        Files.writeString(app.resolve("quarkus-run.jar"), "");
        env = tmp.resolve("kr.env");
        Files.writeString(env, "KAFKA_BOOTSTRAP_SERVERS=kafka-1:9093\n");
        key = tmp.resolve("probe-kr");
        Files.writeString(key, "not a key\n");
    }

    private Repo.Run realRun(String script) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")),
                "the scripts refuse a real run without root; the system commands are recorders here");
        return Repo.run(tmp, List.of("bash", Repo.ROOT.resolve(script).toString(), "--region", "kr",
                        "--env-file", env.toString(), "--ssh-key", key.toString(), "--app-dir", app.toString(),
                        "--root", tmp.resolve("root").toString()),
                "PATH", bin + ":" + System.getenv("PATH"), "TMPDIR", tmp.toString());
    }

    @Test
    void theLaunchdScriptPicksTheFirstFreeIdAndInstallsALintCleanPlistForTheRegion() throws Exception {
        Repo.Run run = realRun("deploy/launchd/install-worker.sh");
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        List<String> commands = Files.readAllLines(log);
        assertThat(commands).contains("dscl . -create /Users/_cutoverprobe UniqueID 402",
                "dscl . -create /Groups/_cutoverprobe PrimaryGroupID 402");
        assertThat(commands).anyMatch(c -> c.startsWith("plutil -lint "));
        assertThat(commands).contains("launchctl bootstrap system " + tmp.resolve("root")
                + "/Library/LaunchDaemons/com.maclogin.cutover.probe-kr.plist");
        Path plist = captured.resolve("com.maclogin.cutover.probe-kr.plist");
        assertThat(LaunchdPlistLint.check(plist)).isEmpty();
        assertThat(Files.readString(plist)).contains("<key>PROBE_REGION</key><string>kr</string>");
    }

    @Test
    void theSystemdScriptVerifiesTheUnitAsTheRegionsInstanceAndEnablesIt() throws Exception {
        assumeTrue(Files.isExecutable(SystemdUnitTest.SYSTEMD_ANALYZE), "no /usr/bin/systemd-analyze on this host");
        Repo.Run run = realRun("deploy/systemd/install-worker.sh");
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("+ systemd-analyze verify --man=no openclaw-cutover-probe@kr.service");
        List<String> commands = Files.readAllLines(log);
        assertThat(commands).contains("systemctl daemon-reload", "systemctl enable --now openclaw-cutover-probe@kr.service")
                .noneMatch(c -> c.startsWith("systemctl stop")); // not running: nothing to stop
        assertThat(captured.resolve("openclaw-cutover-probe@.service")).hasSameTextualContentAs(SystemdUnitTest.UNIT);
    }
}
