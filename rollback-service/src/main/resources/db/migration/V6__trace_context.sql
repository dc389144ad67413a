-- W3C trace context (traceparent): each outbox row keeps the context it was written in (the relay puts it into the
-- record's headers); a rollback keeps the context of the message that started it, so its deadline watchdog continues it
ALTER TABLE outbox ADD COLUMN trace_parent text;
ALTER TABLE rollback ADD COLUMN trace_parent text;
