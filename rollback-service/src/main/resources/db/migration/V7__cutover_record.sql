-- rollback-service's own record of each cutover it may have to roll back (issue 11 point 2): what a restore needs,
-- sent by the orchestrator (RollbackRequested with purpose ARM) once SNAPSHOT recorded the hashes and again on every
-- later epoch change. A breach, request or result that contradicts it is audited and ignored; a restore takes lease,
-- versions and hashes from here, never from the breach.
CREATE TABLE cutover_record (
    cutover_id                   VARCHAR(255) PRIMARY KEY,
    lease_id                     VARCHAR(255) NOT NULL,
    region                       VARCHAR(255),
    epoch                        BIGINT       NOT NULL,
    target                       JSONB,
    ticket_id                    VARCHAR(255),
    rollback_owner               VARCHAR(255),
    previous_version             VARCHAR(255),
    candidate_version            VARCHAR(255),
    expected_plist_sha256        VARCHAR(255),
    expected_package_sha256      VARCHAR(255),
    expected_state_sha256        VARCHAR(255),
    expected_package_stat_sha256 VARCHAR(255),
    armed_message_id             VARCHAR(255),
    armed_at                     TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at                   TIMESTAMP WITH TIME ZONE NOT NULL
);
