-- Issue 12 P5 (one orchestrator, 10,000 concurrent cutovers): the outbox relay's dispatch hook finds a step by the
-- command it just published (CutoverStepRepository.byCommandMessageId, OutboxRepository.markDispatched): without an
-- index both were a sequential scan of every step row ever written, once per dispatched command.
create index cutover_step_command_idx on cutover_step(command_message_id);
