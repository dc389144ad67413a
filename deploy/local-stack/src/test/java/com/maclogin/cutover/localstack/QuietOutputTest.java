package com.maclogin.cutover.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * run-demo.sh's JVM logs its libraries (embedded PostgreSQL, the Kafka admin client; slf4j-simple, which prints to
 * stderr by default) into {@code logs/local-stack.log}, so its terminal shows only progress lines.
 */
class QuietOutputTest {

    @TempDir
    Path dir;

    @Test
    void libraryLogLinesOfTheHarnessJvmGoToLocalStackLogAndNotToTheTerminal() throws Exception {
        Path logs = dir.resolve("logs");
        String cp = System.getProperty("java.class.path");
        Process p = new ProcessBuilder(ManagedProcess.javaBinary(), "-cp", cp, QuietLoggingProbe.class.getName(),
                logs.toString()).redirectOutput(dir.resolve("stdout").toFile())
                .redirectError(dir.resolve("stderr").toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();

        assertThat(Files.readString(dir.resolve("stdout"))).isEqualTo("progress line\n");
        assertThat(Files.readString(dir.resolve("stderr"))).isEmpty();
        List<String> log = Files.readAllLines(logs.resolve(LocalStack.HARNESS_LOG));
        assertThat(log).hasSize(3);
        assertThat(String.join("\n", log)).contains("INFO org.apache.kafka.clients.admin.AdminClientConfig",
                "pg-out: database system is ready", "WARN org.apache.kafka.common.utils.AppInfoParser");
    }
}
