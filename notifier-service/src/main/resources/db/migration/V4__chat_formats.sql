-- Issue 14: Slack messages carry Block Kit blocks and incidents/outcomes are broadcast from the thread into the channel;
-- a Telegram post that may have been delivered (timed out after the request was sent) is retried blind a bounded
-- number of times. text stays what is sent as the message text (Slack: the escaped mrkdwn fallback).
ALTER TABLE notification ADD COLUMN blocks TEXT;
ALTER TABLE notification ADD COLUMN broadcast BOOLEAN NOT NULL DEFAULT FALSE;
-- attempts that ended after the request was sent without an answer (the message may exist)
ALTER TABLE notification ADD COLUMN uncertain_attempts INTEGER NOT NULL DEFAULT 0;
