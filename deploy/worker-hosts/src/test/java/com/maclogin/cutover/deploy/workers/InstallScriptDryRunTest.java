package com.maclogin.cutover.deploy.workers;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.Region;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both install scripts in --dry-run against a temporary root: every command they would run is printed, checked for
 * owners and modes of the secrets, the order of the service manager's calls, and that nothing was changed.
 */
class InstallScriptDryRunTest {

    static final String LAUNCHD = Repo.ROOT.resolve("deploy/launchd/install-worker.sh").toString();
    static final String SYSTEMD = Repo.ROOT.resolve("deploy/systemd/install-worker.sh").toString();
    static final String SECRET = "s3cret-scram-password";

    @TempDir
    Path tmp;
    Path root;
    Path env;
    Path key;
    Path app;

    @BeforeEach
    void inputs() throws Exception {
        root = Files.createDirectories(tmp.resolve("root"));
        app = Files.createDirectories(tmp.resolve("quarkus-app"));
        Files.writeString(app.resolve("quarkus-run.jar"), "not a jar");
        env = tmp.resolve("sg.env");
        Files.writeString(env, "KAFKA_BOOTSTRAP_SERVERS=kafka-1:9093\nKAFKA_SASL_JAAS_CONFIG='org.apache.kafka.common."
                + "security.scram.ScramLoginModule required username=\"probe-sg\" password=\"" + SECRET + "\";'\n");
        key = tmp.resolve("probe-sg");
        Files.writeString(key, "-----BEGIN OPENSSH PRIVATE KEY-----\nnot a key\n-----END OPENSSH PRIVATE KEY-----\n");
    }

