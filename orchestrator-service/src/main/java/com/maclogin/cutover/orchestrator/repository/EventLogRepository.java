package com.maclogin.cutover.orchestrator.repository;

import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.orchestrator.Cutover;
import com.maclogin.cutover.orchestrator.EventLogEntry;
import com.maclogin.cutover.orchestrator.StreamEvents;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The append-only event log of the live event stream. {@code append*} run inside the caller's transaction (the change
 * the row describes); {@link #sequence()} numbers committed rows; the reads serve the streams.
 */
@ApplicationScoped
public class EventLogRepository implements PanacheRepositoryBase<EventLogEntry, Long> {

    /** Advisory lock key of the sequencer ("evlg"): one numbering transaction at a time, across instances. */
    static final long SEQUENCER_LOCK = 0x65766c67L;

    /** Appends one row; {@code data} are the type's own fields (nulls left out). */
    public void append(String type, String cutoverId, String fleetId, String leaseId, String region,
            Map<String, ?> data) {
        EventLogEntry e = new EventLogEntry();
        e.at = Instant.now();
        e.type = type;
        e.cutoverId = cutoverId;
        e.fleetId = fleetId;
        e.leaseId = leaseId;
        e.region = region;
        Map<String, Object> fields = new LinkedHashMap<>();
        if (data != null) {
            data.forEach((k, v) -> {
                if (v != null) {
                    fields.put(k, v);
                }
            });
        }
        e.data = Json.write(fields);
        persist(e);
    }

    /** A row about a cutover, with its lease, region and fleet. */
    public void append(Cutover c, String type, Map<String, ?> data) {
        append(type, c.id, c.fleetId, c.leaseId, c.region == null ? null : c.region.name(), data);
    }

    /** A row about the cutover with this id (looked up for its lease, region and fleet); nothing if it is unknown. */
    public void appendForCutover(String cutoverId, String type, Map<String, ?> data) {
        Cutover c = cutoverId == null ? null : getEntityManager().find(Cutover.class, cutoverId);
        if (c != null) {
            append(c, type, data);
        }
    }

    /** An audit line of a cutover that is an operator's action becomes an OPERATOR_ACTION row. */
    void auditLine(String cutoverId, String actor, String action, String detail) {
        if (StreamEvents.CUTOVER_OPERATOR_ACTIONS.contains(action)) {
            appendForCutover(cutoverId, StreamEvents.OPERATOR_ACTION, fields("action", action, "actor", actor,
                    "detail", detail));
        }
    }

    /** A fleet audit line that is an operator's action (not the orchestrator's own) becomes an OPERATOR_ACTION row. */
    void fleetAuditLine(String fleetId, String actor, String action, String detail) {
        if (StreamEvents.FLEET_OPERATOR_ACTIONS.contains(action) && !"orchestrator".equals(actor)) {
            append(StreamEvents.OPERATOR_ACTION, null, fleetId, null, null, fields("action", action, "actor", actor,
                    "detail", detail));
        }
    }

    /**
     * Numbers the committed rows that have no {@code seq} yet, in id order, under a transaction-scoped advisory lock:
     * a later run's numbers are all higher and become visible together, so a reader never skips a row. Returns the
     * number of rows numbered. Runs in the caller's (own, short) transaction.
     */
    public int sequence(int limit) {
        getEntityManager().createNativeQuery("select pg_advisory_xact_lock(" + SEQUENCER_LOCK + ")").getSingleResult();
        return getEntityManager().createNativeQuery("""
                update event_log e set seq = n.seq
                  from (select id, nextval('event_log_seq') as seq
                          from (select id from event_log where seq is null order by id limit ?1) t
                         order by id) n
                 where e.id = n.id""").setParameter(1, limit).executeUpdate();
    }

    /** Highest event id handed out so far (0 for none). */
    public long maxSeq() {
        Object max = getEntityManager().createNativeQuery("select coalesce(max(seq), 0) from event_log").getSingleResult();
        return ((Number) max).longValue();
    }

    /**
     * Numbered rows after {@code after} up to {@code upTo} (inclusive), in event-id order; only those of one cutover or
     * one fleet (its own rows and its cutovers') when given.
     */
    public List<EventLogEntry> after(long after, long upTo, String cutoverId, String fleetId, int limit) {
        if (cutoverId != null) {
            return find("seq > ?1 and seq <= ?2 and cutoverId = ?3 order by seq", after, upTo, cutoverId).page(0, limit).list();
        }
        if (fleetId != null) {
            return find("seq > ?1 and seq <= ?2 and fleetId = ?3 order by seq", after, upTo, fleetId).page(0, limit).list();
        }
        return find("seq > ?1 and seq <= ?2 order by seq", after, upTo).page(0, limit).list();
    }

    /** Deletes rows older than {@code before}; returns how many. */
    public long purge(Instant before) {
        return delete("at < ?1", before);
    }

    /** A field map from alternating names and values (nulls are left out when stored). */
    public static Map<String, Object> fields(Object... nameValue) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < nameValue.length; i += 2) {
            m.put((String) nameValue[i], nameValue[i + 1]);
        }
        return m;
    }
}
