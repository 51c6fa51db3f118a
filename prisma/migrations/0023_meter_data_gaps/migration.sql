-- Meter data management gaps (issue 17): readings of a meter without a device, a per-day quality rollup
-- for the data-quality report, and the retention of uploaded import files.

-- 1. A meter without a device keeps its hand-read readings under its own id (docs/decisions.md "Readings
--    of a meter without a device"): device_id is the reading's series key. A network reading always has
--    a device behind it.
COMMENT ON COLUMN "reading"."device_id" IS 'The series key: the device that reported the reading, or the meter''s own id for a reading of a meter without a device (manual, imported); no device row stands behind that key.';
ALTER TABLE "reading" ADD CONSTRAINT "reading_network_from_device" CHECK ("source" <> 'NETWORK' OR "meter_id" IS NULL OR "device_id" <> "meter_id");

-- 2. Quality rollup. Per tenant and local day: how many readings of each quality and rule
--    (tenant_daily_quality) and, for the meters with any non-VALID reading that day, their counts
--    (meter_daily_quality). A day's counts are taken from its readings by water_count_quality_day() (the
--    worker's daily run); quality_day says whether they still hold: `version` is bumped by every change to a
--    closed day's readings the counts may not know (the meter rollup's triggers below, the stuck rule), and
--    the counts are good while counted_version = version. The report reads good days from here and the
--    others (today, days changed since) from the readings.
CREATE TABLE "quality_day" (
    "tenant_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "counted_version" INTEGER NOT NULL DEFAULT 0,
    "counted_at" TIMESTAMPTZ(3),
    CONSTRAINT "quality_day_pkey" PRIMARY KEY ("tenant_id", "day"),
    CONSTRAINT "quality_day_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE
);

CREATE TABLE "tenant_daily_quality" (
    "tenant_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "quality" "reading_quality" NOT NULL,
    -- '' for none (a VALID reading without a rule): a primary key column cannot be NULL.
    "rule" VARCHAR(40) NOT NULL DEFAULT '',
    "readings" INTEGER NOT NULL,
    CONSTRAINT "tenant_daily_quality_pkey" PRIMARY KEY ("tenant_id", "day", "quality", "rule"),
    CONSTRAINT "tenant_daily_quality_readings_positive" CHECK ("readings" > 0),
    CONSTRAINT "tenant_daily_quality_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE
);

CREATE TABLE "meter_daily_quality" (
    "meter_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "tenant_id" UUID NOT NULL,
    "valid" INTEGER NOT NULL,
    "suspect" INTEGER NOT NULL,
    "estimated" INTEGER NOT NULL,
    "edited" INTEGER NOT NULL,
    CONSTRAINT "meter_daily_quality_pkey" PRIMARY KEY ("meter_id", "day"),
    CONSTRAINT "meter_daily_quality_has_issues" CHECK ("suspect" + "estimated" + "edited" > 0),
    CONSTRAINT "meter_daily_quality_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE
);
CREATE INDEX "meter_daily_quality_tenant_id_day_idx" ON "meter_daily_quality" ("tenant_id", "day");

