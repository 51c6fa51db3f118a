-- Rules Prisma's schema language cannot express: the tenant tree (ltree path and its triggers),
-- partial unique indexes, check constraints, derived columns and TimescaleDB hypertables.

-- ─── Tenant tree ──────────────────────────────────────────────────────────────────
-- Exactly one root (Una IoT); every other tenant has a parent.
CREATE UNIQUE INDEX "tenant_single_root" ON "tenant" ((true)) WHERE "parent_id" IS NULL;
CREATE UNIQUE INDEX "tenant_path_key" ON "tenant" ("path");
CREATE INDEX "tenant_path_gist" ON "tenant" USING GIST ("path");
ALTER TABLE "tenant" ADD CONSTRAINT "tenant_not_own_parent" CHECK ("parent_id" IS NULL OR "parent_id" <> "id");
ALTER TABLE "tenant" ADD CONSTRAINT "tenant_name_not_blank" CHECK (btrim("name") <> '');
ALTER TABLE "tenant" ADD CONSTRAINT "tenant_tax_id_format" CHECK ("tax_id" IS NULL OR "tax_id" ~ '^[0-9]{10,11}$');

-- ltree labels allow [A-Za-z0-9_]: a tenant's label is its uuid with underscores.
CREATE FUNCTION "tenant_label"(tenant_id uuid) RETURNS ltree
  LANGUAGE sql IMMUTABLE AS $$ SELECT text2ltree(replace(tenant_id::text, '-', '_')) $$;

CREATE FUNCTION "tenant_set_path"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  parent_path ltree;
BEGIN
  IF NEW.parent_id IS NULL THEN
    NEW.path := tenant_label(NEW.id);
  ELSE
    SELECT path INTO parent_path FROM tenant WHERE id = NEW.parent_id;
    IF parent_path IS NULL THEN
      RAISE EXCEPTION 'parent tenant % does not exist', NEW.parent_id
        USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'tenant_parent_id_fkey';
    END IF;
    IF TG_OP = 'UPDATE' AND parent_path <@ OLD.path THEN
      RAISE EXCEPTION 'a tenant cannot be moved under itself or one of its descendants'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'tenant_no_cycle';
    END IF;
    NEW.path := parent_path || tenant_label(NEW.id);
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER "tenant_set_path" BEFORE INSERT OR UPDATE OF "parent_id" ON "tenant"
  FOR EACH ROW EXECUTE FUNCTION tenant_set_path();

-- Moving a tenant moves its whole subtree.
CREATE FUNCTION "tenant_move_subtree"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.path IS DISTINCT FROM OLD.path THEN
    UPDATE tenant SET path = NEW.path || subpath(path, nlevel(OLD.path))
     WHERE path <@ OLD.path AND id <> NEW.id;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "tenant_move_subtree" AFTER UPDATE OF "parent_id" ON "tenant"
  FOR EACH ROW EXECUTE FUNCTION tenant_move_subtree();

