-- one outbox shape for every service (messaging-support's OutboxStore): the message record's type is column "type"
ALTER TABLE outbox RENAME COLUMN message_type TO type;
