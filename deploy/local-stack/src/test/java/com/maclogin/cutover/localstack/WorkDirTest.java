package com.maclogin.cutover.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a start of the local stack keeps and writes in its work dir, without starting anything: the workers' SSH keys
 * survive a restart, the rest of the previous run is cleared, the tokens file is private.
 */
class WorkDirTest {

    @TempDir
    Path dir;

    private StackConfig cfg() throws Exception {
        return StackConfig.defaults(dir).withWorkDir(dir.resolve(".local"));
    }

    @Test
    void theWorkerKeysOfTheFirstStartAreReusedByTheSecondWhileTheRestOfTheRunIsCleared() throws Exception {
        StackConfig cfg = cfg();
        Map<String, WorkerKeys.Key> first = LocalStack.prepareWorkDir(cfg);
        assertThat(first.keySet()).containsExactly("hk", "jp");
        assertThat(first.values()).allSatisfy(k -> {
            assertThat(k.reused()).isFalse();
            assertThat(k.publicKey()).startsWith("ssh-ed25519 AAAA").doesNotContain("@");
            assertThat(Files.getPosixFilePermissions(k.privateKey()))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        });
        byte[] hkPrivate = Files.readAllBytes(first.get("hk").privateKey());
        // what a run leaves behind
        Path leaseHome = Files.createDirectories(cfg.workDir().resolve("leases/hk-1"));
        Files.writeString(cfg.workDir().resolve("logs/orchestrator-service.log"), "old run");
        Files.writeString(cfg.workDir().resolve("logs/" + LocalStack.HARNESS_LOG), "open by this JVM");

        Map<String, WorkerKeys.Key> second = LocalStack.prepareWorkDir(cfg);

        assertThat(second.values()).allSatisfy(k -> assertThat(k.reused()).isTrue());
        assertThat(second.get("hk").publicKey()).isEqualTo(first.get("hk").publicKey());
        assertThat(second.get("jp").publicKey()).isEqualTo(first.get("jp").publicKey());
        assertThat(Files.readAllBytes(second.get("hk").privateKey())).isEqualTo(hkPrivate);
        assertThat(leaseHome).doesNotExist();
        assertThat(cfg.workDir().resolve("logs/orchestrator-service.log")).doesNotExist();
        assertThat(cfg.workDir().resolve("logs/" + LocalStack.HARNESS_LOG)).exists();
    }

    @Test
    void aMissingOrBrokenKeyIsGeneratedAgainAndOnlyThatOne() throws Exception {
        StackConfig cfg = cfg();
        Map<String, WorkerKeys.Key> first = LocalStack.prepareWorkDir(cfg);
        Files.writeString(first.get("jp").privateKey().resolveSibling("probe-jp.pub"), "garbage");

        Map<String, WorkerKeys.Key> second = WorkerKeys.ensure(cfg.workDir().resolve(LocalStack.KEYS_DIR),
                List.of("hk", "jp", "kr"));

        assertThat(second.get("hk").reused()).isTrue();
        assertThat(second.get("jp").reused()).isFalse();
        assertThat(second.get("jp").publicKey()).isNotEqualTo(first.get("jp").publicKey());
        assertThat(second.get("kr").reused()).isFalse();
    }

    @Test
    void theTokensFileIsOwnerOnlyAndHoldsTheUrlAndBothTokensAsShellVariables() throws Exception {
        Path file = TokensFile.write(dir, "http://127.0.0.1:8080", "op-abc", "view-def", "adm-ghi");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(TokensFile.read(file)).containsExactly(Map.entry("ORCHESTRATOR_URL", "http://127.0.0.1:8080"),
                Map.entry("OPERATOR_TOKEN", "op-abc"), Map.entry("VIEWER_TOKEN", "view-def"),
                Map.entry("ADMIN_TOKEN", "adm-ghi"));
        // a second run replaces it and it stays private
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        TokensFile.write(dir, "http://127.0.0.1:8080", "op-2", "view-2", "adm-2");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(TokensFile.read(file)).containsEntry("OPERATOR_TOKEN", "op-2");
    }
}
