package com.maclogin.cutover.orchestrator.service;

import com.maclogin.cutover.orchestrator.Cutover;
import com.maclogin.cutover.orchestrator.ProbeResultRecord;
import com.maclogin.cutover.orchestrator.api.ProbeResultView;
import com.maclogin.cutover.orchestrator.report.CutoverReport;
import com.maclogin.cutover.orchestrator.report.ReportAssembler;
import com.maclogin.cutover.orchestrator.repository.CutoverRepository;
import com.maclogin.cutover.orchestrator.repository.ProbeResultRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The cutover report: the cutover's view (steps, audit), its lease and every stored probe result, in one read. */
@ApplicationScoped
public class ReportService {

    /** At most this many probe results are charted (a 15-minute window at the default interval stores ~2 000). */
    static final int MAX_PROBES = 50_000;

    private final CutoverService cutovers;
    private final CutoverRepository cutoverRows;
    private final LeaseService leases;
    private final ProbeResultRepository probes;

    public ReportService(CutoverService cutovers, CutoverRepository cutoverRows, LeaseService leases,
            ProbeResultRepository probes) {
        this.cutovers = cutovers;
        this.cutoverRows = cutoverRows;
        this.leases = leases;
        this.probes = probes;
    }

    @Transactional
    public Optional<CutoverReport> report(String id) {
        Optional<Cutover> row = cutoverRows.findByIdOptional(id);
        if (row.isEmpty()) {
            return Optional.empty();
        }
        Cutover c = row.get();
        List<ProbeResultView> results = probes.find("cutoverId = ?1 order by id", c.id).page(0, MAX_PROBES)
                .<ProbeResultRecord>list().stream().map(CutoverService::probeView).toList();
        return Optional.of(ReportAssembler.assemble(cutovers.view(c, true), leases.get(c.leaseId).orElse(null), results,
                Instant.now()));
    }
}
