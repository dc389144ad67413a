package com.maclogin.cutover.orchestrator;

import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.contracts.Region;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A registered rented Mac: only what cannot be discovered over SSH. */
@Entity
@Table(name = "lease")
public class Lease extends PanacheEntityBase {
    @Id
    public String id;
    @Enumerated(EnumType.STRING)
    public Region region;
    public String host;
    @Column(name = "ssh_port")
    public int sshPort;
    @Column(name = "ssh_user")
    public String sshUser;
    /** The OS account the validation probe matrix logs in as; never {@link #sshUser} (the gateway's account). */
    @Column(name = "probe_user")
    public String probeUser;
    @Column(name = "host_key")
    public String hostKey;
    @Column(name = "gateway_port")
    public int gatewayPort;
    /** {@code host:port} of the public TLS endpoint when a proxy terminates TLS; null when none. */
    @Column(name = "tls_endpoint")
    public String tlsEndpoint;
    /** STAGING or PRODUCTION (default); a PRODUCTION lease takes only versions already GREEN on a STAGING lease. */
    @Enumerated(EnumType.STRING)
    public LeaseStage stage = LeaseStage.PRODUCTION;
    /** Labels given at registration ({@code {"tier":"gold"}}), as JSON; fleet selectors match on them. */
    @Column(columnDefinition = "jsonb")
    @org.hibernate.annotations.ColumnTransformer(write = "?::jsonb")
    public String labels = "{}";
    /** How often the continuous watch probes this lease, 5..3600 s; null = the worker's default (issue 12). */
    @Column(name = "watch_interval_seconds")
    public Integer watchIntervalSeconds;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;

    public LeaseTarget target() {
        return new LeaseTarget(region, host, sshPort, sshUser, hostKey, gatewayPort, probeUser);
    }
}
