package com.maclogin.cutover.probe.service;

import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.contracts.StepFacts;
import com.maclogin.cutover.probe.ProbeReasons;
import com.maclogin.cutover.probe.client.CommandResult;
import com.maclogin.cutover.probe.client.CommandTimeoutException;
import com.maclogin.cutover.probe.client.HostKeyMismatchException;
import com.maclogin.cutover.probe.client.LeaseSshClient;
import com.maclogin.cutover.probe.client.SshUnavailableException;
import com.maclogin.cutover.probe.lease.LaunchctlPrint;
import com.maclogin.cutover.probe.lease.LaunchdRead;
import com.maclogin.cutover.probe.lease.LeasePaths;
import com.maclogin.cutover.contracts.Redaction;
import io.quarkus.logging.Log;
import java.time.Duration;

/**
 * The login the validation window's probe matrix uses: the lease's probe account ({@code target.probeUser}), checked
 * at the start of the window with {@code id -u} over that account's own connection against the gateway's uid
 * (from {@link LeaseInventory.Basics}, read as the gateway's account).
 *
 * <p>Facts: {@code probeUser}, {@code probeUid}, {@code gatewayUid}, {@code probeAccount} =
 * <ul>
 *   <li>{@code DISTINCT}: another uid than the gateway's; the probes run as it;</li>
 *   <li>{@code SAME_UID}: the probe account is the gateway's uid: the window FAILS at once
 *       ({@link ProbeReasons#PROBE_ACCOUNT_IS_GATEWAY}), or, only with
 *       {@code probe.validate.require-distinct-probe-uid=false}, runs and keeps saying so;</li>
 *   <li>{@code UNREACHABLE}: the probe account could not log in or run {@code id -u}; the window runs, and every probe
 *       over that account is an ERROR (like any SSH failure of a probe), so the window cannot pass;</li>
 *   <li>{@code NONE}: the target has no {@code probeUser} (a command from before it existed); the probes log in as
 *       the gateway's account, and the evidence says so.</li>
 * </ul>
 */
final class ProbeAccount {

    private ProbeAccount() {
    }

    static LeaseTarget check(StepContext ctx, LeaseInventory.Basics gateway) {
        LeaseTarget target = ctx.target();
        ctx.fact("gatewayUid", gateway.uid());
        if (target.probeUser() == null) {
            ctx.fact("probeAccount", "NONE");
            ctx.addEvidence(Evidence.of("probe account", "target.probeUser", null,
                    "the command names no probe account (sent before probeUser existed): the probes log in as the "
                            + "gateway's account " + target.sshUser()));
            return target;
        }
        LeaseTarget login = LeaseSshClient.probeLogin(target);
        ctx.fact("probeUser", login.sshUser());
        String script = "id -u";
        Duration timeout = bounded(ctx, ctx.config().validate().probeTimeout());
        CommandResult r;
        try {
            r = ctx.execReading(login, "probe account id -u", script, timeout);
        } catch (HostKeyMismatchException e) {
            throw ctx.hostKeyRefused();
        } catch (SshUnavailableException | CommandTimeoutException e) {
            String why = e instanceof SshUnavailableException u && u.isAuthentication()
                    ? "authentication as " + login.sshUser() + " failed" : e.getMessage();
            ctx.fact("probeAccount", "UNREACHABLE");
            ctx.addEvidence(Evidence.of("probe account id -u", login.sshUser() + "@" + target.host() + ": " + script,
                    null, "ssh: " + why));
            Log.warnf("cutover=%s lease=%s probe account %s unreachable: %s", ctx.command().cutoverId(),
                    ctx.command().leaseId(), login.sshUser(), why);
            return login;
        }
        ctx.addEvidence(Evidence.of("probe account id -u", login.sshUser() + "@" + target.host() + ": " + script,
                r.exitCode(), r.combined().trim() + " (gateway uid " + gateway.uid() + ")"));
        String uid = r.stdout().trim();
        if (!r.ok() || LeasePaths.checkUid(uid) != null) {
            ctx.fact("probeAccount", "UNREACHABLE");
            throw new StepFailedException(String.format(ProbeReasons.PROBE_ACCOUNT_BAD_UID, login.sshUser(),
                    "exit " + r.exitCode()));
        }
        ctx.fact("probeUid", uid);
        if (!uid.equals(gateway.uid())) {
            ctx.fact("probeAccount", "DISTINCT");
            return login;
        }
        ctx.fact("probeAccount", "SAME_UID");
        if (ctx.config().validate().requireDistinctProbeUid()) {
            throw new StepFailedException(String.format(ProbeReasons.PROBE_ACCOUNT_IS_GATEWAY, login.sshUser(), uid));
        }
        ctx.addEvidence(Evidence.of("probe account", "probe.validate.require-distinct-probe-uid=false", null,
                "probe account " + login.sshUser() + " has the gateway's uid " + uid
                        + ": the probes run as the gateway user (not separated)"));
        Log.warnf("cutover=%s lease=%s probe account %s has the gateway's uid %s; running the window anyway "
                + "(probe.validate.require-distinct-probe-uid=false)", ctx.command().cutoverId(), ctx.command().leaseId(),
                login.sshUser(), uid);
        return login;
    }

