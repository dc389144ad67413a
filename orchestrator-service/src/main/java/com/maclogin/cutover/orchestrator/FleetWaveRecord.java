package com.maclogin.cutover.orchestrator;

import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.orchestrator.fleet.WaveKind;
import com.maclogin.cutover.orchestrator.fleet.WaveState;
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

/** One wave of a fleet as stored; its leases are the fleet-lease rows with this wave index. */
@Entity
@Table(name = "fleet_wave")
public class FleetWaveRecord extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "fleet_id")
    public String fleetId;
    public int idx;
    public String name;
    @Enumerated(EnumType.STRING)
    public WaveKind kind;
    @Enumerated(EnumType.STRING)
    public Region region;
    @Column(name = "bake_seconds")
    public long bakeSeconds;
    @Enumerated(EnumType.STRING)
    public WaveState state;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "bake_until")
    public Instant bakeUntil;
    @Column(name = "ended_at")
    public Instant endedAt;
}
