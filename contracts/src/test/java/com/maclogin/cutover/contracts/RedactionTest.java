package com.maclogin.cutover.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Each secret shape the redaction knows is masked; ordinary lease output that looks a bit like one survives. */
class RedactionTest {

    static final String TOK = "tok-7f3a9c2e1b4d";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            // name=value, name: value, export (today's shapes)
            "OPENCLAW_GATEWAY_TOKEN=abc123def|OPENCLAW_GATEWAY_TOKEN=[redacted]",
            "export HOOKS_TOKEN='s3cr3t value'|export HOOKS_TOKEN='[redacted]'",
            "db_password: hunter22|db_password: [redacted]",
            "//registry.npmjs.org/:_authToken=npm_abc|//registry.npmjs.org/:_authToken=[redacted]",
            "x-openclaw-token: abc123|x-openclaw-token: [redacted]",
            // JSON
            "\"password\": \"hunter2\"|\"password\": \"[redacted]\"",
            "{\"gateway\":{\"auth\":{\"mode\":\"token\",\"token\":\"" + TOK + "\"}}}|{\"gateway\":{\"auth\":{\"mode\":\"token\",\"token\":\"[redacted]\"}}}",
            // launchctl print's environment block
            "\t\tOPENCLAW_GATEWAY_TOKEN => " + TOK + "|\t\tOPENCLAW_GATEWAY_TOKEN => [redacted]",
            "\t\tSLACK_SIGNING_SECRET => a b c|\t\tSLACK_SIGNING_SECRET => [redacted]",
            "\t\tANTHROPIC_API_KEY => whatever-it-is|\t\tANTHROPIC_API_KEY => [redacted]",
            // plist XML
            "<key>OPENCLAW_GATEWAY_TOKEN</key>\\n\t\t<string>" + TOK + "</string>|<key>OPENCLAW_GATEWAY_TOKEN</key>\\n\t\t<string>[redacted]</string>",
            "<key>DB_PASSWORD</key><string>p@ss</string>|<key>DB_PASSWORD</key><string>[redacted]</string>",
            "-\t<key>OPENAI_KEY</key>\\n-\t<string>abcdefgh</string>|-\t<key>OPENAI_KEY</key>\\n-\t<string>[redacted]</string>",
            // flags
            "openclaw login --token " + TOK + " --port 1|openclaw login --token [redacted] --port 1",
            "openclaw login --token=" + TOK + "|openclaw login --token=[redacted]",
            "tool --api-key 'k e y' -v|tool --api-key '[redacted]' -v",
            "tool --client-secret=\"s\"|tool --client-secret=\"[redacted]\"",
            // Authorization headers
            "Authorization: Bearer eyJhbGciOi.x.y|Authorization: Bearer [redacted]",
            "authorization: Basic dXNlcjpwYXNzd29yZA==|authorization: Basic [redacted]",
            "curl -H 'Authorization: token ghx123456' u|curl -H 'Authorization: token [redacted]' u",
            "Proxy-Authorization: Digest abcdef|Proxy-Authorization: Digest [redacted]",
            // bare provider shapes
            "slack said xoxb-123456789012-abcdefABCDEF1234 ok|slack said [redacted] ok",
            "user xoxp-1111-2222-3333-aaaaaaaaaaaa|user [redacted]",
            "key sk-proj-abcdefghijklmnopqrstuvwxyz012345 used|key [redacted] used",
            "key sk-ant-api03-abcdefghijklmnopqrstuvwxyz-_0123456789|key [redacted]",
            "gh ghp_abcdefghijklmnopqrstuvwxyz0123456789 x|gh [redacted] x",
            "gh github_pat_11ABCDEFG0abcdefghij_klmnopqrstuvwxyz0123456789|gh [redacted]",
            "bot 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0 sent|bot [redacted] sent",
            "aws AKIAIOSFODNN7EXAMPLE key|aws [redacted] key",
            "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U end|jwt [redacted] end",
            "npm npm_abcdefghijklmnopqrstuvwxyz0123456789 x|npm [redacted] x"})
    void eachSecretShapeIsMasked(String rawIn, String rawOut) {
        String in = rawIn.replace("\\n", "\n");
        String out = rawOut.replace("\\n", "\n");
        assertThat(Redaction.redact(in)).isEqualTo(out);
        assertThat(Redaction.redact(out)).as("idempotent").isEqualTo(out);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "version 2026.9.6 ready on port 18789",
            "sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08  state.tgz",
            "plistSha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "/Users/openclaw/.openclaw-cutover/c-1/state.tgz",
            "node --max-old-space-size=4096 /Users/o/.npm-global/lib/node_modules/openclaw/dist/index.js gateway --port 18789",
            "hostKey: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx",
            "openclaw --token-file /Users/o/.openclaw/token.txt",
            "risk-assessment-for-the-whole-fleet-of-leases and desk-reservation-system-credentials-page",
            "https://hooks.example.com:8443/path?x=1",
            "\t\tPATH => /usr/bin:/bin:/usr/sbin:/sbin",
            "\t\"ai.openclaw.gateway\" => disabled",
            "<key>ProgramArguments</key>\n\t<array>\n\t\t<string>/bin/sh</string>",
            "<key>KeepAlive</key><string>true</string>",
            "read hooks.token from ~/.openclaw/openclaw.json (value not recorded): present",
            "\"mode\": \"token\"",
            "last exit code = 78: EX_CONFIG",
            "openclaw-probe ALL=(openclaw) NOPASSWD: /bin/launchctl print gui/501/ai.openclaw.gateway",
            "sudo: a password is required (exit 1)",
            "cutover 4a6f0e2c-8b1d-4b53-9d0a-1c2e3f405162 step FLIP_PLIST attempt 2",
            "npm notice integrity: sha512-Ab+/cDeF12==  shasum: 0123456789abcdef0123456789abcdef01234567"})
    void ordinaryOutputSurvives(String text) {
        assertThat(Redaction.redact(text)).isEqualTo(text);
    }

    @Test
    void aLongJsonStringIsReadWithoutOverflowingTheStackAndItsSecretIsMasked() {
        // a real gateway's JSON carried a string of a few kilobytes: the old (?:[^"\\]|\\.)* overflowed the stack
        String longText = "x\\\"y ".repeat(40_000);
        String json = "{\"description\": \"" + longText + "\", \"token\": \"" + "s".repeat(200_000) + "\"}";
        String out = Redaction.redact(json);
        assertThat(out).contains("\"description\": \"" + longText + "\"").doesNotContain("sssssssss")
                .contains("\"token\": \"[redacted]\"");
    }

    @Test
    void aLaunchctlPrintEnvironmentBlockLosesOnlyItsSecrets() {
        String print = """
                gui/501/ai.openclaw.gateway = {
                \tstate = running
                \tenvironment = {
                \t\tHOME => /Users/openclaw
                \t\tOPENCLAW_GATEWAY_TOKEN => %s
                \t\tOPENCLAW_GATEWAY_PORT => 18789
                \t}
                \tpid = 4242
                }""".formatted(TOK);
        String out = Redaction.redact(print);
        assertThat(out).doesNotContain(TOK).contains("OPENCLAW_GATEWAY_TOKEN => [redacted]", "HOME => /Users/openclaw",
                "OPENCLAW_GATEWAY_PORT => 18789", "state = running", "pid = 4242");
    }

    @Test
    void aRememberingInstanceMasksAValueItOnceSawUnderASecretNameWhereverItAppearsBare() {
        Redaction r = Redaction.remembering(List.of());
        assertThat(r.apply("<key>OPENCLAW_GATEWAY_TOKEN</key><string>" + TOK + "</string>")).doesNotContain(TOK);
        assertThat(r.apply("gateway auth rejected " + TOK + " (bad token)"))
                .isEqualTo("gateway auth rejected [redacted] (bad token)");
        assertThat(r.known()).containsExactly(TOK);
        // the static, pattern-only redaction has no memory
        assertThat(Redaction.redact("rejected " + TOK)).contains(TOK);
    }

    @Test
    void toldSecretsAreMaskedAndShortOnesAreNotRemembered() {
        Redaction r = Redaction.remembering(List.of("hooks-secret-123", "short"));
        assertThat(r.apply("wake with hooks-secret-123 and short")).isEqualTo("wake with [redacted] and short");
        assertThat(r.apply("DB_PASSWORD=abc")).isEqualTo("DB_PASSWORD=[redacted]");
        assertThat(r.known()).containsExactly("hooks-secret-123");
    }

    @Test
    void evidenceLosesSecretsInItsCommandAndOutput() {
        Redaction r = Redaction.remembering(List.of());
        Evidence e = Evidence.of("write candidate plist", "printf '%s' '<key>X_TOKEN</key><string>" + TOK
                + "</string>' > p.candidate", 0, "--- a\n+++ b\n " + TOK);
        Evidence out = r.apply(e);
        assertThat(out.command() + out.output()).doesNotContain(TOK);
        assertThat(out.name()).isEqualTo(e.name());
        Evidence plain = Evidence.of("id -u", "id -u", 0, "501");
        assertThat(r.apply(plain)).isSameAs(plain);
    }

    @Test
    void reasonsAreMaskedAndCutWithAMarker() {
        String longReason = "stack trace in the gateway log: Bearer abcdefgh " + "x".repeat(600);
        String out = Redaction.reason(longReason);
        assertThat(out).startsWith("stack trace in the gateway log: Bearer [redacted] ")
                .endsWith("… [truncated " + (longReason.length() - "abcdefgh".length() + Redaction.MARK.length()
                        - Redaction.MAX_REASON) + " chars]");
        assertThat(out.length()).isLessThan(Redaction.MAX_REASON + 30);
        assertThat(Redaction.reason("short")).isEqualTo("short");
        assertThat(Redaction.reason(null)).isNull();
    }

    @Test
    void privateKeyBlocksAreMasked() {
        String key = "before\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"
                + "-----END OPENSSH PRIVATE KEY-----\nafter";
        assertThat(Redaction.redact(key)).isEqualTo("before\n[redacted private key]\nafter");
        assertThat(List.of(Redaction.redact(""), String.valueOf(Redaction.redact(null)))).containsExactly("", "null");
    }

    @Test
    void secretNamesAreRecognisedAndFilePathHashAndPublicKeyNamesAreNot() {
        assertThat(List.of("OPENCLAW_GATEWAY_TOKEN", "hooksToken", "--api-key", "DB_PASSWORD", "client_secret",
                "AWS_SECRET_ACCESS_KEY", "OPENAI_KEY", "_auth", "passphrase", "GOOGLE_APPLICATION_CREDENTIALS_JSON"))
                .allMatch(Redaction::secretName);
        assertThat(List.of("tokenFile", "TOKEN_PATH", "hostKey", "public_key", "plistSha256", "KeepAlive", "monkey",
                "PATH", "port", "tokenType")).noneMatch(Redaction::secretName);
    }
}
