-- Row-level security: a second wall under the API's own tenant checks (issue 15). The API runs its
-- queries as the role `water_api` (SET ROLE after connecting, see apps/api DatabaseService) with the
-- paths of the caller's tenants in the setting `water.scope` ('*' for the root's users and for system work
-- such as webhook authentication); rows of other tenants are neither seen nor written, whatever a
-- service forgets. The worker and the migration/seed tools run as the owner, which RLS does not bind.

-- Roles are cluster-wide: create it once, tolerating a concurrent migration of another database. A
-- migrating user without CREATEROLE (managed databases) needs an administrator to run, beforehand,
-- `CREATE ROLE water_api NOLOGIN NOBYPASSRLS; GRANT water_api TO <owner>;` — then both steps pass.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'water_api') THEN
    CREATE ROLE water_api NOLOGIN NOBYPASSRLS;
  END IF;
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN NULL;
  WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'migration 0010 needs the role water_api: run as a user with CREATEROLE, or have an administrator run CREATE ROLE water_api NOLOGIN NOBYPASSRLS; GRANT water_api TO %;', current_user;
END $$;

-- The connecting (owner) user must be able to SET ROLE water_api.
DO $$
BEGIN
  IF NOT pg_has_role(current_user, 'water_api', 'MEMBER') THEN
    EXECUTE format('GRANT water_api TO %I', current_user);
  END IF;
EXCEPTION
  WHEN duplicate_object OR invalid_grant_operation THEN NULL;
  WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'migration 0010: % may not SET ROLE water_api; an administrator must run GRANT water_api TO %;', current_user, current_user;
END $$;

GRANT USAGE ON SCHEMA public TO water_api;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO water_api;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO water_api;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO water_api;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO water_api;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO water_api;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO water_api;

-- The scope, read once per statement: policies call these through a scalar subquery, which PostgreSQL
-- runs as an InitPlan, so a scan of 10,000 rows resolves the scope once, not 10,000 times. The scope
-- holds ltree paths: the caller's tenants with all their descendants, including one created in the
-- same transaction (a new child tenant's address).
CREATE FUNCTION water_scope_all() RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE AS
$$ SELECT coalesce(current_setting('water.scope', true), '') = '*' $$;

CREATE FUNCTION water_scope_tenants() RETURNS uuid[] LANGUAGE sql STABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN coalesce(current_setting('water.scope', true), '') IN ('', '*') THEN '{}'::uuid[]
               ELSE (SELECT coalesce(array_agg(t.id), '{}'::uuid[]) FROM tenant t
                      WHERE t.path <@ ANY (string_to_array(current_setting('water.scope', true), ',')::ltree[])) END $$;

GRANT EXECUTE ON FUNCTION water_scope_all(), water_scope_tenants() TO water_api;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['customer', 'address', 'subscription', 'subscription_meter', 'meter', 'device', 'integration',
                           'uplink', 'reading', 'meter_daily_consumption', 'tenant_daily_consumption', 'alarm'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_scope ON %I TO water_api
         USING ((SELECT water_scope_all()) OR tenant_id = ANY ((SELECT water_scope_tenants())::uuid[]))
         WITH CHECK ((SELECT water_scope_all()) OR tenant_id = ANY ((SELECT water_scope_tenants())::uuid[]))', t);
  END LOOP;
END $$;

-- The meter history reads (meter, time) index-only; the policy needs the tenant too, so carry it.
CREATE INDEX "reading_meter_id_time_covering_tenant" ON "reading" ("meter_id", "time" DESC) INCLUDE ("index_m3", "device_id", "tenant_id");
DROP INDEX IF EXISTS "reading_meter_id_time_covering";
