-- water_scope_tenants() cast the scope to ltree[] in its ELSE branch only, yet PostgreSQL may evaluate
-- that expression while planning the function's body (selectivity estimates evaluate stable
-- expressions), whatever the CASE decides at run time: with the scope '*' of the root's users and of
-- system work, a million-reading export failed with "ltree syntax error at character 1" once the tables
-- had statistics. The cast now never sees '*' or '': those become NULL before it.
CREATE OR REPLACE FUNCTION water_scope_tenants() RETURNS uuid[] LANGUAGE sql STABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN coalesce(current_setting('water.scope', true), '') IN ('', '*') THEN '{}'::uuid[]
               ELSE (SELECT coalesce(array_agg(t.id), '{}'::uuid[]) FROM tenant t
                      WHERE t.path <@ ANY (string_to_array(
                              nullif(nullif(coalesce(current_setting('water.scope', true), ''), '*'), ''), ',')::ltree[])) END $$;
