package com.maclogin.cutover.orchestrator.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.LeaseRegistration;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.messaging.OutboxWriter;
import com.maclogin.cutover.contracts.Region;
import com.fasterxml.jackson.databind.JsonNode;
import com.maclogin.cutover.orchestrator.Cutover;
import com.maclogin.cutover.orchestrator.Lease;
import com.maclogin.cutover.orchestrator.LeaseAuditEntry;
import com.maclogin.cutover.orchestrator.Reasons;
import com.maclogin.cutover.orchestrator.api.ApiException;
import com.maclogin.cutover.orchestrator.api.LeaseAuditView;
import com.maclogin.cutover.orchestrator.LeaseStage;
import com.maclogin.cutover.orchestrator.api.LeaseRequest;
import com.maclogin.cutover.orchestrator.api.LeaseView;
import com.maclogin.cutover.orchestrator.api.LeaseHealthView;
import com.maclogin.cutover.orchestrator.health.LeaseHealthService;
import com.maclogin.cutover.orchestrator.config.OrchestratorConfig;
import com.maclogin.cutover.orchestrator.repository.CutoverRepository;
import com.maclogin.cutover.orchestrator.repository.LeaseAuditRepository;
import com.maclogin.cutover.orchestrator.repository.LeaseRepository;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The lease inventory: registration by API (admins) and by the {@code orchestrator.leases-file} at start. Every
 * registration or change is audited with the old and new fields ({@code lease_audit}); a change while the lease has an
 * active cutover is refused (409 naming the cutover). A request that changes nothing writes nothing. Every create or
 * change publishes the lease's {@link LeaseRegistration} to its region's lease registry ({@code cutover.leases.<region>})
 * through the outbox, in the transaction of the lease row; at start every lease is published again (the topic is
 * compacted, so this is idempotent and heals a new topic or a lost record).
 */
@ApplicationScoped
public class LeaseService {

    public record Upserted(LeaseView lease, boolean created) {
    }

    /** The actor of registrations read from {@code orchestrator.leases-file}. */
    public static final String LEASES_FILE_ACTOR = "leases-file";

    private final LeaseRepository leases;
    private final OrchestratorConfig config;
    private final LeaseAuditRepository audit;
    private final CutoverRepository cutovers;
    private final OutboxWriter outbox;
    private final LeaseHealthService health;

    public LeaseService(LeaseRepository leases, OrchestratorConfig config, LeaseAuditRepository audit,
            CutoverRepository cutovers, OutboxWriter outbox, LeaseHealthService health) {
        this.health = health;
        this.leases = leases;
        this.config = config;
        this.audit = audit;
        this.cutovers = cutovers;
        this.outbox = outbox;
    }

    /**
     * Registers or changes a lease ({@link #upsertOnce}, its own transaction). Two callers registering the same new
     * lease at once (two orchestrator instances, or two starting instances reading one leases-file) both find no row
     * and both insert: the second insert waits for the first and fails on the primary key. That caller then does its
     * upsert once more and finds the row: unchanged (200) when it asked for the same fields, changed otherwise (or 409
     * during a cutover), never a 500.
     */
    public Upserted upsert(LeaseRequest r, String actor) {
        try {
            return QuarkusTransaction.requiringNew().call(() -> upsertOnce(r, actor));
        } catch (RuntimeException e) {
            if (!CutoverService.isUniqueViolation(e)) {
                throw e;
            }
            Log.infof("lease %s: registered by another caller at the same moment; looked again", r.id());
            return QuarkusTransaction.requiringNew().call(() -> upsertOnce(r, actor));
        }
    }