    private Repo.Run install(String script, String region, String... more) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", script, "--region", region, "--env-file", env.toString(),
                "--ssh-key", key.toString(), "--app-dir", app.toString(), "--root", root.toString(), "--dry-run"));
        cmd.addAll(List.of(more));
        return Repo.run(tmp, cmd);
    }

    /** The one printed command that installs {@code source} (install -m MODE -o OWNER -g GROUP SOURCE TARGET). */
    private static List<String> installOf(Repo.Run run, Path source) {
        return run.commands().stream()
                .filter(c -> c.get(0).equals("install") && c.contains(source.toString()))
                .reduce((a, b) -> {
                    throw new AssertionError("installed twice: " + a + " and " + b);
                })
                .orElseThrow(() -> new AssertionError(source + " is not installed by:\n" + run.out()));
    }

    private static int indexOf(Repo.Run run, String... words) {
        List<List<String>> cmds = run.commands();
        for (int i = 0; i < cmds.size(); i++) {
            if (cmds.get(i).containsAll(List.of(words))) {
                return i;
            }
        }
        throw new AssertionError(String.join(" ", words) + " not in:\n" + run.out());
    }

    private void assertNothingWasWritten() throws Exception {
        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files.filter(p -> !p.equals(root)).toList()).as("a dry run writes nothing").isEmpty();
        }
    }

    @Test
    void launchdDryRunInstallsKeyAndEnvironment0600OwnedByTheServiceAccountAndThePlistRootWheel0644() throws Exception {
        Repo.Run run = install(LAUNCHD, "sg");
        assertThat(run.exit()).as(run.err()).isZero();

        String conf = root + "/usr/local/etc/openclaw-cutover/probe-sg";
        assertThat(installOf(run, env)).containsExactly("install", "-m", "0600", "-o", "_cutoverprobe", "-g",
                "_cutoverprobe", env.toString(), conf + "/worker.env");
        assertThat(installOf(run, key)).containsExactly("install", "-m", "0600", "-o", "_cutoverprobe", "-g",
                "_cutoverprobe", key.toString(), conf + "/ssh-key");
        assertThat(run.out()).contains("+ install -d -m 0700 -o _cutoverprobe -g _cutoverprobe " + conf + " ");

        String plist = root + "/Library/LaunchDaemons/com.maclogin.cutover.probe-sg.plist";
        List<String> plistInstall = run.commands().stream().filter(c -> c.contains(plist) && c.get(0).equals("install"))
                .findFirst().orElseThrow();
        assertThat(plistInstall.subList(0, 7)).containsExactly("install", "-m", "0644", "-o", "root", "-g", "wheel");
        // the hidden account with no shell, then the daemon booted out (upgrade), files, plist, bootstrap into system
        assertThat(run.out()).contains("+ dscl . -create /Users/_cutoverprobe UserShell /usr/bin/false",
                "+ dscl . -create /Users/_cutoverprobe IsHidden 1");
        int account = indexOf(run, "dscl", "/Users/_cutoverprobe", "UniqueID");
        int bootout = indexOf(run, "launchctl", "bootout", "system/com.maclogin.cutover.probe-sg");
        int secrets = indexOf(run, "install", conf + "/worker.env");
        int plistAt = indexOf(run, "install", plist);
        int bootstrap = indexOf(run, "launchctl", "bootstrap", "system", plist);
        assertThat(List.of(account, bootout, secrets, plistAt, bootstrap)).isSorted();
        assertThat(run.out() + run.err()).doesNotContain(SECRET);
        assertNothingWasWritten();
    }

    @Test
    void systemdDryRunInstallsTheEnvironmentRoot0600AndTheKeyOwnedByTheServiceUser0600ThenEnablesTheInstance()
            throws Exception {
        Repo.Run run = install(SYSTEMD, "sg");
        assertThat(run.exit()).as(run.err()).isZero();

        SystemdUnit unit = SystemdUnit.read(SystemdUnitTest.UNIT);
        String envTarget = root + unit.one("Service", "EnvironmentFile").replace("%i", "sg");
        String keyTarget = root + unit.all("Service", "Environment").stream()
                .filter(e -> e.startsWith("PROBE_SSH_PRIVATE_KEY_FILE=")).findFirst().orElseThrow()
                .substring("PROBE_SSH_PRIVATE_KEY_FILE=".length()).replace("%i", "sg");
        // the files the unit reads are the ones the script installs
        assertThat(installOf(run, env)).containsExactly("install", "-m", "0600", "-o", "root", "-g", "root",
                env.toString(), envTarget);
        assertThat(installOf(run, key)).containsExactly("install", "-m", "0600", "-o", "cutover-probe", "-g",
                "cutover-probe", key.toString(), keyTarget);
        String jar = unit.one("Service", "ExecStart").replaceAll(".* -jar ", "").replace("%i", "sg");
        assertThat(run.out()).contains("+ mv " + root + "/opt/openclaw-cutover/probe-sg/app.new "
                + root + jar.substring(0, jar.length() - "/quarkus-run.jar".length()) + "\n");
        assertThat(run.out()).contains("+ install -d -m 0750 -o cutover-probe -g cutover-probe "
                + root + unit.one("Service", "ReadWritePaths").replace("%i", "sg") + "\n");

        assertThat(run.out()).contains("+ useradd --system --user-group --no-create-home --home-dir /nonexistent "
                + "--shell /usr/sbin/nologin");
        int useradd = indexOf(run, "useradd");
        int stop = indexOf(run, "systemctl", "stop", "openclaw-cutover-probe@sg.service");
        int secrets = indexOf(run, "install", envTarget);
        int unitAt = indexOf(run, "install", root + "/etc/systemd/system/openclaw-cutover-probe@.service");
        int reload = indexOf(run, "systemctl", "daemon-reload");
        int enable = indexOf(run, "systemctl", "enable", "--now", "openclaw-cutover-probe@sg.service");
        assertThat(List.of(useradd, stop, secrets, unitAt, reload, enable)).isSorted();
        assertThat(run.commands().get(unitAt).subList(0, 7)).containsExactly("install", "-m", "0644", "-o", "root", "-g", "root");
        assertThat(run.out() + run.err()).doesNotContain(SECRET);
        assertNothingWasWritten();
    }

    /** The launchd script's side: LaunchdPlistLintTest renders every region's plist through the same region check. */
    @Test
    void bothScriptsAcceptExactlyTheRegionsOfTheRegionEnum() throws Exception {
        for (Region region : Region.values()) {
            Files.writeString(env, "PROBE_REGION=" + region.suffix() + "\n");
            assertThat(install(SYSTEMD, region.suffix()).exit()).as(region.name()).isZero();
        }
        for (String script : List.of(LAUNCHD, SYSTEMD)) {
            Repo.Run unknown = install(script, "eu");
            assertThat(unknown.exit()).isEqualTo(64);
            assertThat(unknown.err()).contains("--region must be one of hk, jp, kr, sg, us (got 'eu')");
        }
    }

    @Test
    void anEnvironmentFileForAnotherRegionOrWithItsOwnKeyPathIsRefusedBeforeAnythingRuns() throws Exception {
        for (String script : List.of(LAUNCHD, SYSTEMD)) {
            Files.writeString(env, "PROBE_REGION=jp\nKAFKA_SASL_JAAS_CONFIG='x password=\"" + SECRET + "\";'\n");
            Repo.Run otherRegion = install(script, "sg");
            assertThat(otherRegion.exit()).isEqualTo(64);
            assertThat(otherRegion.err()).contains("sets PROBE_REGION to another region than --region sg");
            assertThat(otherRegion.out()).isEmpty();

            Files.writeString(env, "PROBE_SSH_PRIVATE_KEY_FILE=/tmp/k\n");
            Repo.Run keyPath = install(script, "sg");
            assertThat(keyPath.exit()).isEqualTo(64);
            assertThat(keyPath.err()).contains("sets PROBE_SSH_PRIVATE_KEY_FILE");

            Files.writeString(env, "export KAFKA_SASL_JAAS_CONFIG=" + SECRET + "\n");
            Repo.Run notKeyValue = install(script, "sg");
            assertThat(notKeyValue.exit()).isEqualTo(64);
            assertThat(notKeyValue.err()).contains("has a line that is not KEY=VALUE").doesNotContain(SECRET);
        }
    }

    @Test
    void uninstallStopsTheWorkerFirstAndRemovesItsSecretsAndTheSharedPartsOnlyWithTheLastRegion() throws Exception {
        Repo.Run mac = Repo.run(tmp, List.of("bash", LAUNCHD, "--region", "sg", "--uninstall", "--root", root.toString(),
                "--dry-run"));
        assertThat(mac.exit()).as(mac.err()).isZero();
        assertThat(indexOf(mac, "launchctl", "bootout", "system/com.maclogin.cutover.probe-sg"))
                .isLessThan(indexOf(mac, "rm", "-rf", root + "/usr/local/etc/openclaw-cutover/probe-sg"));
        assertThat(mac.out()).contains("+ dscl . -delete /Users/_cutoverprobe");

        Path etc = Files.createDirectories(root.resolve("etc/openclaw-cutover"));
        Files.writeString(etc.resolve("probe-hk.env"), "");
        Files.writeString(etc.resolve("probe-sg.env"), "");
        Repo.Run linux = Repo.run(tmp, List.of("bash", SYSTEMD, "--region", "sg", "--uninstall", "--root",
                root.toString(), "--dry-run"));
        assertThat(linux.exit()).as(linux.err()).isZero();
        assertThat(indexOf(linux, "systemctl", "disable", "--now", "openclaw-cutover-probe@sg.service"))
                .isLessThan(indexOf(linux, "rm", "-f", root + "/etc/openclaw-cutover/probe-sg.env"));
        assertThat(linux.out()).contains("kept for the 1 other region(s)").doesNotContain("userdel");
        assertThat(etc.resolve("probe-sg.env")).exists();

        Files.delete(etc.resolve("probe-hk.env"));
        Repo.Run last = Repo.run(tmp, List.of("bash", SYSTEMD, "--region", "sg", "--uninstall", "--root",
                root.toString(), "--dry-run"));
        assertThat(last.out()).contains("+ userdel cutover-probe", "+ rm -f " + root
                + "/etc/systemd/system/openclaw-cutover-probe@.service");
    }
}
