package com.maclogin.cutover.orchestrator.saga;

import java.util.Map;

/** The verdict of one inventory gate, with the facts it used (stored as evidence and in the audit trail). */
public record GateVerdict(String gate, Verdict verdict, String reason, Map<String, String> evidence) {

    public enum Verdict { PASSED, FAILED }

    public boolean passed() {
        return verdict == Verdict.PASSED;
    }

    static GateVerdict pass(String gate, String reason, Map<String, String> evidence) {
        return new GateVerdict(gate, Verdict.PASSED, reason, evidence);
    }

    static GateVerdict fail(String gate, String reason, Map<String, String> evidence) {
        return new GateVerdict(gate, Verdict.FAILED, reason, evidence);
    }
}
