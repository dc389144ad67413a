package com.maclogin.cutover.probe.trigger;

import com.maclogin.cutover.contracts.TriggerKind;
import com.maclogin.cutover.contracts.Verdict;
import java.util.Map;

/**
 * A rule's verdict over the window so far, with the numbers that decided it. {@code FAILED} means the trigger
 * tripped; {@code INCONCLUSIVE} means too few samples; {@code observed} and {@code threshold} are the human sentences
 * of a {@code ThresholdBreached}.
 */
public record TriggerEvaluation(TriggerKind trigger, Verdict verdict, String observed, String threshold,
        Map<String, String> numbers) {

    public boolean tripped() {
        return verdict == Verdict.FAILED;
    }
}
