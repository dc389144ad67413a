-- The per-channel pace of chat posts, shared by every notifier instance: a post may start only once next_post_at has
-- passed, and taking the slot moves it on by notifier.delivery.min-interval-per-channel in one conditional upsert, so two
-- instances never post to one channel within the interval (the vendors' ~1 message a second). See DeliveryService.
CREATE TABLE channel_pace (
    pace_key     VARCHAR(64) PRIMARY KEY,
    next_post_at TIMESTAMP(6) WITH TIME ZONE NOT NULL
);
