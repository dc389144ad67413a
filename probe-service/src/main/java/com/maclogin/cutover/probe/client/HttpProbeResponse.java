package com.maclogin.cutover.probe.client;

/**
 * Answer of one gateway health request through the SSH tunnel. {@code status} is 0 when there was no HTTP answer
 * (connection refused, timeout); {@code error} then says why.
 */
public record HttpProbeResponse(String path, int status, String body, String error, long latencyMillis) {

    public boolean ok() {
        return status == 200;
    }

    /** {@code 200}, {@code 503}, or the error, for reasons and evidence. */
    public String describe() {
        return status > 0 ? Integer.toString(status) : "no answer (" + error + ")";
    }
}
