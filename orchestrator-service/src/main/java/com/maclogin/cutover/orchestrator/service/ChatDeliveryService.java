package com.maclogin.cutover.orchestrator.service;

import com.maclogin.cutover.contracts.ChatDelivered;
import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.orchestrator.Cutover;
import com.maclogin.cutover.orchestrator.StreamEvents;
import com.maclogin.cutover.orchestrator.repository.CutoverRepository;
import com.maclogin.cutover.orchestrator.repository.EventLogRepository;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.Map;

/** notifier-service's ChatDelivered records become CHAT_DELIVERED rows of the event log (the live stream). */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class ChatDeliveryService {

    private final CutoverRepository cutovers;
    private final EventLogRepository eventLog;

    public ChatDeliveryService(CutoverRepository cutovers, EventLogRepository eventLog) {
        this.cutovers = cutovers;
        this.eventLog = eventLog;
    }

    public void handle(ChatDelivered d) {
        if (d.messageId() == null || d.cutoverId() == null || d.schemaVersion() > CutoverMessage.SCHEMA_VERSION) {
            Log.warnf("chat delivery %s (cutover %s) incomplete or of a newer schema; ignored", d.messageId(), d.cutoverId());
            return;
        }
        Map<String, Object> data = EventLogRepository.fields("channel", d.channel(), "kind", d.kind(),
                "outcome", d.outcome(), "attempts", d.attempts(), "deliveredAt", d.timestamp());
        if (d.aboutFleet()) {
            eventLog.append(StreamEvents.CHAT_DELIVERED, null, d.fleetId(), null, null, data);
            return;
        }
        Cutover c = cutovers.findById(d.cutoverId());
        if (c == null) {
            Log.warnf("chat delivery %s for unknown cutover %s (lease %s) ignored", d.messageId(), d.cutoverId(),
                    d.leaseId());
            return;
        }
        eventLog.append(c, StreamEvents.CHAT_DELIVERED, data);
    }
}
