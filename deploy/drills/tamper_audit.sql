-- Restore-check drill (deploy/restore_check.sh --tamper deploy/drills/tamper_audit.sql): one audit
-- entry rewritten in the restored copy, as an altered backup would carry it. verify_audit must
-- name it and the check fail.
ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only;
UPDATE core_auditentry SET actor_label = actor_label || '（改）'
 WHERE id = (SELECT id FROM core_auditentry ORDER BY id OFFSET 100 LIMIT 1);
ALTER TABLE core_auditentry ENABLE TRIGGER core_auditentry_append_only;
