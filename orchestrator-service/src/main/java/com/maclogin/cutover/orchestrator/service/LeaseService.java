package com.maclogin.cutover.orchestrator.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.LeaseRegistration;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.messaging.OutboxWriter;
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

/**
 * The lease inventory: registration by API and by the {@code orchestrator.leases-file} at start. Every create or change
 * publishes the lease's {@link LeaseRegistration} to its region's lease registry ({@code cutover.leases.<region>})
 * through the outbox, in the transaction of the lease row; at start every lease is published again (the topic is
 * compacted, so this is idempotent and heals a new topic or a lost record).
 */
@ApplicationScoped
public class LeaseService {

    public record Upserted(LeaseView lease, boolean created) {
    }

    private final LeaseRepository leases;
    private final OrchestratorConfig config;
    private final OutboxWriter outbox;

    public LeaseService(LeaseRepository leases, OrchestratorConfig config, OutboxWriter outbox) {
        this.leases = leases;
        this.config = config;
        this.outbox = outbox;
    }

    @Transactional
    public Upserted upsert(LeaseRequest r) {
        InputValidator.lease(r);
        // as PostgreSQL keeps it (microseconds): the start-up re-publication then carries the very same updatedAt
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        Lease lease = leases.findById(r.id());
        boolean created = lease == null;
        Region before = created ? null : lease.region;
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
        publish(lease, before);
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

    /**
     * The lease's registration to its region's registry; a lease moved from {@code before} (another region) is also
     * published to that region's registry, with its new region, so the old region's workers stop serving it.
     */
    private void publish(Lease lease, Region before) {
        LeaseRegistration r = registration(lease);
        outbox.enqueue(Topics.leaseRegistry(lease.region), r);
        if (before != null && before != lease.region) {
            outbox.enqueue(Topics.leaseRegistry(before), registration(lease));
        }
    }

    static LeaseRegistration registration(Lease lease) {
        return LeaseRegistration.of(lease.id, lease.target(), lease.stage == null ? null : lease.stage.name(),
                lease.updatedAt);
    }

    /** Publishes every lease's registration again (start-up): the registries are compacted, so a repeat is harmless. */
    @Transactional
    public int republishAll() {
        List<Lease> all = leases.listOrdered();
        for (Lease lease : all) {
            outbox.enqueue(Topics.leaseRegistry(lease.region), registration(lease));
        }
        return all.size();
    }

    /**
     * At start: upserts every lease of {@code orchestrator.leases-file} (an unreadable file or invalid entry stops the
     * start), then publishes every lease to the lease registries.
     */
    void loadFile(@Observes StartupEvent start) {
        loadLeasesFile();
        Log.infof("published %d leases to the lease registries", republishAll());
    }

    private void loadLeasesFile() {
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
