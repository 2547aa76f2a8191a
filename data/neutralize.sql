-- A neutralized copy of a database must never talk to the users' real Microsoft mailboxes.
UPDATE outlook_account
   SET token_cache = NULL, sign_in_flow = NULL, delta_link = NULL, state = 'disconnected';
DELETE FROM outlook_outbox;
UPDATE ir_cron SET active = FALSE
 WHERE id IN (SELECT res_id FROM ir_model_data
               WHERE module = 'outlook_calendar_sync' AND model = 'ir.cron');
INSERT INTO ir_config_parameter (key, value, create_date, write_date)
VALUES ('outlook_calendar_sync.paused', 'True', now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')
ON CONFLICT (key) DO UPDATE SET value = 'True';
