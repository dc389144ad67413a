package com.maclogin.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the token and the URL come from, in which order (plain JUnit, files in a temp dir). */
class CredentialsTest {

    @TempDir
    Path cwd;
    Path explicit;

    @BeforeEach
    void files() throws Exception {
        Files.createDirectories(cwd.resolve(".local"));
        Files.writeString(cwd.resolve(".local/tokens.env"), """
                # written by the local stack (run-demo.sh)
                ORCHESTRATOR_URL=http://127.0.0.1:9080
                OPERATOR_TOKEN=default-operator
                VIEWER_TOKEN=default-viewer
                """);
        explicit = cwd.resolve("mine.env");
        Files.writeString(explicit, "OPERATOR_TOKEN=file-operator\nVIEWER_TOKEN=file-viewer\n");
    }

    Credentials resolve(String token, Path file, boolean viewer, String url, Map<String, String> env) throws Exception {
        return Credentials.resolve(token, file, viewer, url, env, cwd, null);
    }

    @Test
    void tokenOrderIsOptionThenEnvironmentThenTokenFileThenTheDefaultFile() throws Exception {
        Map<String, String> env = Map.of("CUTOVER_TOKEN", "from-env");
        assertThat(resolve("from-option", explicit, false, null, env).token()).isEqualTo("from-option");
        assertThat(resolve(null, explicit, false, null, env).token()).isEqualTo("from-env");
        Credentials f = resolve(null, explicit, false, null, Map.of());
        assertThat(f.token()).isEqualTo("file-operator");
        assertThat(f.tokenFrom()).contains("mine.env").contains("OPERATOR_TOKEN");
        assertThat(resolve(null, null, false, null, Map.of()).token()).isEqualTo("default-operator");
        assertThat(resolve(null, null, true, null, Map.of()).token()).isEqualTo("default-viewer");
        assertThat(resolve(null, explicit, true, null, Map.of()).token()).isEqualTo("file-viewer");
    }

    @Test
    void urlOrderIsOptionThenEnvironmentThenTheTokenFileThenLoopback8080() throws Exception {
        Map<String, String> env = Map.of("ORCHESTRATOR_URL", "http://env:1");
        assertThat(resolve(null, null, false, "http://opt:1", env).url()).isEqualTo("http://opt:1");
        assertThat(resolve(null, null, false, null, env).url()).isEqualTo("http://env:1");
        assertThat(resolve(null, null, false, null, Map.of()).url()).isEqualTo("http://127.0.0.1:9080");
        Files.delete(cwd.resolve(".local/tokens.env"));
        Credentials none = resolve(null, null, false, null, Map.of());
        assertThat(none.url()).isEqualTo("http://127.0.0.1:8080");
        assertThat(none.token()).isNull();
    }

    @Test
    void aPlainFileHoldsTheTokenAloneAndTheCheckoutsDefaultFileIsFoundFromAnotherDirectory() throws Exception {
        Path plain = cwd.resolve("token.txt");
        Files.writeString(plain, "# the ops token\n  s3cr3t-token  \n");
        assertThat(resolve(null, plain, false, null, Map.of()).token()).isEqualTo("s3cr3t-token");
        Path elsewhere = Files.createDirectories(cwd.resolve("sub/dir"));
        assertThat(Credentials.resolve(null, null, false, null, Map.of(), elsewhere, cwd).token())
                .isEqualTo("default-operator");
    }

    @Test
    void aNamedFileThatIsMissingOrLacksTheTokenIsAnErrorAndToStringNeverShowsTheToken() throws Exception {
        assertThatThrownBy(() -> resolve(null, Path.of("absent.env"), false, null, Map.of()))
                .isInstanceOf(Credentials.BadTokenFile.class).hasMessageContaining("absent.env");
        Path noViewer = cwd.resolve("op-only.env");
        Files.writeString(noViewer, "OPERATOR_TOKEN=x\n");
        assertThatThrownBy(() -> resolve(null, noViewer, true, null, Map.of()))
                .hasMessageContaining("no VIEWER_TOKEN");
        assertThat(resolve("super-secret-value", null, false, null, Map.of()).toString())
                .doesNotContain("super-secret-value").contains("--token");
    }
}
