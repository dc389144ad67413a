-- One row per (event, chat channel): what was (or will be) posted, and the external id it got.
CREATE TABLE notification (
    id                BIGSERIAL PRIMARY KEY,
    cutover_id        VARCHAR(255) NOT NULL,
    lease_id          VARCHAR(255) NOT NULL,
    event_message_id  VARCHAR(255) NOT NULL,
    event_type        VARCHAR(32)  NOT NULL,
    channel           VARCHAR(16)  NOT NULL,
    target            VARCHAR(255) NOT NULL,
    text              TEXT         NOT NULL,
    status            VARCHAR(16)  NOT NULL,
    external_id       VARCHAR(64),
    parent_external_id VARCHAR(64),
    attempts          INTEGER      NOT NULL DEFAULT 0,
    last_error        VARCHAR(1000),
    next_attempt_at   TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    created_at        TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    posted_at         TIMESTAMP(6) WITH TIME ZONE,
    CONSTRAINT notification_event_channel_uk UNIQUE (event_message_id, channel),
    CONSTRAINT notification_status_ck CHECK (status IN ('PENDING', 'POSTED', 'FAILED'))
);
CREATE INDEX notification_cutover_idx ON notification (cutover_id, channel, id);
CREATE INDEX notification_pending_idx ON notification (next_attempt_at) WHERE status = 'PENDING';

-- Inbox: cutover.events message ids already turned into notification rows.
CREATE TABLE processed_event (
    message_id   VARCHAR(255) PRIMARY KEY,
    cutover_id   VARCHAR(255) NOT NULL,
    processed_at TIMESTAMP(6) WITH TIME ZONE NOT NULL
);
