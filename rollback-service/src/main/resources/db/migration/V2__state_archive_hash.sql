-- issue 5 point 3: the SNAPSHOT's state/config archive hash is part of a verified restore
ALTER TABLE rollback ADD COLUMN expected_state_sha256 VARCHAR(255);
ALTER TABLE rollback ADD COLUMN found_state_sha256 VARCHAR(255);
ALTER TABLE rollback_event ADD COLUMN expected_state_sha256 VARCHAR(255);
ALTER TABLE rollback_event ADD COLUMN found_state_sha256 VARCHAR(255);
