package com.maclogin.cutover.notifier.service;

import com.maclogin.cutover.contracts.FleetEvent;
import com.maclogin.cutover.contracts.FleetEventType;
import com.maclogin.cutover.notifier.client.SecretMasker;
import com.maclogin.cutover.notifier.repository.NotificationRepository;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/**
 * Turns a fleet event into PENDING rows of the fleet's thread (one per enabled channel), exactly once per message id
 * (the consumer's inbox). FLEET_STARTED is the thread's banner, stored once per fleet whatever message ids announce
 * it; every other event is a reply to it. Texts are masked: reasons and summaries come from requests and workers.
 */
@ApplicationScoped
public class FleetNotificationService {

    private final NotificationService rows;
    private final NotificationRepository repository;
    private final SecretMasker masker;

    public FleetNotificationService(NotificationService rows, NotificationRepository repository, SecretMasker masker) {
        this.rows = rows;
        this.repository = repository;
        this.masker = masker;
    }

    /**
     * Stores the event's rows in the consumer's transaction, after its inbox check. Returns how many rows were
     * created: 0 for an event without a type, a second banner of the same fleet, or when every channel is disabled.
     */
    @Transactional
    public int accept(FleetEvent event) {
        if (event.fleetId() == null || event.type() == null) {
            Log.errorf("skipping fleet event %s of fleet %s: fleetId and type are required", event.messageId(),
                    event.fleetId());
            return 0;
        }
        boolean banner = event.type() == FleetEventType.FLEET_STARTED;
        ChatThread thread = banner ? ChatThread.fleetBanner(event.fleetId()) : ChatThread.fleetReply(event.fleetId());
        if (banner && repository.hasBanner(thread.key())) {
            Log.infof("fleet %s: FLEET_STARTED %s repeats the banner, which is already stored", event.fleetId(),
                    event.messageId());
            return 0;
        }
        boolean haltedBefore = event.type() == FleetEventType.FLEET_ENDED
                && repository.threadHasType(thread.key(), FleetEventType.FLEET_HALTED.name());
        String text = FleetTexts.render(event, haltedBefore);
        String lease = event.subjectLeaseId() != null ? event.subjectLeaseId() : event.fleetId();
        int created = rows.store(thread, event.fleetId(), lease, event.messageId(), event.type().name(),
                masker.mask(text));
        Log.infof("fleet %s: %s%s stored %s for %d channel(s)", event.fleetId(), event.type(),
                event.wave() == null ? "" : " (wave " + event.wave() + ")",
                banner ? "as the thread's banner" : "as a reply in the fleet's thread", created);
        return created;
    }
}
