package com.maclogin.cutover.notifier.service;

import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.contracts.LeaseHealthEvent;
import com.maclogin.cutover.contracts.LeaseHealthEventKind;
import com.maclogin.cutover.messaging.InvalidMessageException;
import com.maclogin.cutover.notifier.LeaseAlert;
import com.maclogin.cutover.notifier.repository.LeaseAlertRepository;
import com.maclogin.cutover.notifier.service.LeaseAlertRules.AlertKind;
import com.maclogin.cutover.notifier.service.LeaseAlertRules.Decision;
import com.maclogin.cutover.notifier.service.LeaseAlertRules.Known;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;

/**
 * Turns a lease health event ({@code lease.health}) into the lease's alert messages: PENDING rows (one per enabled
 * channel) when {@link LeaseAlertRules} says a change is announced, and the lease's {@code lease_alert} row updated
 * in any case, all in the consumer's transaction after its inbox check. The row is locked while deciding, so one
 * change is posted once whichever consumer, instance or message id brings it.
 */
@ApplicationScoped
public class LeaseAlertService {

    private final NotificationService rows;
    private final LeaseAlertRepository alerts;

    public LeaseAlertService(NotificationService rows, LeaseAlertRepository alerts) {
        this.rows = rows;
        this.alerts = alerts;
    }

    /**
     * Applies the event; returns how many rows were created (0: nothing to post). An event the notifier cannot read
     * (no lease id, kind or state; a newer schema) is refused with {@link InvalidMessageException}: the consumer kit
     * sets it aside on the dead-letter topic with the reason.
     */
    @Transactional
    public int accept(LeaseHealthEvent e) {
        String problem = e.invalid();
        if (problem == null && e.schemaVersion() > CutoverMessage.SCHEMA_VERSION) {
            problem = "schemaVersion " + e.schemaVersion() + " is newer than " + CutoverMessage.SCHEMA_VERSION;
        }
        if (problem != null) {
            throw new InvalidMessageException("lease health event " + e.messageId() + ": " + problem);
        }
        LeaseAlert row = alerts.lockOrCreate(e.leaseId());
        Known before = known(row);
        Decision d = LeaseAlertRules.decide(before, e);
        if (d.post() == null) {
            Log.infof("lease %s: %s %s (alert %s, message %s) not posted: %s", e.leaseId(), e.kind(), e.state(),
                    e.alert(), e.messageId(), d.note());
            if (d.changes(before)) {
                apply(row, d, null, e);
            }
            return 0;
        }
        String thread = switch (d.placement()) {
            case DOWN_THREAD -> row.downThreadKey;
            case CERT_THREAD -> row.certThreadKey;
            case NEW_THREAD -> ChatThread.leaseKey(e.leaseId(), ++row.threads);
        };
        int created = rows.store(ChatThread.lease(thread), e.region(), null, e.leaseId(), e.messageId(),
                d.post().name(), LeaseAlertTexts.message(d.post(), e, d.downSince()));
        apply(row, d, thread, e);
        Log.infof("lease %s: %s (%s) stored in thread %s for %d channel(s): %s", e.leaseId(), d.post(),
                e.kind() == LeaseHealthEventKind.STATE_CHANGED ? e.previousState() + " -> " + e.state()
                        : "certificate days left " + e.certDaysLeft(), thread, created, d.note());
        return created;
    }

    static Known known(LeaseAlert row) {
        return new Known(row.healthState, row.healthSince, row.downThreadKey != null, row.downSince, row.certState,
                row.certAt, row.certThreadKey != null);
    }

    /** Stores what is known after the decision; {@code thread} is where its message went (null: none). */
    private static void apply(LeaseAlert row, Decision d, String thread, LeaseHealthEvent e) {
        Known k = d.next();
        row.healthState = k.health();
        row.healthSince = k.healthSince();
        row.downThreadKey = !k.downOpen() ? null : d.post() == AlertKind.LEASE_DOWN ? thread : row.downThreadKey;
        row.downSince = k.downOpen() ? k.downSince() : null;
        row.certState = k.cert();
        row.certAt = k.certAt();
        row.certThreadKey = !k.certOpen() ? null : d.post() == AlertKind.CERT_EXPIRING ? thread : row.certThreadKey;
        row.lastMessageId = e.messageId();
        row.updatedAt = Instant.now();
    }
}
