package com.maclogin.cutover.probe.service;

import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.probe.client.CommandResult;
import com.maclogin.cutover.probe.lease.HooksToken;
import java.time.Duration;
import java.util.Optional;

/** Reads secrets on the lease without letting them into evidence, facts or logs. */
final class LeaseSecrets {

    private LeaseSecrets() {
    }

    /**
     * The gateway's {@code hooks.token}, read on the lease. Only "present"/"absent" becomes evidence; the file (which
     * also holds the gateway token) is never recorded.
     */
    static Optional<String> hooksToken(StepContext ctx) {
        Optional<String> token = Optional.empty();
        Integer exit = null;
        try {
            CommandResult r = ctx.execReading(ctx.target(), "hooks token", HooksToken.READ_SCRIPT, bounded(ctx,
                    ctx.config().validate().probeTimeout()));
            exit = r.exitCode();
            if (r.ok()) {
                token = HooksToken.parse(r.stdout());
            }
        } catch (Exception e) {
            // unreadable: the INTEGRATION layer reports ERROR every round
        }
        // told to the step's redaction: a probe answer or log line that echoes it is masked like a named secret
        token.ifPresent(ctx.redaction()::remember);
        ctx.addEvidence(Evidence.of("hooks token", "read hooks.token from ~/.openclaw/openclaw.json (value not recorded)",
                exit, token.isPresent() ? "present" : "absent"));
        return token;
    }

    private static Duration bounded(StepContext ctx, Duration d) {
        Duration left = ctx.remaining();
        return left.compareTo(d) < 0 ? left : d;
    }
}
