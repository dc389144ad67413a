package com.maclogin.cutover.simulator;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Gateway ports for many simulated leases at once (LIGHT-mode scale tests and benchmarks). */
public final class GatewayPorts {

    private GatewayPorts() {
    }

    /**
     * {@code n} ports that are free now, from 61000 up: above Linux's ephemeral range (32768-60999), so that no
     * ephemeral bind or outgoing connection (of this JVM or any other on the machine) takes one between now and the
     * moment its gateway binds it.
     */
    public static List<Integer> freeAboveEphemeral(int n) throws IOException {
        List<Integer> ports = new ArrayList<>();
        for (int p = 61000; p <= 65535 && ports.size() < n; p++) {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress("127.0.0.1", p));
                ports.add(p);
            } catch (IOException taken) {
                // in use: the next one
            }
        }
        if (ports.size() < n) {
            throw new IOException("fewer than " + n + " free ports above 61000");
        }
        return ports;
    }
}
