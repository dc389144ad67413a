package com.maclogin.cutover.deploy.workers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LaunchDaemon's wrapper (deploy/launchd/probe-worker), run for real with a stand-in for java that prints what it
 * was given: it reads the 0600 environment file without running it as shell, refuses a file others can read, and
 * never prints a value.
 */
class ProbeWorkerWrapperTest {

    static final String WRAPPER = Repo.ROOT.resolve("deploy/launchd/probe-worker").toString();
    static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"probe-hk\""
            + " password=\"p@ss word;$(touch /tmp/pwned)\";";

    @TempDir
    Path tmp;
    Path java;
    Path jar;
    Path env;

    @BeforeEach
    void files() throws Exception {
        java = tmp.resolve("java");
        Files.writeString(java, "#!/bin/sh\nprintf 'ARGS=%s\\n' \"$*\"\nprintf 'JAAS=%s\\n' \"$KAFKA_SASL_JAAS_CONFIG\"\n"
                + "printf 'REGION=%s\\n' \"$PROBE_REGION\"\nprintf 'PORT=%s\\n' \"$QUARKUS_HTTP_PORT\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        jar = tmp.resolve("quarkus-run.jar");
        Files.writeString(jar, "");
        env = tmp.resolve("worker.env");
    }

    private Repo.Run wrapper(String envText, String mode) throws Exception {
        Files.writeString(env, envText);
        Files.setPosixFilePermissions(env, PosixFilePermissions.fromString(mode));
        return Repo.run(tmp, List.of("sh", WRAPPER, env.toString(), jar.toString()), "JAVA", java.toString(),
                "PROBE_REGION", "hk");
    }

    @Test
    void theEnvironmentFileIsReadAsDataAndTheWorkerStartsWithItsValuesAndTheJar() throws Exception {
        Repo.Run run = wrapper("# Kafka\n\nKAFKA_SASL_JAAS_CONFIG='" + JAAS + "'\nQUARKUS_HTTP_PORT=\"8082\"\n"
                + "JAVA_OPTS=-Xmx128m\n", "rw-------");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("JAAS=" + JAAS + "\n", "REGION=hk\n", "PORT=8082\n",
                "ARGS=-Xmx128m -jar " + jar + "\n");
        assertThat(Path.of("/tmp/pwned")).as("nothing in the file is run as shell").doesNotExist();
    }

    @Test
    void anEnvironmentFileOthersCanReadIsRefusedWithoutStartingTheWorker() throws Exception {
        Repo.Run run = wrapper("KAFKA_SASL_JAAS_CONFIG='" + JAAS + "'\n", "rw-r--r--");
        assertThat(run.exit()).isEqualTo(78);
        assertThat(run.err()).contains("has mode 644; it holds secrets and must be 0600");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aLineThatIsNotKeyValueIsReportedByItsNumberNeverByItsContent() throws Exception {
        Repo.Run run = wrapper("QUARKUS_HTTP_PORT=8081\nexport password=hunter2\n", "rw-------");
        assertThat(run.exit()).isEqualTo(78);
        assertThat(run.err()).contains("line 2 is not KEY=VALUE").doesNotContain("hunter2");
        assertThat(run.out()).isEmpty();
    }
}
