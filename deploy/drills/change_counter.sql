-- Restore-check drill (deploy/restore_check.sh --tamper deploy/drills/change_counter.sql): one
-- case fewer counted as handled in time in the restored copy's counters (the first such row).
-- That town's 调处率 for that month and the whole range must differ and the check fail.
UPDATE cases_casestats SET handled_in_time = handled_in_time - 1
 WHERE id = (SELECT id FROM cases_casestats WHERE handled_in_time > 0 ORDER BY period DESC, id LIMIT 1);
