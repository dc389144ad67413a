package com.maclogin.cutover.contracts;

/** The layers of the probe matrix (PLAYBOOK.md), one probe implementation each. */
public enum ProbeLayer {
    /** {@code launchctl print}: state running, last exit code 0, run count (crash detection). */
    PROCESS,
    /** Connect to 127.0.0.1:port within 2 s, as {@code nc -vz} does. */
    TCP,
    /** {@code /healthz} and {@code /readyz}: 200 with the documented OK JSON. */
    APPLICATION,
    /** Synthetic {@code POST /hooks/wake}, end to end; latency feeds the P95 rule. */
    INTEGRATION,
    /** Certificate of the public endpoint when a proxy terminates TLS: not expiring within the window. */
    TLS,
    /** Free space on the data volume. */
    DISK
}
