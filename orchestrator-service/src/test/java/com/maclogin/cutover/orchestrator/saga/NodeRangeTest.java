package com.maclogin.cutover.orchestrator.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NodeRangeTest {

    @ParameterizedTest(name = "''{0}'' with {1} -> {2}")
    @CsvSource(delimiter = ';', value = {
            ">=22.12.0                     ; v22.12.0 ; true",
            ">=22.12.0                     ; v22.11.9 ; false",
            ">=22.12.0                     ; 24.0.0   ; true",
            ">=20.19.0 <21 || >=22.12.0    ; v20.19.0 ; true",
            ">=20.19.0 <21 || >=22.12.0    ; v20.18.3 ; false",
            ">=20.19.0 <21 || >=22.12.0    ; v21.7.0  ; false",
            ">=20.19.0 <21 || >=22.12.0    ; v22.11.0 ; false",
            ">=20.19.0 <21 || >=22.12.0    ; v22.12.0 ; true",
            ">=18 <19 || >=20              ; v18.20.4 ; true",
            ">=18 <19 || >=20              ; v19.9.0  ; false",
            ">=18 <19 || >=20              ; v20.0.0  ; true",
            ">= 22.12.0                    ; v22.12.1 ; true",
            "^20.19.0 || ^22.12.0          ; v22.20.0 ; true",
            "^20.19.0 || ^22.12.0          ; v23.0.0  ; false",
            "^0.4.2                        ; v0.4.9   ; true",
            "^0.4.2                        ; v0.5.0   ; false",
            "~22.12                        ; v22.12.9 ; true",
            "~22.12                        ; v22.13.0 ; false",
            "22.x                          ; v22.0.0  ; true",
            "22.x                          ; v23.0.0  ; false",
            "22                            ; v22.99.1 ; true",
            "*                             ; v16.0.0  ; true",
            "20.0.0 - 22.12                ; v22.12.5 ; true",
            "20.0.0 - 22.12                ; v22.13.0 ; false",
            ">22                           ; v22.99.0 ; false",
            ">22                           ; v23.0.0  ; true",
            "<=22.12                       ; v22.12.9 ; true",
            "<=22.12                       ; v22.13.0 ; false",
            "=22.12.0                      ; v22.12.0 ; true",
            "<22.12.0                      ; v22.11.0 ; true",
    })
    void matchesNpmRangesAsNpmDoes(String range, String version, boolean expected) {
        assertThat(NodeRange.parse(range).satisfiedBy(version)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {">=22.12.0; rm -rf /", "node >= 22", ">=abc", "=>22", "22.12.0.1", "|| >=x.y.z.w"})
    void refusesWhatItDoesNotUnderstand(String range) {
        assertThatThrownBy(() -> NodeRange.parse(range)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v22", "twenty-two", ""})
    void refusesVersionsThatAreNotFull(String version) {
        assertThatThrownBy(() -> NodeRange.parse(">=20").satisfiedBy(version)).isInstanceOf(IllegalArgumentException.class);
    }
}
