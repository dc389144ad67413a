-- W3C trace context (traceparent): each outbox row keeps the context it was written in (the relay puts it into the
-- record's headers); a cutover keeps the context of its first span, so timer- and relay-driven work continues its trace
alter table outbox add column trace_parent text;
alter table cutover add column trace_parent text;
