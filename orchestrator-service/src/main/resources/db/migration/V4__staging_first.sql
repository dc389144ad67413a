-- issue 5 point 3: a staging lease is cut over before production leases
alter table lease add column stage varchar(10) not null default 'PRODUCTION';
alter table lease add constraint lease_stage_check check (stage in ('STAGING', 'PRODUCTION'));
-- an approved skip of the staging-first gate for this cutover: "<approvedBy>: <reason>"; null when none
alter table cutover add column staging_override text;
-- the staging-first gate looks for a GREEN cutover of a version
create index cutover_green_version_idx on cutover(candidate_version) where state = 'GREEN';
