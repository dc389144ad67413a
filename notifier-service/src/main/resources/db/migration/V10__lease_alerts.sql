-- Issue 12: chat alerts for lease health (lease.health, LeaseHealthEvent with alert true). A lease alert belongs to no
-- cutover: its rows have no cutover id, thread_role LEASE and thread_key 'lease:<lease id>#<n>' (one thread per DOWN
-- or certificate warning, its recovery replies to it), and publish no ChatDelivered (no cutover stream to join).
ALTER TABLE notification ALTER COLUMN cutover_id DROP NOT NULL;
ALTER TABLE notification DROP CONSTRAINT notification_thread_role_ck;
ALTER TABLE notification ADD CONSTRAINT notification_thread_role_ck
    CHECK (thread_role IN ('CUTOVER', 'BANNER', 'REPLY', 'LEASE'));
CREATE INDEX notification_lease_alert_idx ON notification (lease_id, id) WHERE thread_role = 'LEASE';

-- What the notifier last learned of each lease's health from lease.health (alert or not), and which of its alert
-- messages are open: the deduplication (one message per change) and the threading of recoveries. One row per lease,
-- locked (select for update) by the consumer's transaction that reads and changes it.
CREATE TABLE lease_alert (
    lease_id          VARCHAR(255) PRIMARY KEY,
    -- the state of the last STATE_CHANGED applied, and since when (an older event is stale, the same state a repeat)
    health_state      VARCHAR(16),
    health_since      TIMESTAMP(6) WITH TIME ZONE,
    -- the thread of the open DOWN message (posted, not yet recovered) and when the lease went DOWN; null when none
    down_thread_key   VARCHAR(255),
    down_since        TIMESTAMP(6) WITH TIME ZONE,
    -- EXPIRING (under the warning limit) or OK, from the last certificate event applied, and that event's time
    cert_state        VARCHAR(16),
    cert_at           TIMESTAMP(6) WITH TIME ZONE,
    -- the thread of the open certificate warning; null when none
    cert_thread_key   VARCHAR(255),
    -- alert threads opened so far for this lease: the <n> of the next 'lease:<id>#<n>'
    threads           BIGINT       NOT NULL DEFAULT 0,
    last_message_id   VARCHAR(255),
    updated_at        TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT lease_alert_health_ck
        CHECK (health_state IS NULL OR health_state IN ('HEALTHY', 'DEGRADED', 'DOWN', 'UNREACHABLE', 'UNKNOWN')),
    CONSTRAINT lease_alert_cert_ck CHECK (cert_state IS NULL OR cert_state IN ('EXPIRING', 'OK'))
);
