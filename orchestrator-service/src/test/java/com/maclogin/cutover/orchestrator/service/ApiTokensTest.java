package com.maclogin.cutover.orchestrator.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiTokensTest {

    static String hex(String token) {
        return HexFormat.of().formatHex(ApiTokens.sha256(token));
    }

    @Test
    void fileLinesAreRoleNameAndTheTokensSha256() {
        List<ApiTokens.Entry> e = ApiTokens.parseFile(List.of("# comment", "", "operator ada " + hex("s3cret-token-0000001"),
                "  VIEWER   victor   " + hex("another-token-00000002").toUpperCase()));
        assertThat(e).extracting(ApiTokens.Entry::role, ApiTokens.Entry::name).containsExactly(
                org.assertj.core.groups.Tuple.tuple(ApiTokens.Role.OPERATOR, "ada"),
                org.assertj.core.groups.Tuple.tuple(ApiTokens.Role.VIEWER, "victor"));
        assertThat(e.get(0).hash()).isEqualTo(ApiTokens.sha256("s3cret-token-0000001"));
    }

    @Test
    void badFileLinesStopTheStartNamingTheLine() {
        assertThatThrownBy(() -> ApiTokens.parseFile(List.of("operator ada s3cret")))
                .hasMessageContaining("line 1").hasMessageContaining("SHA-256");
        assertThatThrownBy(() -> ApiTokens.parseFile(List.of("root ada " + hex("x"))))
                .hasMessageContaining("unknown role 'root'");
        assertThatThrownBy(() -> ApiTokens.parseFile(List.of("operator")))
                .hasMessageContaining("<role> <name>");
    }

    @Test
    void environmentEntriesAreRoleNameTokenAndTokensAreNeverShort() {
        List<ApiTokens.Entry> e = ApiTokens.parseEnv("operator:demo:demo-operator-token-123, viewer:board:board-token-with:colon");
        assertThat(e).extracting(ApiTokens.Entry::name).containsExactly("demo", "board");
        assertThat(e.get(1).hash()).isEqualTo(ApiTokens.sha256("board-token-with:colon"));
        assertThatThrownBy(() -> ApiTokens.parseEnv("operator:demo:short"))
                .hasMessageContaining("at least 16").hasMessageNotContaining("short");
        assertThatThrownBy(() -> ApiTokens.parseEnv("operator:demo")).hasMessageContaining("role:name:token");
        assertThatThrownBy(() -> ApiTokens.parseEnv("operator:bad name:0123456789abcdef0")).hasMessageContaining("name");
    }
}
