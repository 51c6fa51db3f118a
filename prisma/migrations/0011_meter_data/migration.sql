-- Meter data management (issue 17): quality flags with the rule that set them, operator revisions of
-- readings, validation/estimation/leak parameters per tenant and subscription group, the estimated share
-- of the daily rollups, and the register capacity of meter profiles (rollover).

-- Quality flags: GOOD becomes VALID (a rename keeps every stored value and the column default), EDITED is new.
ALTER TYPE "reading_quality" RENAME VALUE 'GOOD' TO 'VALID';
ALTER TYPE "reading_quality" ADD VALUE 'EDITED';

ALTER TABLE "reading" ADD COLUMN "quality_rule" VARCHAR(40);
-- The backward-index handling of earlier releases is now the rule of that name.
UPDATE "reading" SET "quality_rule" = 'backward-index' WHERE "quality" = 'SUSPECT';
ALTER TABLE "reading" ADD CONSTRAINT "reading_quality_rule_set" CHECK ("quality" = 'VALID' OR "quality_rule" IS NOT NULL);

ALTER TABLE "meter_profile" ADD COLUMN "register_capacity_m3" DECIMAL(14,3);
ALTER TABLE "meter_profile" ADD CONSTRAINT "meter_profile_register_capacity_positive" CHECK ("register_capacity_m3" IS NULL OR "register_capacity_m3" > 0);

-- Rollups report how much of each day is estimated.
ALTER TABLE "meter_daily_consumption" ADD COLUMN "estimated_m3" DECIMAL(14,3) NOT NULL DEFAULT 0;
ALTER TABLE "tenant_daily_consumption" ADD COLUMN "estimated_m3" DECIMAL(16,3) NOT NULL DEFAULT 0;

CREATE OR REPLACE FUNCTION tenant_daily_consumption_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO tenant_daily_consumption AS t (tenant_id, day, consumption_m3, reading_count, estimated_m3)
    SELECT tenant_id, day, sum(consumption_m3), sum(reading_count), sum(estimated_m3) FROM new_rows GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (tenant_id, day) DO UPDATE
      SET consumption_m3 = t.consumption_m3 + excluded.consumption_m3, reading_count = t.reading_count + excluded.reading_count,
          estimated_m3 = t.estimated_m3 + excluded.estimated_m3;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO tenant_daily_consumption AS t (tenant_id, day, consumption_m3, reading_count, estimated_m3)
    SELECT tenant_id, day, sum(m3), sum(n), sum(e)
      FROM (SELECT tenant_id, day, consumption_m3 AS m3, reading_count AS n, estimated_m3 AS e FROM new_rows
            UNION ALL
            SELECT tenant_id, day, -consumption_m3, -reading_count, -estimated_m3 FROM old_rows) d
     GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (tenant_id, day) DO UPDATE
      SET consumption_m3 = t.consumption_m3 + excluded.consumption_m3, reading_count = t.reading_count + excluded.reading_count,
          estimated_m3 = t.estimated_m3 + excluded.estimated_m3;
  ELSE
    UPDATE tenant_daily_consumption t
       SET consumption_m3 = t.consumption_m3 - d.m3, reading_count = t.reading_count - d.n, estimated_m3 = t.estimated_m3 - d.e
      FROM (SELECT tenant_id, day, sum(consumption_m3) AS m3, sum(reading_count) AS n, sum(estimated_m3) AS e FROM old_rows GROUP BY 1, 2) d
     WHERE t.tenant_id = d.tenant_id AND t.day = d.day;
  END IF;
  RETURN NULL;
END $$;

CREATE TABLE "reading_revision" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "device_id" UUID NOT NULL,
    "meter_id" UUID NOT NULL,
    "time" TIMESTAMPTZ(3) NOT NULL,
    "action" VARCHAR(10) NOT NULL,
    "reason" VARCHAR(500) NOT NULL,
    "before" JSONB,
    "after" JSONB NOT NULL,
    "photo" BYTEA,
    "photo_content_type" VARCHAR(40),
    "revised_by" UUID,
    "revised_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "reading_revision_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "reading_revision_action" CHECK ("action" IN ('create', 'update')),
    CONSTRAINT "reading_revision_reason_present" CHECK (length(btrim("reason")) > 0),
    CONSTRAINT "reading_revision_photo_typed" CHECK (("photo" IS NULL) = ("photo_content_type" IS NULL)),
    CONSTRAINT "reading_revision_photo_size" CHECK ("photo" IS NULL OR octet_length("photo") <= 2097152),
    CONSTRAINT "reading_revision_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE,
    CONSTRAINT "reading_revision_revised_by_fkey" FOREIGN KEY ("revised_by") REFERENCES "app_user"("id") ON DELETE SET NULL
);
CREATE INDEX "reading_revision_meter_id_time_idx" ON "reading_revision" ("meter_id", "time");
CREATE INDEX "reading_revision_device_id_time_idx" ON "reading_revision" ("device_id", "time");

CREATE TABLE "meter_data_settings" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "subscription_group_id" UUID,
    "params" JSONB NOT NULL DEFAULT '{}',
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" UUID,
    CONSTRAINT "meter_data_settings_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "meter_data_settings_params_object" CHECK (jsonb_typeof("params") = 'object'),
    CONSTRAINT "meter_data_settings_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE,
    CONSTRAINT "meter_data_settings_subscription_group_id_fkey" FOREIGN KEY ("subscription_group_id") REFERENCES "subscription_group"("id") ON DELETE CASCADE
);
CREATE INDEX "meter_data_settings_tenant_id_idx" ON "meter_data_settings" ("tenant_id");
-- One row per tenant and group, the tenant's own row (group NULL) included.
CREATE UNIQUE INDEX "meter_data_settings_scope" ON "meter_data_settings" ("tenant_id", coalesce("subscription_group_id", '00000000-0000-0000-0000-000000000000'::uuid));

-- Row-level security as migration 0010: both tables carry their tenant.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['reading_revision', 'meter_data_settings'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_scope ON %I TO water_api
         USING ((SELECT water_scope_all()) OR tenant_id = ANY ((SELECT water_scope_tenants())::uuid[]))
         WITH CHECK ((SELECT water_scope_all()) OR tenant_id = ANY ((SELECT water_scope_tenants())::uuid[]))', t);
  END LOOP;
END $$;
GRANT SELECT, INSERT, UPDATE, DELETE ON "reading_revision", "meter_data_settings" TO water_api;

-- The consumption answers' estimated share reads a meter's estimates only: few rows, one small index.
CREATE INDEX "reading_meter_id_time_estimated" ON "reading" ("meter_id", "time") WHERE "quality" = 'ESTIMATED';
