package com.maclogin.cutover.probe.lease;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.StepKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LedgerAndRedactionTest {

    @Test
    void ledgerLineRoundTripsAndIsOneShellSafeLine() {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("newPlistSha256", "a".repeat(64));
        facts.put("odd", "it's \"quoted\"\nand multi-line");
        LedgerEntry e = new LedgerEntry("c-1:FLIP_PLIST:1", 3, StepKind.FLIP_PLIST, "m-1", "already applied", facts);

        String line = e.toLine();

        assertThat(line).doesNotContain("\n", "'", "\"");
        assertThat(LedgerEntry.parseAll("garbage\n" + line + "\nv1 torn")).containsExactly(e);
    }

    @Test
    void tornOrForeignLinesAreSkipped() {
        assertThat(LedgerEntry.parseAll("v1 k 1 NOT_A_KIND m eyJ9\nv1 k x FREEZE m eyJ9\n\n")).isEmpty();
        assertThat(LedgerEntry.parseAll(null)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "OPENCLAW_GATEWAY_TOKEN=abc123def|OPENCLAW_GATEWAY_TOKEN=[redacted]",
            "export HOOKS_TOKEN='s3cr3t value'|export HOOKS_TOKEN=[redacted]",
            "\"password\": \"hunter2\"|\"password\": [redacted]",
            "Authorization: Bearer eyJhbGciOi.x.y|Authorization: Bearer [redacted]",
            "//registry.npmjs.org/:_authToken=npm_abc|//registry.npmjs.org/:_authToken=[redacted]",
            "version 2026.9.6 ready on port 18789|version 2026.9.6 ready on port 18789"})
    void secretsAreMaskedAndOrdinaryOutputIsKept(String in, String out) {
        assertThat(Redaction.redact(in)).isEqualTo(out);
    }

    @Test
    void privateKeyBlocksAreMasked() {
        String key = "before\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"
                + "-----END OPENSSH PRIVATE KEY-----\nafter";
        assertThat(Redaction.redact(key)).isEqualTo("before\n[redacted private key]\nafter");
        assertThat(List.of(Redaction.redact(""), String.valueOf(Redaction.redact(null)))).containsExactly("", "null");
    }
}
