-- W3C trace context (traceparent) of the context each outbox row was written in; messaging-support's relay puts it
-- into the record's headers (the notifier's outbox came with V6, in a branch merged beside the trace work)
ALTER TABLE outbox ADD COLUMN trace_parent text;
