package com.maclogin.cutover.rollback.saga;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.RollbackPurpose;
import com.maclogin.cutover.contracts.RollbackRequested;
import com.maclogin.cutover.contracts.ThresholdBreached;
import com.maclogin.cutover.contracts.TriggerAction;
import com.maclogin.cutover.contracts.TriggerKind;
import com.maclogin.cutover.rollback.CutoverRecord;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** {@link RecordCheck} and the future-epoch result rule as tables: plain JUnit, no container. */
class RecordCheckTest {

    static final LeaseTarget TARGET = new LeaseTarget(Region.HK, "10.0.0.7", 22, "gw", "ssh-ed25519 AAAA", 18789);

    static CutoverRecord record() {
        return RecordCheck.arm(null, RollbackRequested.builder().cutoverId("c").leaseId("hk-1").epoch(3)
                .requestedBy("orchestrator").target(TARGET).ticketId("CHG-1").previousVersion("2026.9.5")
                .candidateVersion("2026.9.6").rollbackOwner("ada")
                .expectedSha256(Map.of("plist", "p1", "package", "k1", "state", "s1"))
                .purpose(RollbackPurpose.ARM).build(), Instant.EPOCH);
    }

    @ParameterizedTest(name = "lease {0}, epoch {1}, previous {2}, candidate {3}, state hash {4} -> {5}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            // lease | epoch | previous  | candidate | state | why ignored
            "hk-1    | 3     | 2026.9.5  | 2026.9.6  | s1    | -",
            "hk-1    | 1     | -         | -         | -     | -",
            "hk-2    | 3     | 2026.9.5  | 2026.9.6  | s1    | lease hk-2 contradicts the record (hk-1): ignored",
            "hk-1    | 4     | 2026.9.5  | 2026.9.6  | s1    | future epoch 4 > 3 (the cutover's epoch as armed): ignored",
            "hk-1    | 3     | 2020.1.1  | 2026.9.6  | s1    | previous version 2020.1.1 contradicts the record (2026.9.5): ignored",
            "hk-1    | 3     | 2026.9.5  | 2027.1.1  | s1    | candidate version 2027.1.1 contradicts the record (2026.9.6): ignored",
            "hk-1    | 3     | 2026.9.5  | 2026.9.6  | sX    | state sha256 sX contradicts the record (s1): ignored",
    })
    void aBreachIsIgnoredExactlyWhenAFieldItCarriesContradictsTheRecord(String lease, long epoch, String previous,
            String candidate, String state, String expected) {
        Map<String, String> hashes = new HashMap<>();
        if (state != null) {
            hashes.put("state", state);
        }
        ThresholdBreached b = ThresholdBreached.builder().cutoverId("c").leaseId(lease).epoch(epoch)
                .trigger(TriggerKind.CRASH_LOOP).action(TriggerAction.ROLLBACK).previousVersion(previous)
                .candidateVersion(candidate).expectedSha256(hashes).build();
        assertThat(RecordCheck.contradiction(record(), 3, b)).isEqualTo(expected);
    }

    @Test
    void aBreachThatPassesIsRebuiltFromTheRecordAndKeepsOnlyItsOwnTriggerEpochAndNumbers() {
        LeaseTarget forged = new LeaseTarget(Region.JP, "6.6.6.6", 22, "root", "ssh-ed25519 BBBB", 1);
        ThresholdBreached b = ThresholdBreached.builder().cutoverId("c").leaseId("hk-1").epoch(3)
                .trigger(TriggerKind.DISK).action(TriggerAction.ROLLBACK).numbers(Map.of("free", "2"))
                .target(forged).ticketId("CHG-666").rollbackOwner("mallory").expectedSha256(Map.of()).build();
        ThresholdBreached believed = RecordCheck.fromRecord(record(), b);
        assertThat(believed.target()).isEqualTo(TARGET);
        assertThat(believed.ticketId()).isEqualTo("CHG-1");
        assertThat(believed.rollbackOwner()).isEqualTo("ada");
        assertThat(believed.previousVersion()).isEqualTo("2026.9.5");
        assertThat(believed.expectedSha256()).containsExactlyInAnyOrderEntriesOf(
                Map.of("plist", "p1", "package", "k1", "state", "s1"));
        assertThat(believed.trigger()).isEqualTo(TriggerKind.DISK);
        assertThat(believed.epoch()).isEqualTo(3);
        assertThat(believed.numbers()).containsEntry("free", "2");
    }

    @Test
    void reArmingNeverLowersTheEpoch() {
        CutoverRecord r = record();
        RollbackRequested older = RollbackRequested.builder().cutoverId("c").leaseId("hk-1").epoch(2)
                .target(TARGET).purpose(RollbackPurpose.ARM).build();
        assertThat(RecordCheck.arm(r, older, Instant.EPOCH).epoch).isEqualTo(3);
    }

    @ParameterizedTest(name = "result epoch {0} at rollback epoch 5 -> {1}")
    @CsvSource(delimiter = '|', value = {
            "6  | result for future epoch 6 refused, rollback is at epoch 5",
            "4  | result for epoch 4 ignored, rollback is at epoch 5",
    })
    void aResultOfAnotherEpochThanTheRollbacksIsIgnoredAndAFutureOneSaysSo(long epoch, String expected) {
        assertThat(RollbackRules.mismatch(5, "k", epoch, "k")).isEqualTo(expected);
    }
}
