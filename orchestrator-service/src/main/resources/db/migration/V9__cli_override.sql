-- issue 10 point 5: an approved acceptance of a lease whose CLI and service differ (gate CLI_MATCHES_SERVICE) for
-- this cutover: "<approvedBy>: <reason>"; null when none. (V9, not V8: the messaging kit's branch takes V8.)
alter table cutover add column cli_override text;
