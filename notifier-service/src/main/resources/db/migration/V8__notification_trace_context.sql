-- W3C trace context (traceparent) of the event a chat message was queued for: the ChatDelivered published when it is
-- posted (from the delivery poller, which has no context of its own) continues the cutover's trace with it
ALTER TABLE notification ADD COLUMN trace_parent text;
