package com.maclogin.cutover.probe.matrix;

import com.maclogin.cutover.contracts.ProbeLayer;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** One probe per layer. */
public final class ProbeMatrix {

    private final Map<ProbeLayer, Probe> probes = new EnumMap<>(ProbeLayer.class);

    public ProbeMatrix() {
        for (Probe p : List.of(new ProcessProbe(), new TcpProbe(), new ApplicationProbe(), new IntegrationProbe(),
                new TlsProbe(), new DiskProbe())) {
            probes.put(p.layer(), p);
        }
    }

    public Probe probe(ProbeLayer layer) {
        return probes.get(layer);
    }
}
