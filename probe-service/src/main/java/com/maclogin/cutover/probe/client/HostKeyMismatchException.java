package com.maclogin.cutover.probe.client;

/** The lease presented a host key other than the pinned one (or none could be verified). */
public class HostKeyMismatchException extends Exception {

    public HostKeyMismatchException(String host, int port) {
        super(host + ":" + port);
    }
}
