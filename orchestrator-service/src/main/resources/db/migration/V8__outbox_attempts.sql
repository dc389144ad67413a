-- the messaging-support relay records each publication attempt and the last error of a row the broker did not take
alter table outbox add column publish_attempts integer not null default 0;
alter table outbox add column last_error text;
