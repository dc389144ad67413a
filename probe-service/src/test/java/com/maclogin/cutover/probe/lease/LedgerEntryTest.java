package com.maclogin.cutover.probe.lease;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.StepKind;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lease ledger line format (the redaction tests moved to contracts' RedactionTest). */
class LedgerEntryTest {

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
}