-- Marks closed local days of a tenant changed (today is always read from the readings: bumping it on every
-- worker batch would queue the batches of a tenant behind one row).
CREATE OR REPLACE FUNCTION water_quality_days_changed(p_tenant uuid, p_days date[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO quality_day AS q (tenant_id, day)
  SELECT p_tenant, d FROM unnest(p_days) AS d, tenant t
   WHERE t.id = p_tenant AND d < (now() AT TIME ZONE t.time_zone)::date
   ORDER BY d
  ON CONFLICT (tenant_id, day) DO UPDATE SET version = q.version + 1;
$$;

-- Every write of the meter rollup (the worker's late readings, a correction's or revalidation's cut of the
-- meter's days, a tenant's zone change) marks the closed days it touches.
CREATE OR REPLACE FUNCTION meter_daily_consumption_quality_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO quality_day AS q (tenant_id, day)
  SELECT DISTINCT c.tenant_id, c.day
    FROM (SELECT tenant_id, day FROM changed_rows) c
    JOIN tenant t ON t.id = c.tenant_id
   WHERE c.day < (now() AT TIME ZONE t.time_zone)::date
   ORDER BY 1, 2
  ON CONFLICT (tenant_id, day) DO UPDATE SET version = q.version + 1;
  RETURN NULL;
END $$;
CREATE TRIGGER "meter_daily_consumption_quality_insert" AFTER INSERT ON "meter_daily_consumption"
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION meter_daily_consumption_quality_mark();
CREATE TRIGGER "meter_daily_consumption_quality_update" AFTER UPDATE ON "meter_daily_consumption"
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION meter_daily_consumption_quality_mark();
CREATE TRIGGER "meter_daily_consumption_quality_delete" AFTER DELETE ON "meter_daily_consumption"
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION meter_daily_consumption_quality_mark();

-- Counts one local day of a tenant from its readings. The version is read first: a change committed while
-- the day is counted bumps it past counted_version, so the day stays to count again. Two counts of one day
-- wait for each other (advisory lock).
CREATE OR REPLACE FUNCTION water_count_quality_day(p_tenant uuid, p_day date) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v integer;
  tz text;
  t0 timestamptz;
  t1 timestamptz;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('quality_day' || p_tenant::text || p_day::text, 0));
  INSERT INTO quality_day (tenant_id, day) VALUES (p_tenant, p_day) ON CONFLICT DO NOTHING;
  SELECT version INTO v FROM quality_day WHERE tenant_id = p_tenant AND day = p_day;
  SELECT time_zone INTO tz FROM tenant WHERE id = p_tenant;
  t0 := p_day::timestamp AT TIME ZONE tz;
  t1 := (p_day + 1)::timestamp AT TIME ZONE tz;
  DELETE FROM tenant_daily_quality WHERE tenant_id = p_tenant AND day = p_day;
  DELETE FROM meter_daily_quality WHERE tenant_id = p_tenant AND day = p_day;
  INSERT INTO tenant_daily_quality (tenant_id, day, quality, rule, readings)
  SELECT p_tenant, p_day, quality, coalesce(quality_rule, ''), count(*)::int
    FROM reading WHERE tenant_id = p_tenant AND time >= t0 AND time < t1
   GROUP BY quality, coalesce(quality_rule, '');
  INSERT INTO meter_daily_quality (meter_id, day, tenant_id, valid, suspect, estimated, edited)
  SELECT meter_id, p_day, p_tenant,
         count(*) FILTER (WHERE quality = 'VALID')::int, count(*) FILTER (WHERE quality = 'SUSPECT')::int,
         count(*) FILTER (WHERE quality = 'ESTIMATED')::int, count(*) FILTER (WHERE quality = 'EDITED')::int
    FROM reading WHERE tenant_id = p_tenant AND time >= t0 AND time < t1 AND meter_id IS NOT NULL
   GROUP BY meter_id
  HAVING count(*) FILTER (WHERE quality <> 'VALID') > 0;
  UPDATE quality_day SET counted_version = v, counted_at = now() WHERE tenant_id = p_tenant AND day = p_day;
END $$;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['quality_day', 'tenant_daily_quality', 'meter_daily_quality'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_scope ON %I TO water_api
         USING ((SELECT water_scope_all()) OR tenant_id = ANY ((SELECT water_scope_tenants())::uuid[]))
         WITH CHECK ((SELECT water_scope_all()) OR tenant_id = ANY ((SELECT water_scope_tenants())::uuid[]))', t);
  END LOOP;
END $$;
GRANT SELECT, INSERT, UPDATE, DELETE ON "quality_day", "tenant_daily_quality", "meter_daily_quality" TO water_api;

-- 3. Retention of uploads: a finished upload's chunks are deleted after IMPORT_RETENTION_DAYS; the file's
--    row stays (name, size, when purged) with its jobs, counts and row errors.
ALTER TABLE "import_file" ADD COLUMN "purged_at" TIMESTAMPTZ(3);
CREATE INDEX "import_file_created_at_unpurged" ON "import_file" ("created_at") WHERE "purged_at" IS NULL;
