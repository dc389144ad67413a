package com.maclogin.cutover.contracts;

import java.util.List;

/**
 * The one grant the probe account needs on a lease, in one place for the worker (which uses it), the orchestrator
 * (whose gate names it as the fix) and the lease simulator (which sets it up by default).
 *
 * <p>On macOS the {@code gui/<uid>} launchd domain belongs to its user: another non-root user's
 * {@code launchctl print gui/<uid>/ai.openclaw.gateway} is refused ("Could not print domain: 1: Operation not
 * permitted", exit 1). The probe account therefore reads the gateway's launchd state through one sudoers rule that
 * lets it run exactly that read-only command, with exactly those arguments, as the gateway's user
 * ({@link #sudoersLine}), and the PROCESS probe runs it as {@link #printArgv} with {@code -n} (never a password
 * prompt). The rule names no other command and no wildcard, so the probe account still cannot kickstart, boot out,
 * enable, disable or bootstrap the gateway, nor run anything else as its user.
 */
public final class ProbeGrant {

    /** launchctl's path on macOS; a sudoers rule must name the command by its full path. */
    public static final String LAUNCHCTL = "/bin/launchctl";
    /** The LaunchAgent's label. */
    public static final String LABEL = "ai.openclaw.gateway";
    /** Where the rule goes on a lease (macOS's {@code /etc/sudoers} includes {@code /private/etc/sudoers.d}). */
    public static final String SUDOERS_DIR = "/etc/sudoers.d";

    private ProbeGrant() {
    }

    /** {@code gui/<uid>/ai.openclaw.gateway}. */
    public static String serviceTarget(String gatewayUid) {
        return "gui/" + gatewayUid + "/" + LABEL;
    }

    /**
     * The sudoers rule, e.g. {@code openclaw-probe ALL=(openclaw) NOPASSWD: /bin/launchctl print
     * gui/501/ai.openclaw.gateway}. The names must be valid login names ({@link Validation#SSH_USER}) and the uid
     * digits, so nothing in the line needs sudoers escaping.
     */
    public static String sudoersLine(String probeUser, String gatewayUser, String gatewayUid) {
        check(probeUser, gatewayUser, gatewayUid);
        return probeUser + " ALL=(" + gatewayUser + ") NOPASSWD: " + LAUNCHCTL + " print " + serviceTarget(gatewayUid);
    }

    /** The file the rule goes into: {@code /etc/sudoers.d/<probe user>} (edit it with {@code visudo -f}). */
    public static String sudoersFile(String probeUser) {
        check(probeUser, "root", "0");
        return SUDOERS_DIR + "/" + probeUser;
    }

    /**
     * The probe account's launchd read: {@code sudo -n -u <gateway user> /bin/launchctl print
     * gui/<uid>/ai.openclaw.gateway}, as an argument vector (the worker shell-quotes every element).
     */
    public static List<String> printArgv(String gatewayUser, String gatewayUid) {
        check("root", gatewayUser, gatewayUid);
        return List.of("sudo", "-n", "-u", gatewayUser, LAUNCHCTL, "print", serviceTarget(gatewayUid));
    }

    private static void check(String probeUser, String gatewayUser, String gatewayUid) {
        if (Validation.sshUser(probeUser) != null || Validation.sshUser(gatewayUser) != null) {
            throw new IllegalArgumentException("not a login name: " + Validation.printable(String.valueOf(probeUser)) + ", "
                    + Validation.printable(String.valueOf(gatewayUser)));
        }
        if (gatewayUid == null || !gatewayUid.matches("\\d{1,10}")) {
            throw new IllegalArgumentException("not a uid: " + Validation.printable(String.valueOf(gatewayUid)));
        }
    }
}
