package com.maclogin.cutover.notifier.service;

import com.maclogin.cutover.contracts.CutoverEvent;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.notifier.Notification;
import com.maclogin.cutover.notifier.NotificationStatus;
import com.maclogin.cutover.notifier.client.ChatClient;
import com.maclogin.cutover.notifier.client.SecretMasker;
import com.maclogin.cutover.notifier.config.NotifierConfig;
import com.maclogin.cutover.notifier.format.ChatMessage;
import com.maclogin.cutover.notifier.format.SlackFormat;
import com.maclogin.cutover.notifier.format.TelegramFormat;
import com.maclogin.cutover.notifier.repository.NotificationRepository;
import io.quarkus.arc.All;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Turns a cutover event into PENDING notification rows (one per enabled channel), exactly once per message id. A
 * single cutover's events go to the cutover's own thread; a lease of a fleet ({@code fleetId} set) opens no thread:
 * its start and GREEN are left to the wave messages' counts, its incidents reply in the fleet's thread. Each row holds
 * its channel's form of the message (Slack: escaped text and blocks; Telegram: capped plain text), masked first.
 */
@ApplicationScoped
public class NotificationService {

    /** {@code notification.event_type} of the host-key incident (at most one per cutover and channel, V2 index). */
    public static final String HOST_KEY_INCIDENT_TYPE = "HOST_KEY_CHANGED";
    /** Appended to the event's message id for the incident's rows ({@code (event_message_id, channel)} is unique). */
    static final String HOST_KEY_INCIDENT_SUFFIX = "#host-key-incident";

    private final NotificationRepository repository;
    private final List<ChatClient> clients;
    private final SecretMasker masker;
    private final String dashboardBaseUrl;

    public NotificationService(NotificationRepository repository, @All List<ChatClient> clients, SecretMasker masker,
            NotifierConfig config) {
        this.repository = repository;
        this.clients = clients;
        this.masker = masker;
        this.dashboardBaseUrl = config.dashboardBaseUrl();
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
        if (event.fleetId() != null) {
            return acceptFleetMember(event);
        }
        ChatThread thread = ChatThread.cutover(event.cutoverId());
        ChatMessage text = NotificationTexts.message(event);
        int created = 0;
        if (text == null) {
            Log.warnf("cutover %s lease %s: " + NotificationTexts.NO_TEMPLATE, event.cutoverId(), event.leaseId(),
                    event.type());
        } else {
            created += store(thread, event, event.messageId(), event.type().name(), text);
            Log.infof("cutover %s lease %s: %s stored for %d channel(s)", event.cutoverId(), event.leaseId(),
                    event.type(), created);
        }
        // after the event's own message, so that the incident follows it in the cutover's thread
        ChatMessage incident = NotificationTexts.hostKeyIncidentMessage(event);
        if (incident != null) {
            if (repository.hasType(event.cutoverId(), HOST_KEY_INCIDENT_TYPE)) {
                Log.infof("cutover %s lease %s: %s repeats the SSH host key refusal; its incident is already stored",
                        event.cutoverId(), event.leaseId(), event.type());
            } else {
                int n = store(thread, event, event.messageId() + HOST_KEY_INCIDENT_SUFFIX, HOST_KEY_INCIDENT_TYPE,
                        incident);
                created += n;
                Log.warnf("cutover %s lease %s: SSH host key changed (worker refused, %s); incident stored for %d channel(s)",
                        event.cutoverId(), event.leaseId(), event.type(), n);
            }
        }
        return created;
    }

    /**
     * A lease of a fleet: CUTOVER_STARTED and CUTOVER_GREEN post nothing (the wave messages carry them as counts);
     * an incident is one reply in the fleet's thread (masked: its reason comes from the worker or the operator),
     * followed by the host-key incident when the reason is the worker's host-key refusal, as for a single cutover.
     */
    private int acceptFleetMember(CutoverEvent event) {
        ChatThread thread = ChatThread.fleetReply(event.fleetId());
        ChatMessage text = FleetTexts.memberMessage(event);
        int created = 0;
        if (text == null) {
            Log.infof("cutover %s lease %s of fleet %s: %s not posted (the fleet's wave messages count it)",
                    event.cutoverId(), event.leaseId(), event.fleetId(), event.type());
        } else {
            created += store(thread, event, event.messageId(), event.type().name(), text);
            Log.infof("cutover %s lease %s of fleet %s: %s stored as a reply in the fleet's thread for %d channel(s)",
                    event.cutoverId(), event.leaseId(), event.fleetId(), event.type(), created);
        }
        ChatMessage incident = NotificationTexts.hostKeyIncidentMessage(event);
        if (incident != null && !repository.hasType(event.cutoverId(), HOST_KEY_INCIDENT_TYPE)) {
            int n = store(thread, event, event.messageId() + HOST_KEY_INCIDENT_SUFFIX, HOST_KEY_INCIDENT_TYPE,
                    incident);
            created += n;
            Log.warnf("cutover %s lease %s of fleet %s: SSH host key changed (worker refused, %s); incident stored for "
                    + "%d channel(s)", event.cutoverId(), event.leaseId(), event.fleetId(), event.type(), n);
        }
        return created;
    }

    /**
     * One PENDING row per enabled channel, in the given thread; returns how many. A single cutover's thread goes to
     * its region's Slack channel when one is configured; a fleet's thread spans regions and stays in the default one.
     */
    private int store(ChatThread thread, CutoverEvent event, String eventMessageId, String eventType,
            ChatMessage message) {
        Region region = thread.fleetId() == null ? event.region() : null;
        return store(thread, region, event.cutoverId(), event.leaseId(), eventMessageId, eventType, message);
    }

    /**
     * One PENDING row per enabled channel, in the given thread, to {@code region}'s target ({@code null}: the default
     * one); returns how many. The message is masked (reasons and summaries come from requests and workers), then
     * formatted for each channel.
     */
    public int store(ChatThread thread, Region region, String cutoverId, String leaseId, String eventMessageId,
            String eventType, ChatMessage message) {
        Instant now = Instant.now();
        int created = 0;
        ChatMessage masked = message.map(masker::mask);
        for (ChatClient client : clients) {
            Optional<String> target = client.target(region);
            if (target.isEmpty()) {
                continue;
            }
            Notification n = new Notification();
            n.cutoverId = cutoverId;
            n.leaseId = leaseId;
            n.fleetId = thread.fleetId();
            n.threadKey = thread.key();
            n.threadRole = thread.role();
            n.eventMessageId = eventMessageId;
            n.eventType = eventType;
            n.traceParent = com.maclogin.cutover.messaging.MessageTracing.currentTraceparent();
            n.channel = client.channel();
            n.target = target.get();
            switch (client.channel()) {
                case SLACK -> {
                    n.text = SlackFormat.text(masked);
                    n.blocks = SlackFormat.blocks(masked, dashboardBaseUrl);
                    n.broadcast = masked.broadcast();
                }
                case TELEGRAM -> n.text = TelegramFormat.text(masked);
            }
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

    /** A lease's health alerts (DOWN, recovery, certificate), in creation order. */
    @Transactional
    public List<NotificationView> byLease(String leaseId) {
        return repository.leaseAlerts(leaseId).stream().map(NotificationView::of).toList();
    }

    /** The fleet's thread: its own events and its leases' incidents, in creation order. */
    @Transactional
    public List<NotificationView> byFleet(String fleetId) {
        return repository.byFleet(fleetId).stream().map(NotificationView::of).toList();
    }
}