    private Upserted upsertOnce(LeaseRequest r, String actor) {
        InputValidator.lease(r);
        // as PostgreSQL keeps it (microseconds): the start-up re-publication then carries the very same updatedAt
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        // FOR UPDATE: a cutover being created for this lease (it reads the lease FOR SHARE) waits, or we see it
        Lease lease = leases.findById(r.id(), jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        boolean created = lease == null;
        Map<String, Object> before = created ? null : fields(lease);
        Region regionBefore = created ? null : lease.region;
        if (!created) {
            Optional<Cutover> active = cutovers.findActive(lease.id);
            if (active.isPresent() && !before.equals(fields(r))) {
                throw ApiException.conflict(Reasons.leaseChangeDuringCutover(lease.id, active.get().id));
            }
            if (before.equals(fields(r))) {
                return new Upserted(view(lease), false);
            }
        }
        if (created) {
            lease = new Lease();
            lease.id = r.id();
            lease.createdAt = now;
        }
        copy(r, lease);
        lease.updatedAt = now;
        if (created) {
            leases.persist(lease);
        }
        LeaseAuditEntry entry = new LeaseAuditEntry();
        entry.leaseId = lease.id;
        entry.at = now;
        entry.actor = actor == null ? Reasons.ANONYMOUS : actor;
        entry.action = created ? Reasons.LEASE_REGISTERED : Reasons.LEASE_CHANGED;
        entry.oldValue = before == null ? null : Json.write(before);
        entry.newValue = Json.write(fields(lease));
        audit.persist(entry);
        publish(lease, regionBefore);
        Log.infof("lease %s %s by %s (region %s, %s, probe user %s)", lease.id, created ? "registered" : "updated",
                entry.actor, lease.region, lease.stage, lease.probeUser);
        return new Upserted(view(lease), created);
    }

    /** The lease's registrations and changes, oldest first; empty when the lease is unknown and never was. */
    @Transactional
    public Optional<List<LeaseAuditView>> audit(String id) {
        List<LeaseAuditEntry> lines = audit.forLease(id);
        if (lines.isEmpty() && leases.findById(id) == null) {
            return Optional.empty();
        }
        return Optional.of(lines.stream().map(e -> new LeaseAuditView(e.at, e.actor, e.action,
                e.oldValue == null ? null : Json.read(e.oldValue, JsonNode.class), Json.read(e.newValue, JsonNode.class)))
                .toList());
    }

    /** The registered fields a change is judged and audited by (not the timestamps). */
    static Map<String, Object> fields(Lease l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("region", l.region == null ? null : l.region.name());
        m.put("host", l.host);
        m.put("sshPort", l.sshPort);
        m.put("sshUser", l.sshUser);
        m.put("probeUser", l.probeUser);
        m.put("hostKey", l.hostKey);
        m.put("gatewayPort", l.gatewayPort);
        m.put("tlsEndpoint", l.tlsEndpoint);
        m.put("stage", l.stage == null ? null : l.stage.name());
        m.put("labels", StoredJson.labels(l.labels));
        m.put("watchIntervalSeconds", l.watchIntervalSeconds);
        return m;
    }

    static Map<String, Object> fields(LeaseRequest r) {
        Lease l = new Lease();
        copy(r, l);
        return fields(l);
    }

    /** The request's registered fields onto the lease (not its id or timestamps). */
    private static void copy(LeaseRequest r, Lease l) {
        l.region = Region.parse(r.region());
        l.host = r.host();
        l.sshPort = r.sshPort();
        l.sshUser = r.sshUser();
        l.probeUser = r.probeUserOrDefault();
        l.hostKey = r.hostKey();
        l.gatewayPort = r.gatewayPort();
        l.tlsEndpoint = r.tlsEndpoint();
        l.stage = LeaseStage.parse(r.stage());
        l.labels = Json.write(r.labels() == null ? java.util.Map.of() : new java.util.TreeMap<>(r.labels()));
        l.watchIntervalSeconds = r.watchIntervalSeconds();
    }

    /** Every lease with its health (one query for all the health rows). */
    @Transactional
    public List<LeaseView> list() {
        Map<String, LeaseHealthView> health = this.health.views();
        return leases.listOrdered().stream()
                .map(l -> view(l, health.getOrDefault(l.id, LeaseHealthView.UNKNOWN))).toList();
    }

    @Transactional
    public Optional<LeaseView> get(String id) {
        return leases.findByIdOptional(id).map(l -> view(l, health.view(l.id)));
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
                lease.updatedAt, lease.watchIntervalSeconds, lease.tlsEndpoint);
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
            try {
                upsert(r, LEASES_FILE_ACTOR);
            } catch (ApiException e) {
                if (e.kind() != ApiException.Kind.CONFLICT) {
                    throw e;
                }
                Log.warnf("lease %s: the leases-file's change is not applied: %s", r.id(), e.getMessage());
            }
        }
        Log.infof("loaded %d leases from %s", list.size(), file.get());
    }

    /** The lease as a registration answers it (its health is not part of a registration's answer). */
    static LeaseView view(Lease l) {
        return view(l, null);
    }

    static LeaseView view(Lease l, LeaseHealthView health) {
        return new LeaseView(l.id, l.region, l.host, l.sshPort, l.sshUser, l.probeUser, l.hostKey, l.gatewayPort,
                l.tlsEndpoint, l.stage, StoredJson.labels(l.labels), l.createdAt, l.updatedAt, l.watchIntervalSeconds,
                health);
    }
}
