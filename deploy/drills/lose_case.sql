-- Restore-check drill (deploy/restore_check.sh --tamper deploy/drills/lose_case.sql): the newest
-- case missing from the restored copy, as a damaged backup would lose it (foreign keys are not
-- enforced for this session). The cases table's row count must differ and the check fail.
SET session_replication_role = replica;
DELETE FROM cases_case WHERE id = (SELECT max(id) FROM cases_case);
