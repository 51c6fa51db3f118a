-- A job retried after a worker died must not store its raw uplink twice: one row per device,
-- reception time and frame counter. (Includes the hypertable's time column, as TimescaleDB requires.)
CREATE UNIQUE INDEX "uplink_frame_key" ON "uplink" ("device_id", "received_at", (coalesce("f_cnt", -1)));
