-- The console's integration list (last uplink, counts by status over 24 h) and the uplink inspector's
-- per-integration view read one integration's uplinks by time.
CREATE INDEX "uplink_integration_id_received_at_idx" ON "uplink" ("integration_id", "received_at" DESC);
