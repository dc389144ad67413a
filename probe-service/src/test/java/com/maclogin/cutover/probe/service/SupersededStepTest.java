package com.maclogin.cutover.probe.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepKind;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Unit test (no SSH, no Quarkus): a newer epoch of the same cutover stops a running step at its next pause. */
class SupersededStepTest {

    private static RunStep validate(String cutover, long epoch) {
        return new RunStep("m-" + epoch, cutover, "hk-1", Instant.now(), CutoverMessage.SCHEMA_VERSION, epoch,
                StepKind.VALIDATE, 1, cutover + ":VALIDATE:" + epoch, "cutover.step-results", null, null,
                Instant.now().plusSeconds(600));
    }

    @Test
    void aPauseInsideAValidationWindowStopsWithinASliceOnceARollbackOfANewerEpochIsAnnounced() throws Exception {
        FencingRegistry fencing = new FencingRegistry();
        fencing.observe("hk-1", "c1", 1);
        StepContext ctx = new StepContext(validate("c1", 1), Instant.now().plusSeconds(600), null, null);
        ctx.newestEpoch(() -> fencing.highest("hk-1", "c1"));

        long t0 = System.nanoTime();
        CompletableFuture<Throwable> window = CompletableFuture.supplyAsync(() -> {
            try {
                ctx.pause(Duration.ofMinutes(15)); // the playbook's window
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        });
        Thread.sleep(300);
        assertThat(window).isNotDone();
        fencing.observe("hk-1", "c1", 2); // the RESTORE of epoch 2 arrives

        Throwable stopped = window.get(5, TimeUnit.SECONDS);
        assertThat(stopped).isInstanceOf(StepRefusedException.class)
                .hasMessage("superseded: a command of epoch 2 arrived while this epoch-1 step ran; stopped");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void theSameEpochOrAnotherCutoverDoesNotStopTheStep() {
        FencingRegistry fencing = new FencingRegistry();
        fencing.observe("hk-1", "c1", 2);
        fencing.observe("hk-1", "c2", 7);
        StepContext ctx = new StepContext(validate("c1", 2), Instant.now().plusSeconds(600), null, null);
        ctx.newestEpoch(() -> fencing.highest("hk-1", "c1"));

        ctx.checkSuperseded();
        ctx.pause(Duration.ofMillis(250));
        assertThat(fencing.highest("hk-1", "c1")).isEqualTo(2);
        assertThat(fencing.highest("hk-1", "unknown")).isEqualTo(-1);
        assertThatThrownBy(() -> {
            fencing.observe("hk-1", "c1", 3);
            ctx.checkSuperseded();
        }).isInstanceOf(StepRefusedException.class);
    }
}
