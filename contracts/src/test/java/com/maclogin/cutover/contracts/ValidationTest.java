package com.maclogin.cutover.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValidationTest {

    @ParameterizedTest
    @ValueSource(strings = {"2026.9.6", "2026.7.1-2", "1.2.3", "1.2.3-rc.1", "0.0.1"})
    void acceptsCalendarAndSemanticVersions(String v) {
        assertThat(Validation.version(v)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "latest", "2026.9", "2026.9.6;rm -rf /", "$(id)", "2026.9.6 ", "../2026.9.6",
            "2026.09.6", "2026.9.6-", "１.2.3", "2026.9.6\n", "`x`"})
    void refusesVersionsThatAreNotExactOrCouldCarryShell(String v) {
        assertThat(Validation.version(v)).isNotNull().contains("version");
    }

    @ParameterizedTest
    @ValueSource(strings = {"hk-1", "us-prod-07", "a1"})
    void acceptsLeaseIds(String v) {
        assertThat(Validation.leaseId(v)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"HK-1", "-hk", "hk_1", "hk/../1", "a", "hk 1", "hk;1"})
    void refusesLeaseIdsOutsideTheAllowList(String v) {
        assertThat(Validation.leaseId(v)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFoo", "ssh-ed25519 AAAA C3", "ssh-dss AAAAB3NzaC1kc3MAAACBAP"})
    void hostKeysMustBeOneAlgorithmAndOneBase64Body(String v) {
        assertThat(Validation.hostKey(v) == null).isEqualTo(v.equals("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFoo"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u202egnp.exe", "a\u0000b", "x\ny"})
    void reasonsEscapeControlAndBidiCharacters(String v) {
        String reason = Validation.ticketId(v);
        assertThat(reason).isNotNull().doesNotContain("\n").doesNotContain("\u0000").doesNotContain("\u202e");
    }
}
