-- Daily consumption per tenant, for dashboards over whole fleets: a year of a 1,200-meter fleet is
-- 438,000 meter-days to sum but 365 tenant-days (docs/benchmarks.md, B5). Kept from
-- meter_daily_consumption by statement-level triggers, so every writer (worker, seed, imports) keeps
-- both in step without knowing of it. Rows are locked in (tenant, day) order, so concurrent writers
-- cannot deadlock on them.
CREATE TABLE "tenant_daily_consumption" (
    "tenant_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "consumption_m3" DECIMAL(16,3) NOT NULL DEFAULT 0,
    "reading_count" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "tenant_daily_consumption_pkey" PRIMARY KEY ("tenant_id", "day"),
    CONSTRAINT "tenant_daily_consumption_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE
);

INSERT INTO "tenant_daily_consumption" ("tenant_id", "day", "consumption_m3", "reading_count")
SELECT "tenant_id", "day", sum("consumption_m3"), sum("reading_count")
  FROM "meter_daily_consumption"
 GROUP BY 1, 2;

CREATE FUNCTION tenant_daily_consumption_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO tenant_daily_consumption AS t (tenant_id, day, consumption_m3, reading_count)
    SELECT tenant_id, day, sum(consumption_m3), sum(reading_count) FROM new_rows GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (tenant_id, day) DO UPDATE
      SET consumption_m3 = t.consumption_m3 + excluded.consumption_m3, reading_count = t.reading_count + excluded.reading_count;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO tenant_daily_consumption AS t (tenant_id, day, consumption_m3, reading_count)
    SELECT tenant_id, day, sum(m3), sum(n)
      FROM (SELECT tenant_id, day, consumption_m3 AS m3, reading_count AS n FROM new_rows
            UNION ALL
            SELECT tenant_id, day, -consumption_m3, -reading_count FROM old_rows) d
     GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (tenant_id, day) DO UPDATE
      SET consumption_m3 = t.consumption_m3 + excluded.consumption_m3, reading_count = t.reading_count + excluded.reading_count;
  ELSE
    UPDATE tenant_daily_consumption t
       SET consumption_m3 = t.consumption_m3 - d.m3, reading_count = t.reading_count - d.n
      FROM (SELECT tenant_id, day, sum(consumption_m3) AS m3, sum(reading_count) AS n FROM old_rows GROUP BY 1, 2) d
     WHERE t.tenant_id = d.tenant_id AND t.day = d.day;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "meter_daily_consumption_to_tenant_insert" AFTER INSERT ON "meter_daily_consumption"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tenant_daily_consumption_add();
CREATE TRIGGER "meter_daily_consumption_to_tenant_update" AFTER UPDATE ON "meter_daily_consumption"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tenant_daily_consumption_add();
CREATE TRIGGER "meter_daily_consumption_to_tenant_delete" AFTER DELETE ON "meter_daily_consumption"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tenant_daily_consumption_add();
