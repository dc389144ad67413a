package com.maclogin.cutover.probe.lease;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Rows of {@code lsof -nP -iTCP -sTCP:LISTEN}: command, pid, address and port of each listening socket. */
public final class LsofListeners {

    public record Listener(String command, String pid, String address, int port) {
    }

    private LsofListeners() {
    }

    public static List<Listener> parse(String output) {
        List<Listener> out = new ArrayList<>();
        if (output == null) {
            return out;
        }
        for (String raw : output.split("\\R")) {
            String line = raw.trim();
            if (line.isEmpty() || line.startsWith("COMMAND")) {
                continue;
            }
            String[] cols = line.split("\\s+");
            if (cols.length < 3 || !cols[1].matches("[0-9]+")) {
                continue;
            }
            int listen = -1;
            for (int i = cols.length - 1; i >= 0; i--) {
                if (cols[i].equals("(LISTEN)")) {
                    listen = i;
                    break;
                }
            }
            String name = listen > 0 ? cols[listen - 1] : cols[cols.length - 1];
            int colon = name.lastIndexOf(':');
            if (colon < 0) {
                continue;
            }
            try {
                int port = Integer.parseInt(name.substring(colon + 1));
                out.add(new Listener(cols[0], cols[1], name.substring(0, colon), port));
            } catch (NumberFormatException e) {
                // service names instead of numbers (lsof without -P): not ours to guess
            }
        }
        return out;
    }

    /** Pid of the process listening on {@code port} (any address), if exactly one process does. */
    public static Optional<String> pidListeningOn(List<Listener> listeners, int port) {
        return listeners.stream().filter(l -> l.port() == port).map(Listener::pid).distinct()
                .reduce((a, b) -> a + "," + b);
    }
}
