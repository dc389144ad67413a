package com.maclogin.cutover.probe.lease;

import com.maclogin.cutover.contracts.ProbeGrant;
import com.maclogin.cutover.contracts.ShellQuote;
import com.maclogin.cutover.probe.client.CommandResult;
import java.util.stream.Collectors;

/**
 * How a login reads the gateway's launchd state, and what its answer means.
 *
 * <p>The gateway's account reads its own {@code gui/<uid>} domain: {@code launchctl print gui/<uid>/<label>}. The
 * probe account cannot: on macOS another non-root user's {@code launchctl print} of that domain is refused
 * ({@code Could not print domain: 1: Operation not permitted}, exit 1). It reads it through its one sudoers rule
 * ({@link ProbeGrant#sudoersLine}) as {@code sudo -n -u <gateway user> /bin/launchctl print
 * gui/<uid>/ai.openclaw.gateway}: {@code -n} never waits for a password (sudo then says
 * {@code sudo: a password is required}, exit 1). Every word is shell-quoted.
 */
public final class LaunchdRead {

    private LaunchdRead() {
    }

    /** As the gateway's own account: {@code launchctl print '<serviceTarget>'}. */
    public static String own(String serviceTarget) {
        return "launchctl print " + ShellQuote.quote(serviceTarget);
    }

    /** As the probe account, through its grant: {@code 'sudo' '-n' '-u' '<gateway user>' '/bin/launchctl' 'print' '<target>'}. */
    public static String viaGrant(String gatewayUser, String gatewayUid) {
        return ProbeGrant.printArgv(gatewayUser, gatewayUid).stream().map(ShellQuote::quote)
                .collect(Collectors.joining(" "));
    }

    /** {@code null} (the probes log in as the gateway's account) → {@link #own}, else {@link #viaGrant}. */
    public static String script(String asGatewayUser, String gatewayUid) {
        return asGatewayUser == null ? own(ProbeGrant.serviceTarget(gatewayUid)) : viaGrant(asGatewayUser, gatewayUid);
    }

    /**
     * Whether a failed read says the job is not loaded (launchd answered: {@code Could not find service ... in
     * domain}, exit 113) rather than that the reader may not read it (EPERM, sudo, no such command): only the first
     * is a fact about the gateway; the second is a blind probe.
     */
    public static boolean notLoaded(CommandResult r) {
        String err = r.stderr() == null ? "" : r.stderr();
        return r.exitCode() == 113 || err.contains("Could not find service");
    }

    /** The last non-empty line of stderr (what refused the read), at most 200 characters; "exit N" when none. */
    public static String why(CommandResult r) {
        String err = r.stderr() == null ? "" : r.stderr().trim();
        if (err.isEmpty()) {
            return "exit " + r.exitCode();
        }
        String[] lines = err.split("\\R");
        String last = lines[lines.length - 1].trim();
        return (last.length() > 200 ? last.substring(0, 200) + "..." : last) + " (exit " + r.exitCode() + ")";
    }
}
