-- Issue 12: what the lease.watch consumer needs beyond V14.

-- a DOWN alert is out and not yet answered by a recovery (HEALTHY or DEGRADED): the recovery alert is sent only then,
-- also when the lease went DOWN -> UNKNOWN/UNREACHABLE -> HEALTHY, and a second DOWN after UNREACHABLE is not a second alert
alter table lease_health add column down_alerted boolean not null default false;

-- the retention job deletes health changes by age in batches
create index lease_health_change_at on lease_health_change(at);
