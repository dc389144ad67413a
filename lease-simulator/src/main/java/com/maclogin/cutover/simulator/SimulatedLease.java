package com.maclogin.cutover.simulator;

import com.maclogin.cutover.contracts.Region;
import java.nio.file.Path;

/** A running simulated lease: an SSH server plus a lease home with a launchd-supervised gateway stand-in. */
public interface SimulatedLease {

    String id();

    Region region();

    /** Always {@code 127.0.0.1}. */
    String host();

    int sshPort();

    /** The login name to use (the simulator process's user; {@code id -u} in a session prints its uid). */
    String sshUser();

    /**
     * The lease's probe account: a second login with the same authorized keys, for the probe matrix. It is a real
     * other OS user only when {@link ProbeUserAccount#osUser()}; otherwise its note says it is a name only.
     */
    default ProbeUserAccount probeAccount() {
        return null;
    }

    /** The probe account's login name, or null when the lease has none. */
    default String probeUser() {
        ProbeUserAccount a = probeAccount();
        return a == null ? null : a.name();
    }

    /** The host key as {@code ssh-ed25519 AAAA...}, without a comment; pin it. */
    String hostKey();

    int gatewayPort();

    /** The lease's {@code $HOME}. */
    Path home();

    /** Version in {@code package.json} of the package the on-disk LaunchAgent plist points at (null if unreadable). */
    String installedVersion();

    /** Version the live gateway reports on {@code /startupz}, or null if it is down or not started. */
    String runningVersion();

    /**
     * Port on 127.0.0.1 of the lease's TLS endpoint (stands in for the reverse proxy that terminates TLS): a
     * self-signed certificate whose notAfter follows {@link Faults#tlsExpiresInDays()}; 0 when the lease has none.
     */
    default int tlsPort() {
        return 0;
    }

    /** The fault switches that are set on this lease ({@link Faults#none()} when none). */
    default Faults faults() {
        return Faults.none();
    }
}
