-- Issue 21: subscription group names in Turkish and English. "name" stays the Turkish name (required);
-- "name_en" is the English one, optional: the console shows the other name when one is missing.
ALTER TABLE "subscription_group" ADD COLUMN "name_en" VARCHAR(100);

-- The seed wrote the brief's English names into "name". Where a group still carries one of them
-- unchanged, it becomes the English name and "name" gets the Turkish; a name a utility typed stays.
UPDATE "subscription_group" SET "name_en" = "name", "name" = 'Normal Tüketim' WHERE "code" = 'NORMAL' AND "name" = 'Normal Consumption';
UPDATE "subscription_group" SET "name_en" = "name", "name" = 'Yüksek Tüketim' WHERE "code" = 'HIGH' AND "name" = 'High Consumption';

-- A search finds a group by either name (migration 0014's rule, one field a line). A generated
-- column's expression cannot be altered in PostgreSQL 15: drop it and add it again (no index uses it).
ALTER TABLE "subscription_group" DROP COLUMN "search_text";
ALTER TABLE "subscription_group" ADD COLUMN "search_text" text GENERATED ALWAYS AS (water_fold(
  "code" || E'\n' || "name" || E'\n' || coalesce("name_en", '')
)) STORED;
