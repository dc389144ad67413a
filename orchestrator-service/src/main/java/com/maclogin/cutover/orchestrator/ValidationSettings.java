package com.maclogin.cutover.orchestrator;

import com.maclogin.cutover.contracts.TriggerAction;
import com.maclogin.cutover.contracts.TriggerKind;
import com.maclogin.cutover.contracts.TriggerThresholds;
import java.util.Map;

/**
 * A cutover's resolved validation settings (window, probe interval, restart drill, thresholds, action per trigger),
 * stored on the cutover as JSON and shown in its view.
 */
public record ValidationSettings(int windowSeconds, int intervalMillis, Integer restartDrillAtSecond,
        TriggerThresholds thresholds, Map<TriggerKind, TriggerAction> actions) {
}