-- ─── Users and memberships ────────────────────────────────────────────────────────
ALTER TABLE "app_user" ADD CONSTRAINT "app_user_email_format" CHECK ("email" ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$');
ALTER TABLE "app_user" ADD CONSTRAINT "app_user_tc_id_no_format" CHECK ("tc_id_no" IS NULL OR "tc_id_no" ~ '^[1-9][0-9]{10}$');
ALTER TABLE "app_user" ADD CONSTRAINT "app_user_phone_format" CHECK ("phone" IS NULL OR "phone" ~ '^\+[1-9][0-9]{7,14}$');
CREATE UNIQUE INDEX "app_user_tc_id_no_key" ON "app_user" ("tc_id_no") WHERE "tc_id_no" IS NOT NULL;
-- Any write right implies the read right on the same module.
ALTER TABLE "membership_permission" ADD CONSTRAINT "membership_permission_write_implies_read"
  CHECK ("can_read" OR NOT ("can_create" OR "can_update" OR "can_delete"));

-- ─── Addresses, customers, subscriptions ──────────────────────────────────────────
ALTER TABLE "address" ADD CONSTRAINT "address_latitude_range" CHECK ("latitude" IS NULL OR "latitude" BETWEEN -90 AND 90);
ALTER TABLE "address" ADD CONSTRAINT "address_longitude_range" CHECK ("longitude" IS NULL OR "longitude" BETWEEN -180 AND 180);
ALTER TABLE "address" ADD CONSTRAINT "address_coordinates_pair" CHECK (("latitude" IS NULL) = ("longitude" IS NULL));
ALTER TABLE "address" ADD CONSTRAINT "address_uavt_code_format" CHECK ("uavt_code" IS NULL OR "uavt_code" ~ '^[0-9]{10}$');

ALTER TABLE "customer" ADD CONSTRAINT "customer_individual_fields"
  CHECK ("customer_type" <> 'INDIVIDUAL' OR (btrim(coalesce("name", '')) <> '' AND btrim(coalesce("surname", '')) <> ''));
ALTER TABLE "customer" ADD CONSTRAINT "customer_organizational_fields"
  CHECK ("customer_type" <> 'ORGANIZATIONAL' OR (btrim(coalesce("organization_name", '')) <> '' AND "tax_id" IS NOT NULL));
ALTER TABLE "customer" ADD CONSTRAINT "customer_tc_id_no_format" CHECK ("tc_id_no" IS NULL OR "tc_id_no" ~ '^[1-9][0-9]{10}$');
ALTER TABLE "customer" ADD CONSTRAINT "customer_tax_id_format" CHECK ("tax_id" IS NULL OR "tax_id" ~ '^[0-9]{10,11}$');
ALTER TABLE "customer" ADD CONSTRAINT "customer_phone_format" CHECK ("phone" IS NULL OR "phone" ~ '^\+[1-9][0-9]{7,14}$');
CREATE UNIQUE INDEX "customer_tenant_tc_id_no_key" ON "customer" ("tenant_id", "tc_id_no") WHERE "tc_id_no" IS NOT NULL;
ALTER TABLE "customer_contact" ADD CONSTRAINT "customer_contact_tc_id_no_format" CHECK ("tc_id_no" IS NULL OR "tc_id_no" ~ '^[1-9][0-9]{10}$');

ALTER TABLE "subscription_group" ADD CONSTRAINT "subscription_group_threshold_positive" CHECK ("daily_threshold_m3" > 0);
ALTER TABLE "subscription" ADD CONSTRAINT "subscription_no_not_blank" CHECK (btrim("subscription_no") <> '');

-- One active meter per subscription, and a meter serves one subscription at a time.
CREATE UNIQUE INDEX "subscription_meter_one_active_per_subscription" ON "subscription_meter" ("subscription_id") WHERE "ended_at" IS NULL;
CREATE UNIQUE INDEX "subscription_meter_one_active_per_meter" ON "subscription_meter" ("meter_id") WHERE "ended_at" IS NULL;
ALTER TABLE "subscription_meter" ADD CONSTRAINT "subscription_meter_period" CHECK ("ended_at" IS NULL OR "ended_at" >= "started_at");
ALTER TABLE "subscription_meter" ADD CONSTRAINT "subscription_meter_final_index"
  CHECK ("final_index_m3" IS NULL OR ("ended_at" IS NOT NULL AND "final_index_m3" >= "initial_index_m3"));
ALTER TABLE "subscription_meter" ADD CONSTRAINT "subscription_meter_initial_index" CHECK ("initial_index_m3" >= 0);

-- ─── Profiles ─────────────────────────────────────────────────────────────────────
ALTER TABLE "meter_profile" ADD CONSTRAINT "meter_profile_flow_order" CHECK ("q1" > 0 AND "q1" <= "q2" AND "q2" <= "q3" AND "q3" <= "q4");
ALTER TABLE "meter_profile" ADD CONSTRAINT "meter_profile_diameter_positive" CHECK ("diameter_mm" > 0);
ALTER TABLE "meter_profile" ADD CONSTRAINT "meter_profile_dimensions_positive"
  CHECK (coalesce("length_mm", 1) > 0 AND coalesce("width_mm", 1) > 0 AND coalesce("height_mm", 1) > 0);
ALTER TABLE "meter_profile" ADD CONSTRAINT "meter_profile_pressure_loss" CHECK ("pressure_loss_bar" IS NULL OR "pressure_loss_bar" >= 0);
ALTER TABLE "meter_profile" ADD CONSTRAINT "meter_profile_model_code_not_blank" CHECK (btrim("model_code") <> '');

-- R = Q3/Q1 unless entered by hand.
CREATE FUNCTION "meter_profile_r_value"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT NEW.r_value_manual THEN
    NEW.r_value := round(NEW.q3 / NEW.q1, 2);
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER "meter_profile_r_value" BEFORE INSERT OR UPDATE ON "meter_profile"
  FOR EACH ROW EXECUTE FUNCTION meter_profile_r_value();
ALTER TABLE "meter_profile" ADD CONSTRAINT "meter_profile_r_value_positive" CHECK ("r_value" > 0);

ALTER TABLE "device_profile" ADD CONSTRAINT "device_profile_model_code_not_blank" CHECK (btrim("model_code") <> '');
ALTER TABLE "device_profile" ADD CONSTRAINT "device_profile_battery_life"
  CHECK ("battery_life_months" IS NULL OR ("battery_life_months" > 0 AND "communication_module" <> 'NONE'));
ALTER TABLE "device_profile" ADD CONSTRAINT "device_profile_interval_positive" CHECK ("expected_interval_minutes" > 0);
ALTER TABLE "message_scenario" ADD CONSTRAINT "message_scenario_f_port_range" CHECK ("f_port" IS NULL OR "f_port" BETWEEN 0 AND 255);
ALTER TABLE "communication_technology_field" ADD CONSTRAINT "communication_technology_field_length"
  CHECK ("length" IS NULL OR "length" > 0);

-- ─── Meters and devices ───────────────────────────────────────────────────────────
ALTER TABLE "meter" ADD CONSTRAINT "meter_initial_index" CHECK ("initial_index_m3" >= 0);
ALTER TABLE "meter" ADD CONSTRAINT "meter_serial_not_blank" CHECK (btrim("serial_no") <> '');
ALTER TABLE "meter" ADD CONSTRAINT "meter_valve_state_needs_valve" CHECK ("has_valve" OR "valve_state" IS NULL);
ALTER TABLE "device" ADD CONSTRAINT "device_serial_not_blank" CHECK (btrim("serial_no") <> '');
ALTER TABLE "device" ADD CONSTRAINT "device_battery_range" CHECK ("battery_pct" IS NULL OR "battery_pct" BETWEEN 0 AND 100);

-- Identifiers: the value must match its field's regex, the field must belong to a technology of the
-- device's profile, and identifying fields (DevEUI, Sigfox ID, IMEI ...) are unique platform-wide.
CREATE FUNCTION "device_identifier_check"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  f communication_technology_field%ROWTYPE;
BEGIN
  SELECT * INTO f FROM communication_technology_field WHERE id = NEW.field_id;
  IF NEW.value !~ f.regex THEN
    RAISE EXCEPTION '% "%" does not match %', f.key, NEW.value, f.regex
      USING ERRCODE = 'check_violation', CONSTRAINT = 'device_identifier_format';
  END IF;
  IF NOT EXISTS (
    SELECT 1 FROM device d
      JOIN device_profile_technology t ON t.device_profile_id = d.device_profile_id
     WHERE d.id = NEW.device_id AND t.technology_id = f.technology_id
  ) THEN
    RAISE EXCEPTION '% belongs to a technology the device profile does not use', f.key
      USING ERRCODE = 'check_violation', CONSTRAINT = 'device_identifier_technology';
  END IF;
  NEW.normalized_value := lower(NEW.value);
  NEW.is_unique := f.is_unique;
  RETURN NEW;
END $$;
CREATE TRIGGER "device_identifier_check" BEFORE INSERT OR UPDATE ON "device_identifier"
  FOR EACH ROW EXECUTE FUNCTION device_identifier_check();
CREATE UNIQUE INDEX "device_identifier_unique_value" ON "device_identifier" ("field_id", "normalized_value") WHERE "is_unique";

-- ─── Alarms ───────────────────────────────────────────────────────────────────────
CREATE UNIQUE INDEX "alarm_one_open_per_device" ON "alarm" ("type", "device_id") WHERE "cleared_at" IS NULL AND "device_id" IS NOT NULL;
CREATE UNIQUE INDEX "alarm_one_open_per_subscription" ON "alarm" ("type", "subscription_id")
  WHERE "cleared_at" IS NULL AND "device_id" IS NULL AND "subscription_id" IS NOT NULL;
CREATE INDEX "alarm_open_by_tenant" ON "alarm" ("tenant_id", "started_at" DESC) WHERE "cleared_at" IS NULL;
ALTER TABLE "alarm" ADD CONSTRAINT "alarm_period" CHECK ("cleared_at" IS NULL OR "cleared_at" >= "started_at");
ALTER TABLE "alarm" ADD CONSTRAINT "alarm_acknowledgement" CHECK (("acknowledged_at" IS NULL) = ("acknowledged_by" IS NULL));

-- ─── Time series ──────────────────────────────────────────────────────────────────
ALTER TABLE "reading" ADD CONSTRAINT "reading_index_non_negative" CHECK ("index_m3" >= 0);
ALTER TABLE "reading" ADD CONSTRAINT "reading_consumption_non_negative" CHECK ("consumption_m3" IS NULL OR "consumption_m3" >= 0);
ALTER TABLE "reading" ADD CONSTRAINT "reading_battery_range" CHECK ("battery_pct" IS NULL OR "battery_pct" BETWEEN 0 AND 100);
ALTER TABLE "meter_daily_consumption" ADD CONSTRAINT "meter_daily_consumption_non_negative" CHECK ("consumption_m3" >= 0);
CREATE INDEX "uplink_failed" ON "uplink" ("tenant_id", "received_at" DESC) WHERE "status" = 'FAILED';

-- With TimescaleDB (the production image) readings and raw uplinks become hypertables with
-- compression and retention; on plain PostgreSQL the same tables work with their ordinary indexes.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')
     AND current_setting('shared_preload_libraries', true) LIKE '%timescaledb%' THEN
    CREATE EXTENSION IF NOT EXISTS timescaledb;
    PERFORM create_hypertable('reading', 'time', chunk_time_interval => INTERVAL '7 days', migrate_data => true, if_not_exists => true);
    PERFORM create_hypertable('uplink', 'received_at', chunk_time_interval => INTERVAL '7 days', migrate_data => true, if_not_exists => true);
    EXECUTE 'ALTER TABLE reading SET (timescaledb.compress, timescaledb.compress_segmentby = ''device_id'', timescaledb.compress_orderby = ''time DESC'')';
    EXECUTE 'ALTER TABLE uplink SET (timescaledb.compress, timescaledb.compress_segmentby = ''device_id'', timescaledb.compress_orderby = ''received_at DESC'')';
    PERFORM add_compression_policy('reading', INTERVAL '30 days', if_not_exists => true);
    PERFORM add_compression_policy('uplink', INTERVAL '7 days', if_not_exists => true);
    -- Readings are billing evidence: kept 10 years. Raw uplinks are kept 2 years for re-decoding.
    PERFORM add_retention_policy('reading', INTERVAL '10 years', if_not_exists => true);
    PERFORM add_retention_policy('uplink', INTERVAL '2 years', if_not_exists => true);
  END IF;
END $$;
