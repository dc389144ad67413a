package com.maclogin.cutover.orchestrator.fleet;

/** Wave 0 is the staging wave, then the canary wave, then one wave per region in the plan's order. */
public enum WaveKind {
    STAGING, CANARY, REGION
}
