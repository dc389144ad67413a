package com.maclogin.cutover.notifier.service;

import com.maclogin.cutover.contracts.CutoverEvent;
import com.maclogin.cutover.notifier.Notification;
import com.maclogin.cutover.notifier.NotificationStatus;
import com.maclogin.cutover.notifier.client.ChatClient;
import com.maclogin.cutover.notifier.repository.NotificationRepository;
import io.quarkus.arc.All;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;

/** Turns a cutover event into PENDING notification rows (one per enabled channel), exactly once per message id. */
@ApplicationScoped
public class NotificationService {

    /** {@code notification.event_type} of the host-key incident (at most one per cutover and channel, V2 index). */
    public static final String HOST_KEY_INCIDENT_TYPE = "HOST_KEY_CHANGED";
    /** Appended to the event's message id for the incident's rows ({@code (event_message_id, channel)} is unique). */
    static final String HOST_KEY_INCIDENT_SUFFIX = "#host-key-incident";

    private final NotificationRepository repository;
    private final List<ChatClient> clients;

    public NotificationService(NotificationRepository repository, @All List<ChatClient> clients) {
        this.repository = repository;
        this.clients = clients;
    }

    /**
     * Stores the event's notifications in the consumer's transaction, after its inbox check (messaging-support's
     * {@code TransactionalConsumer}). Returns how many rows were created: 0 for an event without a message or a lease,
     * or when every channel is disabled.
     */
    @Transactional
    public int accept(CutoverEvent event) {
        if (event.leaseId() == null || event.type() == null) {
            Log.errorf("skipping cutover event %s of cutover %s lease %s: leaseId and type are required",
                    event.messageId(), event.cutoverId(), event.leaseId());
            return 0;
        }
        String text = NotificationTexts.render(event);
        int created = 0;
        if (text == null) {
            Log.warnf("cutover %s lease %s: " + NotificationTexts.NO_TEMPLATE, event.cutoverId(), event.leaseId(),
                    event.type());
        } else {
            created += store(event, event.messageId(), event.type().name(), text);
            Log.infof("cutover %s lease %s: %s stored for %d channel(s)", event.cutoverId(), event.leaseId(),
                    event.type(), created);
        }
        // after the event's own message, so that the incident follows it in the cutover's thread
        String incident = NotificationTexts.hostKeyIncident(event);
        if (incident != null) {
            if (repository.hasType(event.cutoverId(), HOST_KEY_INCIDENT_TYPE)) {
                Log.infof("cutover %s lease %s: %s repeats the SSH host key refusal; its incident is already stored",
                        event.cutoverId(), event.leaseId(), event.type());
            } else {
                int n = store(event, event.messageId() + HOST_KEY_INCIDENT_SUFFIX, HOST_KEY_INCIDENT_TYPE, incident);
                created += n;
                Log.warnf("cutover %s lease %s: SSH host key changed (worker refused, %s); incident stored for %d channel(s)",
                        event.cutoverId(), event.leaseId(), event.type(), n);
            }
        }
        return created;
    }

    /** One PENDING row per enabled channel; returns how many. */
    private int store(CutoverEvent event, String eventMessageId, String eventType, String text) {
        Instant now = Instant.now();
        int created = 0;
        for (ChatClient client : clients) {
            if (client.target().isEmpty()) {
                continue;
            }
            Notification n = new Notification();
            n.cutoverId = event.cutoverId();
            n.leaseId = event.leaseId();
            n.eventMessageId = eventMessageId;
            n.eventType = eventType;
            n.channel = client.channel();
            n.target = client.target().get();
            n.text = text;
            n.status = NotificationStatus.PENDING;
            n.attempts = 0;
            n.nextAttemptAt = now;
            n.createdAt = now;
            repository.persist(n);
            created++;
        }
        return created;
    }

    @Transactional
    public List<NotificationView> byCutover(String cutoverId) {
        return repository.byCutover(cutoverId).stream().map(NotificationView::of).toList();
    }
}
