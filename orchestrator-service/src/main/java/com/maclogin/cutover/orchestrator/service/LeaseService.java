package com.maclogin.cutover.orchestrator.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.orchestrator.Lease;
import com.maclogin.cutover.orchestrator.LeaseStage;
import com.maclogin.cutover.orchestrator.api.LeaseRequest;
import com.maclogin.cutover.orchestrator.api.LeaseView;
import com.maclogin.cutover.orchestrator.config.OrchestratorConfig;
import com.maclogin.cutover.orchestrator.repository.LeaseRepository;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The lease inventory: registration by API and by the {@code orchestrator.leases-file} at start. */
@ApplicationScoped
public class LeaseService {

    public record Upserted(LeaseView lease, boolean created) {
    }

    private final LeaseRepository leases;
    private final OrchestratorConfig config;

    public LeaseService(LeaseRepository leases, OrchestratorConfig config) {
        this.leases = leases;
        this.config = config;
    }

    @Transactional
    public Upserted upsert(LeaseRequest r) {
        InputValidator.lease(r);
        Instant now = Instant.now();
        Lease lease = leases.findById(r.id());
        boolean created = lease == null;
        if (created) {
            lease = new Lease();
            lease.id = r.id();
            lease.createdAt = now;
        }
        lease.region = Region.parse(r.region());
        lease.host = r.host();
        lease.sshPort = r.sshPort();
        lease.sshUser = r.sshUser();
        lease.probeUser = r.probeUserOrDefault();
        lease.hostKey = r.hostKey();
        lease.gatewayPort = r.gatewayPort();
        lease.tlsEndpoint = r.tlsEndpoint();
        lease.stage = LeaseStage.parse(r.stage());
        lease.labels = Json.write(r.labels() == null ? java.util.Map.of() : new java.util.TreeMap<>(r.labels()));
        lease.updatedAt = now;
        if (created) {
            leases.persist(lease);
        }
        Log.infof("lease %s %s (region %s, %s, probe user %s)", lease.id, created ? "registered" : "updated", lease.region,
                lease.stage, lease.probeUser);
        return new Upserted(view(lease), created);
    }

    @Transactional
    public List<LeaseView> list() {
        return leases.listOrdered().stream().map(LeaseService::view).toList();
    }

    @Transactional
    public Optional<LeaseView> get(String id) {
        return leases.findByIdOptional(id).map(LeaseService::view);
    }

    /** Upserts every lease of {@code orchestrator.leases-file}; an unreadable file or invalid entry stops the start. */
    void loadFile(@Observes StartupEvent start) {
        Optional<Path> file = config.leasesFile();
        if (file.isEmpty()) {
            return;
        }
        List<LeaseRequest> list;
        try {
            list = Json.MAPPER.readValue(Files.readString(file.get()), new TypeReference<List<LeaseRequest>>() {
            });
        } catch (IOException e) {
            throw new IllegalStateException("cannot read orchestrator.leases-file " + file.get() + ": " + e.getMessage(), e);
        }
        for (LeaseRequest r : list) {
            upsert(r);
        }
        Log.infof("loaded %d leases from %s", list.size(), file.get());
    }

    static LeaseView view(Lease l) {
        return new LeaseView(l.id, l.region, l.host, l.sshPort, l.sshUser, l.probeUser, l.hostKey, l.gatewayPort, l.tlsEndpoint, l.stage, StoredJson.labels(l.labels), l.createdAt, l.updatedAt);
    }
}
