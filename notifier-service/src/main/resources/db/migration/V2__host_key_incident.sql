-- The SSH host-key incident is posted once per cutover and channel, whichever events carry the worker's refusal.
CREATE UNIQUE INDEX notification_host_key_incident_uk ON notification (cutover_id, channel)
    WHERE event_type = 'HOST_KEY_CHANGED';
