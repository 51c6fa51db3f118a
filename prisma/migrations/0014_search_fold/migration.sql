-- Issue 21: one search rule for every list and filter — Turkish case folding (I/ı and İ/i) and no
-- diacritics — defined once, here, and applied to the stored text and to what the user typed alike.

CREATE EXTENSION IF NOT EXISTS "unaccent";
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- Folded search text: the four Turkish i's become 'i' before anything else (lower('I') is 'i' in
-- every locale but Turkish, where it is 'ı'; we want 'YILMAZ', 'Yılmaz' and 'yilmaz' to meet), then
-- accents go (ş→s, ğ→g, ü→u, ö→o, ç→c) and the rest is lower-cased. unaccent() itself is only STABLE
-- (its dictionary could be changed); the two-argument form naming the dictionary, schema-qualified, is
-- the customary IMMUTABLE wrapper, which generated columns and expression indexes need. Changing the
-- unaccent rules file means rebuilding the search_text columns (UPDATE … SET a column = itself).
CREATE FUNCTION water_fold(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN lower(public.unaccent('public.unaccent'::regdictionary, translate($1, 'İIı', 'iii')));

-- What a user typed, as a LIKE pattern matching it anywhere, literally: folded first, then its
-- wildcards escaped (backslash, PostgreSQL's default LIKE escape), so '%' and '_' are characters.
CREATE FUNCTION water_search_pattern(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN '%' || replace(replace(replace(water_fold($1), '\', '\\'), '%', '\%'), '_', '\_') || '%';

-- Each searched table keeps its searchable fields folded in one generated column, one field a line
-- (E'\n'), so a search matches within a field as before and one trigram index serves it. Prisma
-- queries filter on the column; Kysely queries too; nobody writes it.
ALTER TABLE "customer" ADD COLUMN "search_text" text GENERATED ALWAYS AS (water_fold(
  coalesce("organization_name", coalesce("name", '') || ' ' || coalesce("surname", '')) || E'\n' ||
  coalesce("email", '') || E'\n' || coalesce("tc_id_no", '') || E'\n' || coalesce("tax_id", '') || E'\n' || coalesce("phone", '')
)) STORED;
ALTER TABLE "subscription" ADD COLUMN "search_text" text GENERATED ALWAYS AS (water_fold("subscription_no")) STORED;
ALTER TABLE "meter" ADD COLUMN "search_text" text GENERATED ALWAYS AS (water_fold("serial_no")) STORED;
ALTER TABLE "device" ADD COLUMN "search_text" text GENERATED ALWAYS AS (water_fold("serial_no")) STORED;
-- The city comes first: the address list's city filter is "search_text starts with the city and a newline".
ALTER TABLE "address" ADD COLUMN "search_text" text GENERATED ALWAYS AS (water_fold(
  coalesce("city", '') || E'\n' || coalesce("district", '') || E'\n' || coalesce("neighborhood", '') || E'\n' ||
  coalesce("street", '') || E'\n' || coalesce("name", '')
)) STORED;
ALTER TABLE "app_user" ADD COLUMN "search_text" text GENERATED ALWAYS AS (water_fold(
  "name" || ' ' || "surname" || E'\n' || "email"::text
)) STORED;
ALTER TABLE "meter_brand" ADD COLUMN "search_text" text GENERATED ALWAYS AS (water_fold("name")) STORED;
ALTER TABLE "device_brand" ADD COLUMN "search_text" text GENERATED ALWAYS AS (water_fold("name")) STORED;
ALTER TABLE "meter_profile" ADD COLUMN "search_text" text GENERATED ALWAYS AS (water_fold("model_code")) STORED;
ALTER TABLE "device_profile" ADD COLUMN "search_text" text GENERATED ALWAYS AS (water_fold("model_code")) STORED;
ALTER TABLE "ip_rating" ADD COLUMN "search_text" text GENERATED ALWAYS AS (water_fold(
  "code" || E'\n' || coalesce("description", '')
)) STORED;
ALTER TABLE "subscription_group" ADD COLUMN "search_text" text GENERATED ALWAYS AS (water_fold("code" || E'\n' || "name")) STORED;
ALTER TABLE "communication_technology" ADD COLUMN "search_text" text GENERATED ALWAYS AS (water_fold("code" || E'\n' || "name")) STORED;

-- Trigram indexes serve '%…%' on the tables that grow with a utility's size; the catalogues (brands,
-- profiles, IP ratings, groups, technologies) hold tens of rows and are read whole.
CREATE INDEX "customer_search_text" ON "customer" USING gin ("search_text" gin_trgm_ops);
CREATE INDEX "subscription_search_text" ON "subscription" USING gin ("search_text" gin_trgm_ops);
CREATE INDEX "meter_search_text" ON "meter" USING gin ("search_text" gin_trgm_ops);
CREATE INDEX "device_search_text" ON "device" USING gin ("search_text" gin_trgm_ops);
CREATE INDEX "address_search_text" ON "address" USING gin ("search_text" gin_trgm_ops);
CREATE INDEX "app_user_search_text" ON "app_user" USING gin ("search_text" gin_trgm_ops);

-- Under row-level security the planner may not use a LIKE as an index condition: the policy's check
-- must run first, and LIKE (textlike) is not LEAKPROOF (marking it so takes a superuser). A list
-- query of the API therefore asks this function for the matching ids: it runs as the owner, whom the
-- policies do not bind, so the trigram index serves the LIKE, and it applies the caller's scope
-- itself, exactly as the policies do, to any caller that has taken a role (the API's connections take
-- water_api); the owner's own sessions (worker, tools) are not bound, as with the policies. The list
-- query around it still runs under the policies.
CREATE FUNCTION water_search_ids(tbl regclass, term text) RETURNS SETOF uuid
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF tbl NOT IN ('customer'::regclass, 'subscription'::regclass, 'meter'::regclass, 'device'::regclass, 'address'::regclass) THEN
    RAISE EXCEPTION 'water_search_ids: % is not searched this way', tbl;
  END IF;
  IF coalesce(current_setting('role', true), 'none') = 'none' THEN
    RETURN QUERY EXECUTE format('SELECT id FROM %s WHERE search_text LIKE water_search_pattern($1)', tbl) USING term;
  ELSE
    RETURN QUERY EXECUTE format(
      'SELECT id FROM %s WHERE search_text LIKE water_search_pattern($1)
          AND ((SELECT water_scope_all()) OR tenant_id = ANY ((SELECT water_scope_tenants())::uuid[]))', tbl) USING term;
  END IF;
END $$;
REVOKE ALL ON FUNCTION water_search_ids(regclass, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION water_search_ids(regclass, text) TO water_api;
