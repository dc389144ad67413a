-- PLAYBOOK step 4 (optional parallel run): the canary port and window of the request; null = no canary
alter table cutover add column canary_port integer;
alter table cutover add column canary_seconds integer;
alter table cutover add constraint cutover_canary_check check ((canary_port is null) = (canary_seconds is null));
