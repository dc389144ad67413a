package com.maclogin.cutover.deploy.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's systemd template unit: systemd's own verifier accepts it without a warning, and it keeps our rules. */
class SystemdUnitTest {

    static final Path UNIT = Repo.ROOT.resolve("deploy/systemd/openclaw-cutover-probe@.service");
    static final Path SYSTEMD_ANALYZE = Path.of("/usr/bin/systemd-analyze");

    @TempDir
    Path tmp;

    /** systemd-analyze verify of the unit as instance hk; its exit code and everything it printed. */
    private Repo.Run verify(String unitText) throws Exception {
        Path instance = tmp.resolve("openclaw-cutover-probe@hk.service");
        Files.writeString(instance, unitText);
        return Repo.run(tmp, List.of(SYSTEMD_ANALYZE.toString(), "verify", "--man=no", instance.toString()));
    }

    @Test
    void systemdAnalyzeVerifiesTheUnitWithoutAnyWarning() throws Exception {
        assumeTrue(Files.isExecutable(SYSTEMD_ANALYZE), "no /usr/bin/systemd-analyze on this host (not systemd)");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/java")), "no /usr/bin/java: verify checks ExecStart's program");
        Repo.Run run = verify(Files.readString(UNIT));
        // verify exits 0 on a misspelt key or an unparsable value (it only warns), so any output is a failure
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(run.out() + run.err()).isEmpty();
    }

    @Test
    void aBrokenUnitMakesSystemdAnalyzeComplain() throws Exception {
        assumeTrue(Files.isExecutable(SYSTEMD_ANALYZE), "no /usr/bin/systemd-analyze on this host (not systemd)");
        String good = Files.readString(UNIT);
        assertThat(good).contains("Restart=on-failure", "ExecStart=/usr/bin/java ");

        Repo.Run badValue = verify(good.replace("Restart=on-failure", "Restart=sometimes\nProtectSytem=strict"));
        assertThat(badValue.out() + badValue.err()).contains("restart specifier", "ProtectSytem");

        Repo.Run badProgram = verify(good.replace("ExecStart=/usr/bin/java ", "ExecStart=/usr/bin/no-such-java "));
        assertThat(badProgram.exit()).isNotZero();
        assertThat(badProgram.out() + badProgram.err()).contains("/usr/bin/no-such-java");
    }

    @Test
    void theUnitRunsAsTheDedicatedUserHardenedWithRestartLimitsAndNoSecretInline() throws Exception {
        SystemdUnit unit = SystemdUnit.read(UNIT);
        assertThat(unit.problems()).isEmpty();
        assertThat(unit.one("Service", "User")).isEqualTo("cutover-probe");
        assertThat(unit.all("Service", "EnvironmentFile")).containsExactly("/etc/openclaw-cutover/probe-%i.env");
        assertThat(unit.all("Service", "Environment"))
                .contains("PROBE_REGION=%i", "PROBE_SSH_PRIVATE_KEY_FILE=/etc/openclaw-cutover/probe-%i/ssh-key");
        assertThat(unit.one("Service", "ExecStart")).endsWith("-jar /opt/openclaw-cutover/probe-%i/app/quarkus-run.jar");
        assertThat(unit.all("Service", "ReadWritePaths")).containsExactly("/var/lib/openclaw-cutover/probe-%i");
    }

    @Test
    void aUnitMissingItsHardeningOrRunningAsRootFailsOurRules() throws Exception {
        String good = Files.readString(UNIT);
        List<String[]> cases = List.of(
                new String[] {"User=cutover-probe", "User=root", "User= must name a dedicated system user"},
                new String[] {"NoNewPrivileges=yes", "NoNewPrivileges=no", "NoNewPrivileges= must be yes"},
                new String[] {"ProtectSystem=strict", "ProtectSystem=full", "ProtectSystem= must be strict"},
                new String[] {"EnvironmentFile=/etc", "EnvironmentFile=-/etc", "is optional ('-')"},
                new String[] {"StartLimitBurst=5", "", "StartLimitBurst= is missing"},
                new String[] {"ReadWritePaths=/var/lib/openclaw-cutover/probe-%i", "", "ReadWritePaths= is missing"},
                new String[] {"Restart=on-failure", "Restart=always", "Restart= must be on-failure"},
                new String[] {"Environment=PROBE_REGION=%i", "Environment=PROBE_REGION=%i\nEnvironment=KAFKA_PASSWORD=x",
                    "Environment=KAFKA_PASSWORD looks like a secret"});
        for (String[] c : cases) {
            assertThat(good).as("anchor " + c[0]).contains(c[0]);
            Path broken = tmp.resolve("broken.service");
            Files.writeString(broken, good.replace(c[0], c[1]));
            assertThat(SystemdUnit.read(broken).problems()).as(c[1]).anySatisfy(p -> assertThat(p).contains(c[2]));
        }
    }
}
