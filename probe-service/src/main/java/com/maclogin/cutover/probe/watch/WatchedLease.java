package com.maclogin.cutover.probe.watch;

import com.maclogin.cutover.contracts.LeaseHealthState;
import com.maclogin.cutover.contracts.LeaseRegistration;
import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.probe.client.LeaseSshClient;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One lease this worker watches: its registration, the login the probes use (the probe account, or the gateway's
 * account when the registration names none), and what the rounds remember between them (health, the gateway's uid,
 * the last TLS read, the run counter, the reconnect backoff, the minute's roll-up). A lease's rounds never overlap
 * ({@link #running}); fields a round and the minute flush both touch are guarded by the object's lock.
 */
final class WatchedLease {

    final String leaseId;
    final AtomicBoolean running = new AtomicBoolean();
    volatile LeaseRegistration registration;
    volatile LeaseTarget login;

    // round state (one round at a time)
    String gatewayUid;
    long lastTlsNanos;
    boolean tlsRead;
    WatchHealth.Seen lastTls;
    Integer certDaysLeft;
    RunCounter runCounter;
    int sshFailures;
    volatile long reconnectNotBeforeNanos;
    volatile boolean waitingForToken;

    // shared with the minute flush: under synchronized(this)
    LeaseHealthState state = LeaseHealthState.UNKNOWN;
    String reason;
    boolean crashLooping;
    java.time.Instant observedAt;
    RollupAccumulator rollup = new RollupAccumulator(null);

    WatchedLease(LeaseRegistration registration, long crashLoopWindowMillis) {
        this.leaseId = registration.leaseId();
        this.runCounter = new RunCounter(crashLoopWindowMillis);
        update(registration);
    }

    /** A newer registration: the login may have changed, the gateway's uid is read again. */
    void update(LeaseRegistration r) {
        LeaseRegistration before = registration;
        registration = r;
        LeaseTarget t = r.target();
        login = t.probeUser() != null ? LeaseSshClient.probeLogin(t) : t;
        if (before != null && !before.target().equals(t)) {
            gatewayUid = null;
        }
    }
}
