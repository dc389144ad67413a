-- the saga data of a cutover (INVENTORY hashes, running version, pinned node, latency baseline, SNAPSHOT's state archive)
-- kept typed on the cutover instead of re-read from earlier steps' facts; null for cutovers started before this
-- migration (the engine then derives it from the stored facts once)
alter table cutover add column saga_data jsonb;
