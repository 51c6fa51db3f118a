-- The BILLING module (added in 0016) for the memberships that administer their tenant: whoever holds
-- every TENANTS right gets every BILLING right, so existing administrators keep a full matrix. Others
-- are granted billing by an administrator.
INSERT INTO "membership_permission" ("membership_id", "module", "can_create", "can_read", "can_update", "can_delete")
SELECT "membership_id", 'BILLING', true, true, true, true
  FROM "membership_permission"
 WHERE "module" = 'TENANTS' AND "can_create" AND "can_read" AND "can_update" AND "can_delete"
ON CONFLICT DO NOTHING;
