-- Fleet threads. A fleet cutover gets one thread per channel: its banner (FLEET_STARTED) opens it, and every other
-- fleet event and every incident of a lease in the fleet replies to that banner. thread_key groups the rows of one
-- thread (a single cutover: its cutover id, as before; a fleet: 'fleet:' || fleet id). thread_role says how a row
-- finds its parent: CUTOVER (a single cutover's message: the first one posted is the parent), BANNER (opens a fleet
-- thread, never a reply), REPLY (waits until its fleet's banner is posted, then replies to it).
ALTER TABLE notification ADD COLUMN fleet_id VARCHAR(255);
ALTER TABLE notification ADD COLUMN thread_key VARCHAR(255);
UPDATE notification SET thread_key = cutover_id;
ALTER TABLE notification ALTER COLUMN thread_key SET NOT NULL;
ALTER TABLE notification ADD COLUMN thread_role VARCHAR(16) NOT NULL DEFAULT 'CUTOVER';
ALTER TABLE notification ADD CONSTRAINT notification_thread_role_ck
    CHECK (thread_role IN ('CUTOVER', 'BANNER', 'REPLY'));
CREATE INDEX notification_thread_idx ON notification (thread_key, channel, id);
CREATE INDEX notification_fleet_idx ON notification (fleet_id, id) WHERE fleet_id IS NOT NULL;
-- one banner per fleet and channel, whatever FLEET_STARTED message ids arrive
CREATE UNIQUE INDEX notification_fleet_banner_uk ON notification (thread_key, channel) WHERE thread_role = 'BANNER';
