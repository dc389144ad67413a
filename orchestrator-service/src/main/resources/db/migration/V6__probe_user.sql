-- playbook: probes run as a different OS user than the gateway. The OS account the VALIDATE probe matrix logs in as;
-- leases registered before this migration get the default account (the service refuses probe_user = ssh_user)
alter table lease add column probe_user varchar(32) not null default 'openclaw-probe';
