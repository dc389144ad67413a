-- the inventory gate's hash of the package tree's stat listing: RESTORE skips the content hash when it is unchanged
ALTER TABLE rollback ADD COLUMN expected_package_stat_sha256 VARCHAR(64);
