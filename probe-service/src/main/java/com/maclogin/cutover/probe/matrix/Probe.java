package com.maclogin.cutover.probe.matrix;

import com.maclogin.cutover.contracts.ProbeLayer;

/**
 * One layer of the probe matrix. {@link #probe} never throws and never takes longer than the layer's timeout (plus
 * an SSH reconnect bounded by {@code probe.ssh.connect-timeout}): SSH trouble is {@code ERROR}, a broken gateway is
 * {@code FAILED}.
 */
public interface Probe {

    ProbeLayer layer();

    ProbeOutcome probe(ProbeSession session);
}
