-- A meter's history reads index and device with the time: cover them so a year of one meter reads
-- ~86 index pages instead of ~8,800 heap pages (docs/benchmarks.md, B4). Replaces the plain index.
CREATE INDEX "reading_meter_id_time_covering" ON "reading" ("meter_id", "time" DESC) INCLUDE ("index_m3", "device_id");
DROP INDEX IF EXISTS "reading_meter_id_time_idx";
