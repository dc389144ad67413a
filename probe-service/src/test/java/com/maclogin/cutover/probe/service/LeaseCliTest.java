package com.maclogin.cutover.probe.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.probe.client.CommandResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The CLI switch's parsing and shell text (run by a real /bin/sh on this machine), and the version-directory list. */
class LeaseCliTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(delimiter = '|', nullValues = "NONE", value = {
            "2026.9.6                                  | 2026.9.6",
            "OpenClaw 2026.9.6 (eb377ac)               | 2026.9.6",
            "warning: node 24\\nOpenClaw v2026.9.5-beta.1 | 2026.9.5-beta.1",
            "openclaw: command not found               | NONE",
            "10.2026.9.6.1                             | NONE"})
    void theVersionIsTheFirstVersionWordOfTheOutput(String output, String version) {
        assertThat(LeaseCli.versionIn(output.replace("\\n", "\n"))).isEqualTo(Optional.ofNullable(version));
    }

    @Test
    void whatTheLoginShellPrintedIsTakenOnlyWhenItIsASafePathAndLink() {
        LeaseCli.Found f = LeaseCli.found(ok("path=/Users/u/.npm-global/bin/openclaw\nwritable=true\n"
                + "link=../lib/node_modules/openclaw/openclaw.mjs\n"), ok("OpenClaw 2026.9.5 (abc)\n"));
        assertThat(f).isEqualTo(new LeaseCli.Found("/Users/u/.npm-global/bin/openclaw", true,
                "../lib/node_modules/openclaw/openclaw.mjs", "2026.9.5"));
        assertThat(LeaseCli.found(ok("path=/tmp/x'y/openclaw\nwritable=true\n"), ok("2026.9.5")).present()).isFalse();
        assertThat(LeaseCli.found(ok("path=/a/openclaw\nwritable=false\nlink=$(reboot)\n"), null))
                .isEqualTo(new LeaseCli.Found("/a/openclaw", false, null, null));
        assertThat(LeaseCli.found(new CommandResult(1, "", "", 1), ok("2026.9.5")).present()).isFalse();
        assertThat(LeaseCli.unswitchable(new LeaseCli.Found(null, false, null, null))).contains("finds no openclaw");
        assertThat(LeaseCli.unswitchable(new LeaseCli.Found("/a/openclaw", false, null, null)))
                .contains("/a/openclaw is not writable");
    }

    @Test
    void aKitRecordIsUsedOnlyWithASafePathAndALinkOrTheKitsOwnCopy() {
        String kit = "/Users/u/.openclaw-cutover/c1";
        assertThat(LeaseCli.parseRecord("path=/u/bin/openclaw\nlink=../lib/x.mjs\n", kit))
                .contains(new LeaseCli.Record("/u/bin/openclaw", "../lib/x.mjs", null));
        assertThat(LeaseCli.parseRecord("path=/u/bin/openclaw\nfile=" + kit + "/cli.previous.file\n", kit))
                .contains(new LeaseCli.Record("/u/bin/openclaw", null, kit + "/cli.previous.file"));
        assertThat(LeaseCli.parseRecord("path=/u/bin/openclaw\nfile=/etc/passwd\n", kit)).isEmpty();
        assertThat(LeaseCli.parseRecord("path=relative/openclaw\nlink=x\n", kit)).isEmpty();
        assertThat(LeaseCli.parseRecord("path=/u/bin/openclaw\nlink=x`id`\n", kit)).isEmpty();
        assertThat(LeaseCli.parseRecord("", kit)).isEmpty();
    }

    /**
     * Record, switch and restore in a directory whose name needs quoting (a space: the lease's path allow-list takes no
     * quote characters); the old target file is never written.
     */
    @Test
    void recordSwitchAndRestoreRenameOneLinkAndNeverTouchTheOldFiles() throws Exception {
        Path home = Files.createDirectories(dir.resolve("a home, @x"));
        Path oldPkg = Files.createDirectories(home.resolve("npm/lib/node_modules/openclaw"));
        Files.writeString(oldPkg.resolve("openclaw.mjs"), "old");
        Path bin = Files.createDirectories(home.resolve("npm/bin"));
        Path cli = bin.resolve("openclaw");
        Files.createSymbolicLink(cli, Path.of("../lib/node_modules/openclaw/openclaw.mjs"));
        Path newBin = Files.createDirectories(home.resolve("versions/2026.9.6/bin"));
        Files.writeString(newBin.resolve("openclaw"), "new");
        String kit = home.resolve("kit").toString();
        long oldModified = Files.getLastModifiedTime(oldPkg.resolve("openclaw.mjs")).toMillis();

        assertThat(sh(LeaseCli.recordScript(kit, cli.toString())))
                .isEqualTo("path=" + cli + "\nlink=../lib/node_modules/openclaw/openclaw.mjs\n");
        sh(LeaseCli.switchScript(cli.toString(), newBin.resolve("openclaw").toString(), "c-1"));
        assertThat(Files.readSymbolicLink(cli)).isEqualTo(newBin.resolve("openclaw"));
        assertThat(Files.readString(cli)).isEqualTo("new");
        // a second record keeps the first one (the old version), the temporary name is gone
        assertThat(sh(LeaseCli.recordScript(kit, cli.toString()))).contains("link=../lib/node_modules/openclaw/openclaw.mjs");
        try (var l = Files.list(bin)) {
            assertThat(l.map(p -> p.getFileName().toString())).containsExactly("openclaw");
        }

        LeaseCli.Record r = LeaseCli.parseRecord(Files.readString(Path.of(kit, "cli.previous")), kit).orElseThrow();
        assertThat(sh(LeaseCli.restoreScript(r, "c-1"))).isEqualTo("../lib/node_modules/openclaw/openclaw.mjs\n");
        assertThat(Files.readString(cli)).isEqualTo("old");
        assertThat(Files.getLastModifiedTime(oldPkg.resolve("openclaw.mjs")).toMillis()).isEqualTo(oldModified);
    }

    @Test
    void aSwitchRefusesAMissingTargetAndADirectory() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.createDirectories(bin.resolve("openclaw"));
        assertThat(exit(LeaseCli.switchScript(bin.resolve("other").toString(), "/nonexistent/openclaw", "c")))
                .isEqualTo(1);
        assertThat(bin.resolve("other")).doesNotExist();
        Path target = Files.writeString(dir.resolve("t"), "x");
        assertThat(exit(LeaseCli.switchScript(bin.resolve("openclaw").toString(), target.toString(), "c"))).isEqualTo(1);
        assertThat(bin.resolve("openclaw")).isDirectory();
    }

    @Test
    void kitsAndVersionsAreListedWithTheirSizesAndLinksResolve() {
        assertThat(LeaseVersions.parse("kit 8 c-1\nversion 120 2026.9.5\nversion x 2026.9.6\nother 1 y\n"))
                .containsExactly(new LeaseVersions.Entry("kit", "c-1", 8192),
                        new LeaseVersions.Entry("version", "2026.9.5", 122880));
        assertThat(LeaseVersions.resolve("/u/.npm-global/bin/openclaw", "../lib/node_modules/openclaw/openclaw.mjs"))
                .isEqualTo("/u/.npm-global/lib/node_modules/openclaw/openclaw.mjs");
        assertThat(LeaseVersions.resolve("/u/bin/openclaw", "/u/.openclaw-cutover/versions/2026.9.6/bin/openclaw"))
                .isEqualTo("/u/.openclaw-cutover/versions/2026.9.6/bin/openclaw");
        LeaseInventory.Basics b = new LeaseInventory.Basics("501", "/u");
        assertThat(b.versionDirOf("/u/.openclaw-cutover/versions/2026.9.6/bin/openclaw")).contains("2026.9.6");
        assertThat(b.versionDirOf("/u/.openclaw-cutover/versions/notes/x")).isEmpty();
        assertThat(b.versionDirOf("/u/.npm-global/lib/node_modules/openclaw")).isEmpty();
    }

    private static CommandResult ok(String stdout) {
        return new CommandResult(0, stdout, "", 1);
    }

    private String sh(String script) throws Exception {
        Process p = new ProcessBuilder(List.of("/bin/sh", "-c", script)).directory(dir.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes());
        String err = new String(p.getErrorStream().readAllBytes());
        assertThat(p.waitFor()).as(err).isZero();
        return out;
    }

    private int exit(String script) throws Exception {
        Process p = new ProcessBuilder(List.of("/bin/sh", "-c", script)).directory(dir.toFile())
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }
}
