package com.maclogin.cutover.probe.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How SNAPSHOT reads the output of {@code openclaw backup create --json}, its unpacked payload and the manifest. */
class SnapshotParsingTest {

    private static final String DIR = "/Users/op/.openclaw-cutover/c-1/backup";

    @Test
    void theArchivePathIsTakenOnlyWhenItIsAPlainArchiveDirectlyInTheBackupDirectory() {
        assertThat(SnapshotStep.archivePath("warn: something\n{\"ok\":true,\"archivePath\":\"" + DIR
                + "/openclaw-backup-2026-11-25T13-00-00-000Z.tar.gz\"}\n", DIR))
                .isEqualTo(DIR + "/openclaw-backup-2026-11-25T13-00-00-000Z.tar.gz");
        assertThat(SnapshotStep.archivePath("{\"ok\":false,\"archivePath\":\"" + DIR + "/a.tar.gz\"}", DIR)).isNull();
        assertThat(SnapshotStep.archivePath("{\"ok\":true,\"archivePath\":\"/tmp/a.tar.gz\"}", DIR)).isNull();
        assertThat(SnapshotStep.archivePath("{\"ok\":true,\"archivePath\":\"" + DIR + "/a'$(x).tar.gz\"}", DIR)).isNull();
        assertThat(SnapshotStep.archivePath("{\"ok\":true,\"archivePath\":\"" + DIR + "/notes.txt\"}", DIR)).isNull();
        assertThat(SnapshotStep.archivePath("Backup written", DIR)).isNull();
        assertThat(SnapshotStep.archivePath(null, DIR)).isNull();
    }

    @Test
    void thePayloadCopyOfTheLiveStateDirectoryIsPreferredOverOtherStateDirectories() {
        String exact = "extract/openclaw-backup-x/payload/posix/Users/op/.openclaw";
        assertThat(SnapshotStep.payloadStateDir("extract/openclaw-backup-x/payload/posix/Users/op/w/.openclaw\n"
                + exact + "\n", "/Users/op/.openclaw")).isEqualTo(exact);
        // a resolved home (e.g. /private/var/...) still gives the only candidate
        assertThat(SnapshotStep.payloadStateDir("extract/r/payload/posix/private/Users/op/.openclaw\n",
                "/Users/op/.openclaw")).isEqualTo("extract/r/payload/posix/private/Users/op/.openclaw");
        assertThat(SnapshotStep.payloadStateDir("extract/r/payload/posix/a/.openclaw\nextract/r/payload/posix/b/.openclaw",
                "/Users/op/.openclaw")).isNull();
        assertThat(SnapshotStep.payloadStateDir("", "/Users/op/.openclaw")).isNull();
    }

    @Test
    void theManifestNamesTheBackupArchiveOnlyWhenTheBackupPathWasUsed() {
        String tar = "a".repeat(64) + "  ai.openclaw.gateway.plist\n" + "b".repeat(64) + "  package.tgz\n"
                + "c".repeat(64) + "  state.tgz\n";
        assertThat(SnapshotStep.manifestBackupArchive(tar)).isNull();
        assertThat(SnapshotStep.manifestBackupArchive(tar + "d".repeat(64) + "  backup/openclaw-backup-1.tar.gz\n"))
                .isEqualTo("openclaw-backup-1.tar.gz");
    }
}
