-- Issue 12: the continuous watch. Written by the lease.watch consumer (LeaseWatchReport) and read by the lease API,
-- the LEASE_HEALTH gate and the rolling LATENCY baseline.

-- per-lease watch interval (null = the worker's default, probe.watch.interval); published in the lease registry
alter table lease add column watch_interval_seconds integer;

-- the current health of each lease: one row per lease, created at its first report
create table lease_health (
    lease_id          varchar(63)  primary key references lease(id),
    state             varchar(12)  not null,
    reason            text,
    since             timestamptz  not null,   -- when the lease entered state
    observed_at       timestamptz  not null,   -- the last round any report described
    worker_id         varchar(128),
    crash_looping     boolean      not null default false,
    cert_days_left    integer,
    cert_alerted      boolean      not null default false,   -- a CERT_EXPIRING alert is out and not yet answered by CERT_RENEWED
    updated_at        timestamptz  not null
);

-- every change of a lease's health (the gate reads "DOWN or crash-looping in the last 10 minutes" from here)
create table lease_health_change (
    id                bigserial    primary key,
    lease_id          varchar(63)  not null references lease(id),
    state             varchar(12)  not null,
    previous_state    varchar(12),
    reason            text,
    crash_looping     boolean      not null default false,
    at                timestamptz  not null
);
create index lease_health_change_lease_at on lease_health_change(lease_id, at desc);

-- per lease per minute roll-up (WatchRollup); a redelivered report of the same minute replaces the row
create table lease_rollup (
    lease_id          varchar(63)  not null references lease(id),
    minute_start      timestamptz  not null,
    rounds            integer      not null,
    layers            jsonb        not null,   -- [WatchLayerCounts]
    latency_histogram text,                    -- HdrHistogram V2 compressed, base64 (WatchRollup.latencyHistogram)
    latency_samples   bigint       not null default 0,
    latency_p50_ms    bigint,
    latency_p95_ms    bigint,
    latency_p99_ms    bigint,
    latency_max_ms    bigint,
    cert_days_left    integer,
    disk_free_percent double precision,
    process_runs      integer,
    process_restarts  integer      not null default 0,
    state             varchar(12)  not null,   -- health at the minute's end
    worker_id         varchar(128),
    received_at       timestamptz  not null,
    primary key (lease_id, minute_start)
);
create index lease_rollup_minute on lease_rollup(minute_start);
