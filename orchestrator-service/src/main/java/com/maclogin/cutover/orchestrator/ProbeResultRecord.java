package com.maclogin.cutover.orchestrator;

import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.Verdict;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.ColumnTransformer;

/** One stored {@code ProbeResult} of a validation window (every one the workers publish is kept). */
@Entity
@Table(name = "probe_result")
public class ProbeResultRecord extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "message_id")
    public String messageId;
    @Column(name = "cutover_id")
    public String cutoverId;
    @Column(name = "lease_id")
    public String leaseId;
    public long epoch;
    @Column(name = "command_message_id")
    public String commandMessageId;
    public int round;
    @Enumerated(EnumType.STRING)
    public ProbeLayer layer;
    @Enumerated(EnumType.STRING)
    public Verdict verdict;
    @Column(name = "latency_millis")
    public Long latencyMillis;
    public String detail;
    @Column(columnDefinition = "jsonb")
    @ColumnTransformer(write = "?::jsonb")
    public String observed = "{}";
    @Column(name = "probed_at")
    public Instant probedAt;
    @Column(name = "received_at")
    public Instant receivedAt;
}
