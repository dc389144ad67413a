package com.maclogin.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The exit-code table (README "CLI"), as a table. */
class ExitCodesTest {

    @ParameterizedTest(name = "cutover {0} -> {1}")
    @CsvSource(nullValues = "null", value = {
        "GREEN, 0", "FAILED, 3", "ROLLED_BACK, 4", "ROLLBACK_FAILED, 5", "ABORTED, 6", "PAUSED, 7",
        "PENDING, null", "GATING, null", "RUNNING, null", "VALIDATING, null", "ROLLING_BACK, null"})
    void cutoverStates(String state, Integer code) {
        assertThat(ExitCodes.forCutoverState(state, false)).isEqualTo(code);
    }

    @ParameterizedTest(name = "fleet {0} -> {1}")
    @CsvSource(nullValues = "null", value = {
        "DONE, 0", "ROLLED_BACK, 4", "ABORTED, 6", "PAUSED, 7", "HALTED, 7", "RUNNING, null", "BAKING, null",
        "AWAITING_PROMOTE, null", "WAITING_WINDOW, null", "ROLLING_BACK, null"})
    void fleetStates(String state, Integer code) {
        assertThat(ExitCodes.forFleetState(state, false)).isEqualTo(code);
    }

    @Test
    void followPausedKeepsWatchingPausedAndHalted() {
        assertThat(ExitCodes.forCutoverState("PAUSED", true)).isNull();
        assertThat(ExitCodes.forFleetState("HALTED", true)).isNull();
    }

    @ParameterizedTest(name = "HTTP {0} -> {1}")
    @CsvSource({"401, 10", "403, 10", "404, 11", "400, 12", "409, 12", "422, 12", "500, 13", "503, 13", "0, 13"})
    void httpStatuses(int status, int code) {
        assertThat(ExitCodes.forHttpStatus(status)).isEqualTo(code);
    }

    @Test
    void everyOutcomeHasItsOwnCode() {
        List<Integer> codes = List.of(ExitCodes.OK, ExitCodes.INTERNAL, ExitCodes.USAGE, ExitCodes.FAILED,
                ExitCodes.ROLLED_BACK, ExitCodes.ROLLBACK_FAILED, ExitCodes.ABORTED, ExitCodes.NEEDS_OPERATOR,
                ExitCodes.TIMEOUT, ExitCodes.AUTH, ExitCodes.NOT_FOUND, ExitCodes.REFUSED, ExitCodes.UNREACHABLE);
        Set<Integer> distinct = new HashSet<>(codes);
        assertThat(distinct).hasSameSizeAs(codes);
    }
}
