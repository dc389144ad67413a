package com.maclogin.cutover.orchestrator;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.ColumnTransformer;

/**
 * One row of the append-only event log behind the live event stream: written in the transaction of the change it
 * describes; {@link #seq} (the SSE event id) is given by the sequencer once the row is committed.
 */
@Entity
@Table(name = "event_log")
public class EventLogEntry extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    /** Null until the sequencer numbered the committed row; then the stream's event id. */
    public Long seq;
    public Instant at;
    /** One of {@link StreamEvents}. */
    public String type;
    @Column(name = "cutover_id")
    public String cutoverId;
    @Column(name = "fleet_id")
    public String fleetId;
    @Column(name = "lease_id")
    public String leaseId;
    public String region;
    /** The type's own fields as a JSON object. */
    @Column(columnDefinition = "jsonb")
    @ColumnTransformer(write = "?::jsonb")
    public String data = "{}";
}
