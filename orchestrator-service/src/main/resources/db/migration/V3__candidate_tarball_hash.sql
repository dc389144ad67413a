-- issue 5 point 6: optional sha256 of the npm tarball openclaw-<version>.tgz, checked by INSTALL_CANDIDATE
alter table cutover add column candidate_sha256 varchar(64);
