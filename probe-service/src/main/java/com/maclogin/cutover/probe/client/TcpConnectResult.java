package com.maclogin.cutover.probe.client;

/** A TCP connect made from the lease through a direct-tcpip channel; {@code error} says why it did not connect. */
public record TcpConnectResult(boolean connected, long latencyMillis, String error) {
}
