package com.maclogin.cutover.probe.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.probe.client.CommandResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unit test (local {@code /bin/sh} and perl, no SSH): the package tree's stat listing that lets RESTORE skip reading an
 * untouched tree is only trusted when it is settled, is stable while nothing changes, and changes with any change that
 * could alter what the content hash covers, including a rewrite that keeps the size and sets the mtime back.
 */
class PackageStatListingTest {

    @TempDir
    Path dir;

    private CommandResult listing() throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", LeaseInventory.packageStatScript(dir.toString()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new CommandResult(p.waitFor(), out, "", 0);
    }

    private Optional<String> settled() throws Exception {
        return LeaseInventory.settledStat(listing());
    }

    private static void settle() throws InterruptedException {
        Thread.sleep(2_300);
    }

    @Test
    void aFreshlyWrittenTreeIsRacyAndNotTrustedThenSettledAndStable() throws Exception {
        Files.writeString(dir.resolve("index.js"), "module.exports = 1;\n");
        CommandResult fresh = listing();
        assertThat(fresh.exitCode()).isZero();
        assertThat(fresh.stdout().trim()).matches("[0-9a-f]{64} racy");
        assertThat(LeaseInventory.settledStat(fresh)).isEmpty();

        settle();
        Optional<String> first = settled();
        assertThat(first).isPresent();
        assertThat(settled()).isEqualTo(first);
    }

    @Test
    void anInPlaceRewriteWithTheSameSizeAndTheOldMtimeChangesTheListing() throws Exception {
        Path f = dir.resolve("package.json");
        Files.writeString(f, "{\"name\":\"openclaw\"}");
        settle();
        String before = settled().orElseThrow();
        FileTime mtime = Files.getLastModifiedTime(f);
        Files.writeString(f, "{\"name\":\"openc1aw\"}");
        Files.setLastModifiedTime(f, mtime);
        settle();
        assertThat(settled()).get().isNotEqualTo(before);
    }

    @Test
    void aModeChangeANewFileAndAReplacedFileEachChangeTheListing() throws Exception {
        Path f = dir.resolve("a.js");
        Files.writeString(f, "1");
        settle();
        String base = settled().orElseThrow();

        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwx------"));
        settle();
        String chmodded = settled().orElseThrow();
        assertThat(chmodded).isNotEqualTo(base);

        Files.writeString(dir.resolve("b.js"), "2");
        settle();
        String added = settled().orElseThrow();
        assertThat(added).isNotEqualTo(chmodded);

        // replaced by another file with the same content (a new inode)
        Path tmp = dir.resolve(".a.tmp");
        Files.writeString(tmp, "1");
        Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        settle();
        assertThat(settled()).get().isNotEqualTo(added);
    }

    @Test
    void aTreeThatCannotBeListedGivesNoListing() throws Exception {
        Files.delete(dir);
        CommandResult r = listing();
        assertThat(r.exitCode()).isNotZero();
        assertThat(LeaseInventory.settledStat(r)).isEmpty();
    }
}
