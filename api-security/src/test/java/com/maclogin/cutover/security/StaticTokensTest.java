package com.maclogin.cutover.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class StaticTokensTest {

    static String hex(String token) {
        return HexFormat.of().formatHex(StaticTokens.sha256(token));
    }

    @Test
    void fileLinesAreRoleNameAndTheTokensSha256() {
        List<StaticTokens.Entry> e = StaticTokens.parseFile(List.of("# comment", "", "operator ada " + hex("s3cret-token-0000001"),
                "  VIEWER   victor   " + hex("another-token-00000002").toUpperCase()));
        assertThat(e).extracting(StaticTokens.Entry::role, StaticTokens.Entry::name).containsExactly(
                org.assertj.core.groups.Tuple.tuple("operator", "ada"),
                org.assertj.core.groups.Tuple.tuple("viewer", "victor"));
        assertThat(e.get(0).hash()).isEqualTo(StaticTokens.sha256("s3cret-token-0000001"));
    }

    @Test
    void badFileLinesStopTheStartNamingTheLine() {
        assertThatThrownBy(() -> StaticTokens.parseFile(List.of("operator ada s3cret")))
                .hasMessageContaining("line 1").hasMessageContaining("SHA-256");
        assertThatThrownBy(() -> StaticTokens.parseFile(List.of("root ada " + hex("x"))))
                .hasMessageContaining("unknown role 'root'");
        assertThatThrownBy(() -> StaticTokens.parseFile(List.of("operator")))
                .hasMessageContaining("<role> <name>");
    }

    @Test
    void environmentEntriesAreRoleNameTokenAndTokensAreNeverShort() {
        List<StaticTokens.Entry> e = StaticTokens.parseEnv("operator:demo:demo-operator-token-123, viewer:board:board-token-with:colon, ADMIN:root:root-admin-token-0001");
        assertThat(e).extracting(StaticTokens.Entry::name).containsExactly("demo", "board", "root");
        assertThat(e).extracting(StaticTokens.Entry::role).containsExactly("operator", "viewer", "admin");
        assertThat(e.get(1).hash()).isEqualTo(StaticTokens.sha256("board-token-with:colon"));
        assertThatThrownBy(() -> StaticTokens.parseEnv("operator:demo:short"))
                .hasMessageContaining("at least 16").hasMessageNotContaining("short");
        assertThatThrownBy(() -> StaticTokens.parseEnv("operator:demo")).hasMessageContaining("role:name:token");
        assertThatThrownBy(() -> StaticTokens.parseEnv("operator:bad name:0123456789abcdef0")).hasMessageContaining("name");
    }

    @Test
    void eachRoleIncludesTheOnesBelowIt() {
        assertThat(Roles.implied("admin")).containsExactlyInAnyOrder("admin", "operator", "viewer");
        assertThat(Roles.implied("operator")).containsExactlyInAnyOrder("operator", "viewer");
        assertThat(Roles.implied("viewer")).containsExactly("viewer");
        assertThat(Roles.highest(java.util.Set.of("viewer", "operator"))).isEqualTo("operator");
        assertThat(Roles.highest(java.util.Set.of("staff"))).isNull();
    }
}