    /**
     * INVENTORY: whether the probe account can read the gateway's launchd state the way the PROCESS probe will
     * ({@link LaunchdRead#viaGrant}), over its own connection; changes nothing. Facts {@code probeUser},
     * {@code gatewayUser}, {@code probeLaunchdRead} =
     * <ul>
     *   <li>{@code OK}: the read printed the job (fact {@code probeLaunchdState});</li>
     *   <li>{@code REFUSED}: it ran and was refused (no sudo rule, another user's domain) or printed no job
     *       state; {@code probeLaunchdDetail} says what answered;</li>
     *   <li>{@code UNREACHABLE}: the probe account could not log in or the command did not finish;</li>
     *   <li>{@code NO_PROBE_ACCOUNT}: the target names none (the probes would run as the gateway's account).</li>
     * </ul>
     * The orchestrator's gate refuses the lease unless it is {@code OK}, naming the grant as the fix.
     */
    static void checkLaunchdRead(StepContext ctx, LeaseInventory.Basics gateway) {
        LeaseTarget target = ctx.target();
        ctx.fact(StepFacts.GATEWAY_USER, target.sshUser());
        if (target.probeUser() == null) {
            ctx.fact(StepFacts.PROBE_LAUNCHD_READ, "NO_PROBE_ACCOUNT");
            return;
        }
        LeaseTarget login = LeaseSshClient.probeLogin(target);
        ctx.fact(StepFacts.PROBE_USER, login.sshUser());
        String script;
        try {
            script = LaunchdRead.viaGrant(target.sshUser(), gateway.uid());
        } catch (IllegalArgumentException e) {
            ctx.fact(StepFacts.PROBE_LAUNCHD_READ, "REFUSED");
            ctx.fact(StepFacts.PROBE_LAUNCHD_DETAIL, e.getMessage());
            return;
        }
        Duration timeout = bounded(ctx, ctx.config().validate().probeTimeout());
        CommandResult r;
        try {
            r = ctx.ssh().exec(login, script, timeout);
        } catch (HostKeyMismatchException e) {
            throw new StepRefusedException(String.format(ProbeReasons.HOST_KEY_MISMATCH, target.host(),
                    target.sshPort()));
        } catch (SshUnavailableException | CommandTimeoutException e) {
            String why = e instanceof SshUnavailableException u && u.isAuthentication()
                    ? "authentication as " + login.sshUser() + " failed" : e.getMessage();
            ctx.fact(StepFacts.PROBE_LAUNCHD_READ, "UNREACHABLE");
            ctx.fact(StepFacts.PROBE_LAUNCHD_DETAIL, "ssh: " + why);
            ctx.addEvidence(Evidence.of("probe account launchd read", login.sshUser() + "@" + target.host() + ": "
                    + script, null, "ssh: " + why));
            return;
        }
        ctx.addEvidence(Evidence.of("probe account launchd read", login.sshUser() + "@" + target.host() + ": " + script,
                r.exitCode(), Redaction.redact(r.combined())));
        LaunchctlPrint p = LaunchctlPrint.parse(r.ok() ? r.stdout() : "");
        if (r.ok() && p.state().isPresent()) {
            ctx.fact(StepFacts.PROBE_LAUNCHD_READ, "OK");
            ctx.fact(StepFacts.PROBE_LAUNCHD_STATE, p.state().get());
            return;
        }
        ctx.fact(StepFacts.PROBE_LAUNCHD_READ, "REFUSED");
        ctx.fact(StepFacts.PROBE_LAUNCHD_DETAIL, r.ok() ? "printed no job state" : LaunchdRead.why(r));
        Log.warnf("cutover=%s lease=%s probe account %s cannot read the gateway's launchd state: %s",
                ctx.command().cutoverId(), ctx.command().leaseId(), login.sshUser(), LaunchdRead.why(r));
    }

    private static Duration bounded(StepContext ctx, Duration timeout) {
        ctx.checkDeadline();
        Duration left = ctx.remaining();
        return left.compareTo(timeout) < 0 ? left : timeout;
    }
}
