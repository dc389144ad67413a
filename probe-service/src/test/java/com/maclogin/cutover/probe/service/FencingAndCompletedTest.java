package com.maclogin.cutover.probe.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class FencingAndCompletedTest {

    @Test
    void lowerEpochOfTheSameCutoverIsStaleEqualAndHigherAreAccepted() {
        FencingRegistry f = new FencingRegistry();
        assertThat(f.observe("hk-1", "c-1", 1)).isEmpty();
        assertThat(f.observe("hk-1", "c-1", 1)).isEmpty();
        assertThat(f.observe("hk-1", "c-1", 2)).isEmpty();
        assertThat(f.observe("hk-1", "c-1", 1)).isEqualTo(OptionalLong.of(2));
        // another cutover counts its own epochs; another lease is unaffected
        assertThat(f.observe("hk-1", "c-2", 0)).isEmpty();
        assertThat(f.observe("hk-2", "c-1", 0)).isEmpty();
    }

    @Test
    void completedStepsAreBoundedOldestFirst() {
        CompletedSteps c = new CompletedSteps(2);
        c.put("hk-1", "a", null);
        c.put("hk-1", "b", null);
        c.put("hk-1", "c", null);
        assertThat(c.size()).isEqualTo(2);
    }
}
