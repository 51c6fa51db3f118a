-- Issue 21: IP rating descriptions in Turkish and English, as subscription group names (migration 0030).
-- "description" is the Turkish one; "description_en" the English one; both optional.
ALTER TABLE "ip_rating" ADD COLUMN "description_en" VARCHAR(200);

-- The seed wrote English descriptions into "description". Where a rating still carries the seed's exact
-- text, it becomes the English one and the Turkish is written; a description a utility typed stays.
UPDATE "ip_rating" r SET "description_en" = r."description", "description" = s.tr
  FROM (VALUES
    ('IP44', 'Protected against solid objects over 1 mm and splashing water', '1 mm''den büyük katı cisimlere ve su sıçramasına karşı korumalı'),
    ('IP54', 'Dust protected, protected against splashing water', 'Toza karşı korumalı, su sıçramasına karşı korumalı'),
    ('IP65', 'Dust tight, protected against water jets', 'Toz geçirmez, su jetlerine karşı korumalı'),
    ('IP66', 'Dust tight, protected against powerful water jets', 'Toz geçirmez, güçlü su jetlerine karşı korumalı'),
    ('IP67', 'Dust tight, protected against temporary immersion (up to 1 m)', 'Toz geçirmez, geçici olarak suya daldırmaya karşı korumalı (1 m''ye kadar)'),
    ('IP68', 'Dust tight, protected against continuous immersion (meter pits)', 'Toz geçirmez, sürekli suya daldırmaya karşı korumalı (sayaç çukurları)')
  ) AS s(code, en, tr)
 WHERE r."code" = s.code AND r."description" = s.en;

-- A search finds a rating by either description (no index uses the column: drop and add it again).
ALTER TABLE "ip_rating" DROP COLUMN "search_text";
ALTER TABLE "ip_rating" ADD COLUMN "search_text" text GENERATED ALWAYS AS (water_fold(
  "code" || E'\n' || coalesce("description", '') || E'\n' || coalesce("description_en", '')
)) STORED;
