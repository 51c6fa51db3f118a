-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "citext";

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "ltree";

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pgcrypto";

-- CreateEnum
CREATE TYPE "subscription_type" AS ENUM ('INDIVIDUAL', 'ORGANIZATIONAL');

-- CreateEnum
CREATE TYPE "meter_type" AS ENUM ('SINGLE_JET', 'MULTI_JET', 'WOLTMAN_PARALLEL', 'WOLTMAN_VERTICAL', 'VOLUMETRIC', 'ULTRASONIC', 'ELECTROMAGNETIC', 'COMPOUND', 'IRRIGATION');

-- CreateEnum
CREATE TYPE "dial_type" AS ENUM ('SEMI_DRY', 'DRY', 'SUPER_DRY', 'WET');

-- CreateEnum
CREATE TYPE "temperature_type" AS ENUM ('T30', 'T90');

-- CreateEnum
CREATE TYPE "mounting_type" AS ENUM ('VERTICAL', 'HORIZONTAL', 'BOTH');

-- CreateEnum
CREATE TYPE "connection_type" AS ENUM ('THREAD', 'FLANGE');

-- CreateEnum
CREATE TYPE "asset_status" AS ENUM ('ACTIVE', 'PASSIVE', 'WAREHOUSE', 'MAINTENANCE', 'PLANNED', 'DEPLOYED_NOT_STARTED', 'USED');

-- CreateEnum
CREATE TYPE "communication_module" AS ENUM ('INTEGRATED', 'RETROFIT', 'NONE');

-- CreateEnum
CREATE TYPE "valve_state" AS ENUM ('OPEN', 'CLOSED', 'UNKNOWN');

-- CreateEnum
CREATE TYPE "plan_status" AS ENUM ('ACTIVE', 'PASSIVE');

-- CreateEnum
CREATE TYPE "permission_module" AS ENUM ('DASHBOARD', 'LIVE_READINGS', 'SUBSCRIPTIONS', 'CUSTOMERS', 'METERS', 'DEVICES', 'PROFILES', 'DEFINITIONS', 'TENANTS', 'USERS');

-- CreateEnum
CREATE TYPE "identifier_value_type" AS ENUM ('HEX', 'DIGITS', 'TEXT', 'MAC');

-- CreateEnum
CREATE TYPE "reading_source" AS ENUM ('NETWORK', 'MANUAL', 'CSV_IMPORT', 'ESTIMATED');

-- CreateEnum
CREATE TYPE "reading_quality" AS ENUM ('GOOD', 'SUSPECT', 'ESTIMATED');

-- CreateEnum
CREATE TYPE "alarm_type" AS ENUM ('TAMPER', 'LOW_BATTERY', 'TILT', 'REVERSE_FLOW', 'LEAK', 'BURST', 'HIGH_USAGE', 'NO_SIGNAL');

-- CreateEnum
CREATE TYPE "uplink_status" AS ENUM ('RECEIVED', 'DECODED', 'FAILED');

-- CreateEnum
CREATE TYPE "integration_kind" AS ENUM ('TTN', 'CHIRPSTACK', 'SIGFOX', 'GENERIC');

-- CreateTable
CREATE TABLE "meter_brand" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" VARCHAR(100) NOT NULL,
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "meter_brand_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "device_brand" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" VARCHAR(100) NOT NULL,
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "device_brand_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ip_rating" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "code" VARCHAR(10) NOT NULL,
    "description" VARCHAR(200),
    "sort_order" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ip_rating_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "communication_technology" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "code" VARCHAR(30) NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "transports" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "sort_order" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "communication_technology_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "communication_technology_field" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "technology_id" UUID NOT NULL,
    "key" VARCHAR(40) NOT NULL,
    "label" VARCHAR(100) NOT NULL,
    "value_type" "identifier_value_type" NOT NULL,
    "length" INTEGER,
    "regex" VARCHAR(300) NOT NULL,
    "is_required" BOOLEAN NOT NULL DEFAULT true,
    "is_secret" BOOLEAN NOT NULL DEFAULT false,
    "is_unique" BOOLEAN NOT NULL DEFAULT false,
    "sort_order" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "communication_technology_field_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "subscription_group" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "code" VARCHAR(30) NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "daily_threshold_m3" DECIMAL(12,3) NOT NULL,

    CONSTRAINT "subscription_group_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tenant" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "parent_id" UUID,
    "path" ltree NOT NULL DEFAULT ''::ltree,
    "name" VARCHAR(200) NOT NULL,
    "contact_name" VARCHAR(100),
    "contact_surname" VARCHAR(100),
    "contact_phone" VARCHAR(30),
    "contact_email" VARCHAR(254),
    "tax_id" VARCHAR(11),
    "tax_office" VARCHAR(100),
    "address_id" UUID,
    "plan_type" VARCHAR(40) NOT NULL DEFAULT 'STANDARD',
    "plan_status" "plan_status" NOT NULL DEFAULT 'ACTIVE',
    "time_zone" VARCHAR(64) NOT NULL DEFAULT 'Europe/Istanbul',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tenant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "app_user" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "email" CITEXT NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "surname" VARCHAR(100) NOT NULL,
    "phone" VARCHAR(30),
    "tc_id_no" CHAR(11),
    "password_hash" VARCHAR(200) NOT NULL,
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "last_login_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "app_user_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "membership" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "role" VARCHAR(60) NOT NULL DEFAULT 'Member',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "membership_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "membership_permission" (
    "membership_id" UUID NOT NULL,
    "module" "permission_module" NOT NULL,
    "can_create" BOOLEAN NOT NULL DEFAULT false,
    "can_read" BOOLEAN NOT NULL DEFAULT false,
    "can_update" BOOLEAN NOT NULL DEFAULT false,
    "can_delete" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "membership_permission_pkey" PRIMARY KEY ("membership_id","module")
);

-- CreateTable
CREATE TABLE "refresh_token" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "family_id" UUID NOT NULL,
    "token_hash" CHAR(64) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "rotated_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "user_agent" VARCHAR(300),
    "ip_address" VARCHAR(64),

    CONSTRAINT "refresh_token_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "login_event" (
    "id" BIGSERIAL NOT NULL,
    "user_id" UUID,
    "email" VARCHAR(254) NOT NULL,
    "success" BOOLEAN NOT NULL,
    "reason" VARCHAR(60),
    "ip_address" VARCHAR(64),
    "user_agent" VARCHAR(300),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "login_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "actor_id" UUID,
    "tenant_id" UUID,
    "action" VARCHAR(20) NOT NULL,
    "entity_type" VARCHAR(60) NOT NULL,
    "entity_id" VARCHAR(64),
    "before" JSONB,
    "after" JSONB,
    "request_id" VARCHAR(64),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "address" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "name" VARCHAR(200),
    "latitude" DECIMAL(9,6),
    "longitude" DECIMAL(9,6),
    "city" VARCHAR(100),
    "district" VARCHAR(100),
    "neighborhood" VARCHAR(150),
    "street" VARCHAR(200),
    "building_no" VARCHAR(20),
    "floor" VARCHAR(10),
    "door_no" VARCHAR(20),
    "postal_code" VARCHAR(10),
    "uavt_code" VARCHAR(10),
    "description" VARCHAR(500),
    "extra_details" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "address_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "customer" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "customer_type" "subscription_type" NOT NULL,
    "name" VARCHAR(100),
    "surname" VARCHAR(100),
    "tc_id_no" CHAR(11),
    "organization_name" VARCHAR(300),
    "tax_id" VARCHAR(11),
    "tax_office" VARCHAR(100),
    "phone" VARCHAR(30),
    "email" VARCHAR(254),
    "address_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "customer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "customer_contact" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "customer_id" UUID NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "surname" VARCHAR(100),
    "tc_id_no" CHAR(11),
    "phone" VARCHAR(30),
    "email" VARCHAR(254),
    "details" VARCHAR(1000),
    "address_id" UUID,
    "is_primary" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "customer_contact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "subscription" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "subscription_no" VARCHAR(40) NOT NULL,
    "subscription_type" "subscription_type" NOT NULL,
    "group_id" UUID NOT NULL,
    "address_id" UUID,
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "subscription_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "subscription_meter" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "subscription_id" UUID NOT NULL,
    "meter_id" UUID NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),
    "initial_index_m3" DECIMAL(14,3) NOT NULL DEFAULT 0,
    "final_index_m3" DECIMAL(14,3),

    CONSTRAINT "subscription_meter_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "meter_profile" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "brand_id" UUID NOT NULL,
    "model_code" VARCHAR(60) NOT NULL,
    "meter_type" "meter_type" NOT NULL,
    "dial_type" "dial_type" NOT NULL,
    "temperature_type" "temperature_type" NOT NULL,
    "mounting_type" "mounting_type" NOT NULL,
    "connection_type" "connection_type" NOT NULL,
    "ip_rating_id" UUID NOT NULL,
    "diameter_mm" INTEGER NOT NULL,
    "length_mm" DECIMAL(8,1),
    "width_mm" DECIMAL(8,1),
    "height_mm" DECIMAL(8,1),
    "q1" DECIMAL(10,4) NOT NULL,
    "q2" DECIMAL(10,4) NOT NULL,
    "q3" DECIMAL(10,4) NOT NULL,
    "q4" DECIMAL(10,4) NOT NULL,
    "r_value" DECIMAL(10,2) NOT NULL DEFAULT 0,
    "r_value_manual" BOOLEAN NOT NULL DEFAULT false,
    "pressure_loss_bar" DECIMAL(6,3),
    "communication_module" "communication_module" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "meter_profile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "device_profile" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "brand_id" UUID NOT NULL,
    "model_code" VARCHAR(60) NOT NULL,
    "communication_module" "communication_module" NOT NULL DEFAULT 'RETROFIT',
    "battery_life_months" INTEGER,
    "expected_interval_minutes" INTEGER NOT NULL DEFAULT 60,
    "description" VARCHAR(500),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "device_profile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "device_profile_technology" (
    "device_profile_id" UUID NOT NULL,
    "technology_id" UUID NOT NULL,

    CONSTRAINT "device_profile_technology_pkey" PRIMARY KEY ("device_profile_id","technology_id")
);

-- CreateTable
CREATE TABLE "message_scenario" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "device_profile_id" UUID NOT NULL,
    "technology_id" UUID NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "f_port" INTEGER,
    "decoder_source" TEXT NOT NULL,
    "field_mapping" JSONB NOT NULL DEFAULT '{}',
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "sort_order" INTEGER NOT NULL DEFAULT 0,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "message_scenario_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "meter_profile_device_profile" (
    "meter_profile_id" UUID NOT NULL,
    "device_profile_id" UUID NOT NULL,

    CONSTRAINT "meter_profile_device_profile_pkey" PRIMARY KEY ("meter_profile_id","device_profile_id")
);

-- CreateTable
CREATE TABLE "tenant_meter_profile" (
    "tenant_id" UUID NOT NULL,
    "meter_profile_id" UUID NOT NULL,

    CONSTRAINT "tenant_meter_profile_pkey" PRIMARY KEY ("tenant_id","meter_profile_id")
);

-- CreateTable
CREATE TABLE "tenant_device_profile" (
    "tenant_id" UUID NOT NULL,
    "device_profile_id" UUID NOT NULL,

    CONSTRAINT "tenant_device_profile_pkey" PRIMARY KEY ("tenant_id","device_profile_id")
);

-- CreateTable
CREATE TABLE "meter" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "meter_profile_id" UUID NOT NULL,
    "brand_id" UUID NOT NULL,
    "serial_no" VARCHAR(60) NOT NULL,
    "initial_index_m3" DECIMAL(14,3) NOT NULL DEFAULT 0,
    "installed_at" TIMESTAMPTZ(3),
    "status" "asset_status" NOT NULL DEFAULT 'WAREHOUSE',
    "communication_module" "communication_module",
    "has_valve" BOOLEAN NOT NULL DEFAULT false,
    "valve_state" "valve_state",
    "last_index_m3" DECIMAL(14,3),
    "last_reading_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "meter_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "device" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "device_profile_id" UUID NOT NULL,
    "brand_id" UUID NOT NULL,
    "meter_id" UUID,
    "serial_no" VARCHAR(60) NOT NULL,
    "status" "asset_status" NOT NULL DEFAULT 'WAREHOUSE',
    "last_seen_at" TIMESTAMPTZ(3),
    "battery_pct" DECIMAL(5,2),
    "rssi" INTEGER,
    "snr" DECIMAL(5,2),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "device_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "device_identifier" (
    "device_id" UUID NOT NULL,
    "field_id" UUID NOT NULL,
    "value" VARCHAR(100) NOT NULL,
    "normalized_value" VARCHAR(100) NOT NULL,
    "is_unique" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "device_identifier_pkey" PRIMARY KEY ("device_id","field_id")
);

-- CreateTable
CREATE TABLE "integration" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "kind" "integration_kind" NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "secret_hash" CHAR(64) NOT NULL,
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "integration_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "uplink" (
    "id" BIGSERIAL NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "device_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "integration_id" UUID,
    "device_time" TIMESTAMPTZ(3),
    "f_port" INTEGER,
    "f_cnt" BIGINT,
    "payload" BYTEA NOT NULL,
    "rx_metadata" JSONB,
    "status" "uplink_status" NOT NULL DEFAULT 'RECEIVED',
    "scenario_id" UUID,
    "decoded" JSONB,
    "errors" JSONB,

    CONSTRAINT "uplink_pkey" PRIMARY KEY ("received_at","id")
);

-- CreateTable
CREATE TABLE "reading" (
    "time" TIMESTAMPTZ(3) NOT NULL,
    "device_id" UUID NOT NULL,
    "meter_id" UUID,
    "subscription_id" UUID,
    "tenant_id" UUID NOT NULL,
    "index_m3" DECIMAL(14,3) NOT NULL,
    "consumption_m3" DECIMAL(12,3),
    "battery_pct" DECIMAL(5,2),
    "rssi" SMALLINT,
    "snr" DECIMAL(5,2),
    "alarms" "alarm_type"[] DEFAULT ARRAY[]::"alarm_type"[],
    "valve_state" "valve_state",
    "source" "reading_source" NOT NULL DEFAULT 'NETWORK',
    "quality" "reading_quality" NOT NULL DEFAULT 'GOOD',
    "decoded" JSONB,

    CONSTRAINT "reading_pkey" PRIMARY KEY ("device_id","time")
);

-- CreateTable
CREATE TABLE "meter_daily_consumption" (
    "meter_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "tenant_id" UUID NOT NULL,
    "subscription_id" UUID,
    "consumption_m3" DECIMAL(14,3) NOT NULL,
    "last_index_m3" DECIMAL(14,3) NOT NULL,
    "reading_count" INTEGER NOT NULL,

    CONSTRAINT "meter_daily_consumption_pkey" PRIMARY KEY ("meter_id","day")
);

-- CreateTable
CREATE TABLE "alarm" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "type" "alarm_type" NOT NULL,
    "device_id" UUID,
    "meter_id" UUID,
    "subscription_id" UUID,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "cleared_at" TIMESTAMPTZ(3),
    "acknowledged_at" TIMESTAMPTZ(3),
    "acknowledged_by" UUID,
    "details" JSONB,

    CONSTRAINT "alarm_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "meter_brand_name_key" ON "meter_brand"("name");

-- CreateIndex
CREATE UNIQUE INDEX "device_brand_name_key" ON "device_brand"("name");

-- CreateIndex
CREATE UNIQUE INDEX "ip_rating_code_key" ON "ip_rating"("code");

-- CreateIndex
CREATE UNIQUE INDEX "communication_technology_code_key" ON "communication_technology"("code");

-- CreateIndex
CREATE UNIQUE INDEX "communication_technology_field_technology_id_key_key" ON "communication_technology_field"("technology_id", "key");

-- CreateIndex
CREATE UNIQUE INDEX "subscription_group_code_key" ON "subscription_group"("code");

-- CreateIndex
CREATE INDEX "tenant_parent_id_idx" ON "tenant"("parent_id");

-- CreateIndex
CREATE UNIQUE INDEX "app_user_email_key" ON "app_user"("email");

-- CreateIndex
CREATE INDEX "membership_tenant_id_idx" ON "membership"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "membership_user_id_tenant_id_key" ON "membership"("user_id", "tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "refresh_token_token_hash_key" ON "refresh_token"("token_hash");

-- CreateIndex
CREATE INDEX "refresh_token_family_id_idx" ON "refresh_token"("family_id");

-- CreateIndex
CREATE INDEX "refresh_token_user_id_idx" ON "refresh_token"("user_id");

-- CreateIndex
CREATE INDEX "login_event_user_id_created_at_idx" ON "login_event"("user_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "audit_log_actor_id_created_at_idx" ON "audit_log"("actor_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "audit_log_tenant_id_created_at_idx" ON "audit_log"("tenant_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "audit_log_entity_type_entity_id_idx" ON "audit_log"("entity_type", "entity_id");

-- CreateIndex
CREATE INDEX "address_tenant_id_idx" ON "address"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "address_id_tenant_id_key" ON "address"("id", "tenant_id");

-- CreateIndex
CREATE INDEX "customer_tenant_id_idx" ON "customer"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "customer_id_tenant_id_key" ON "customer"("id", "tenant_id");

-- CreateIndex
CREATE INDEX "customer_contact_customer_id_idx" ON "customer_contact"("customer_id");

-- CreateIndex
CREATE INDEX "subscription_customer_id_idx" ON "subscription"("customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "subscription_tenant_id_subscription_no_key" ON "subscription"("tenant_id", "subscription_no");

-- CreateIndex
CREATE UNIQUE INDEX "subscription_id_tenant_id_key" ON "subscription"("id", "tenant_id");

-- CreateIndex
CREATE INDEX "subscription_meter_subscription_id_started_at_idx" ON "subscription_meter"("subscription_id", "started_at" DESC);

-- CreateIndex
CREATE INDEX "subscription_meter_meter_id_started_at_idx" ON "subscription_meter"("meter_id", "started_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "meter_profile_brand_id_model_code_key" ON "meter_profile"("brand_id", "model_code");

-- CreateIndex
CREATE UNIQUE INDEX "meter_profile_id_brand_id_key" ON "meter_profile"("id", "brand_id");

-- CreateIndex
CREATE UNIQUE INDEX "device_profile_brand_id_model_code_key" ON "device_profile"("brand_id", "model_code");

-- CreateIndex
CREATE UNIQUE INDEX "device_profile_id_brand_id_key" ON "device_profile"("id", "brand_id");

-- CreateIndex
CREATE INDEX "message_scenario_device_profile_id_idx" ON "message_scenario"("device_profile_id");

-- CreateIndex
CREATE INDEX "meter_profile_device_profile_device_profile_id_idx" ON "meter_profile_device_profile"("device_profile_id");

-- CreateIndex
CREATE INDEX "tenant_meter_profile_meter_profile_id_idx" ON "tenant_meter_profile"("meter_profile_id");

-- CreateIndex
CREATE INDEX "tenant_device_profile_device_profile_id_idx" ON "tenant_device_profile"("device_profile_id");

-- CreateIndex
CREATE INDEX "meter_tenant_id_status_idx" ON "meter"("tenant_id", "status");

-- CreateIndex
CREATE INDEX "meter_meter_profile_id_idx" ON "meter"("meter_profile_id");

-- CreateIndex
CREATE UNIQUE INDEX "meter_brand_id_serial_no_key" ON "meter"("brand_id", "serial_no");

-- CreateIndex
CREATE UNIQUE INDEX "meter_id_tenant_id_key" ON "meter"("id", "tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "device_meter_id_key" ON "device"("meter_id");

-- CreateIndex
CREATE INDEX "device_tenant_id_status_idx" ON "device"("tenant_id", "status");

-- CreateIndex
CREATE INDEX "device_device_profile_id_idx" ON "device"("device_profile_id");

-- CreateIndex
CREATE UNIQUE INDEX "device_brand_id_serial_no_key" ON "device"("brand_id", "serial_no");

-- CreateIndex
CREATE UNIQUE INDEX "device_id_tenant_id_key" ON "device"("id", "tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "device_meter_id_tenant_id_key" ON "device"("meter_id", "tenant_id");

-- CreateIndex
CREATE INDEX "device_identifier_field_id_normalized_value_idx" ON "device_identifier"("field_id", "normalized_value");

-- CreateIndex
CREATE INDEX "integration_tenant_id_idx" ON "integration"("tenant_id");

-- CreateIndex
CREATE INDEX "uplink_device_id_received_at_idx" ON "uplink"("device_id", "received_at" DESC);

-- CreateIndex
CREATE INDEX "reading_meter_id_time_idx" ON "reading"("meter_id", "time" DESC);

-- CreateIndex
CREATE INDEX "reading_tenant_id_time_idx" ON "reading"("tenant_id", "time" DESC);

-- CreateIndex
CREATE INDEX "reading_time_idx" ON "reading"("time" DESC);

-- CreateIndex
CREATE INDEX "meter_daily_consumption_tenant_id_day_idx" ON "meter_daily_consumption"("tenant_id", "day");

-- CreateIndex
CREATE INDEX "alarm_tenant_id_started_at_idx" ON "alarm"("tenant_id", "started_at" DESC);

-- CreateIndex
CREATE INDEX "alarm_meter_id_idx" ON "alarm"("meter_id");

-- AddForeignKey
ALTER TABLE "communication_technology_field" ADD CONSTRAINT "communication_technology_field_technology_id_fkey" FOREIGN KEY ("technology_id") REFERENCES "communication_technology"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tenant" ADD CONSTRAINT "tenant_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tenant" ADD CONSTRAINT "tenant_address_id_fkey" FOREIGN KEY ("address_id") REFERENCES "address"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "membership" ADD CONSTRAINT "membership_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "membership" ADD CONSTRAINT "membership_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "membership_permission" ADD CONSTRAINT "membership_permission_membership_id_fkey" FOREIGN KEY ("membership_id") REFERENCES "membership"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "refresh_token" ADD CONSTRAINT "refresh_token_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "login_event" ADD CONSTRAINT "login_event_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "address" ADD CONSTRAINT "address_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "customer" ADD CONSTRAINT "customer_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "customer" ADD CONSTRAINT "customer_address_id_tenant_id_fkey" FOREIGN KEY ("address_id", "tenant_id") REFERENCES "address"("id", "tenant_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "customer_contact" ADD CONSTRAINT "customer_contact_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "customer_contact" ADD CONSTRAINT "customer_contact_address_id_fkey" FOREIGN KEY ("address_id") REFERENCES "address"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscription" ADD CONSTRAINT "subscription_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscription" ADD CONSTRAINT "subscription_customer_id_tenant_id_fkey" FOREIGN KEY ("customer_id", "tenant_id") REFERENCES "customer"("id", "tenant_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscription" ADD CONSTRAINT "subscription_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "subscription_group"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscription" ADD CONSTRAINT "subscription_address_id_tenant_id_fkey" FOREIGN KEY ("address_id", "tenant_id") REFERENCES "address"("id", "tenant_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscription_meter" ADD CONSTRAINT "subscription_meter_subscription_id_tenant_id_fkey" FOREIGN KEY ("subscription_id", "tenant_id") REFERENCES "subscription"("id", "tenant_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscription_meter" ADD CONSTRAINT "subscription_meter_meter_id_tenant_id_fkey" FOREIGN KEY ("meter_id", "tenant_id") REFERENCES "meter"("id", "tenant_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meter_profile" ADD CONSTRAINT "meter_profile_brand_id_fkey" FOREIGN KEY ("brand_id") REFERENCES "meter_brand"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meter_profile" ADD CONSTRAINT "meter_profile_ip_rating_id_fkey" FOREIGN KEY ("ip_rating_id") REFERENCES "ip_rating"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "device_profile" ADD CONSTRAINT "device_profile_brand_id_fkey" FOREIGN KEY ("brand_id") REFERENCES "device_brand"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "device_profile_technology" ADD CONSTRAINT "device_profile_technology_device_profile_id_fkey" FOREIGN KEY ("device_profile_id") REFERENCES "device_profile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "device_profile_technology" ADD CONSTRAINT "device_profile_technology_technology_id_fkey" FOREIGN KEY ("technology_id") REFERENCES "communication_technology"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "message_scenario" ADD CONSTRAINT "message_scenario_device_profile_id_fkey" FOREIGN KEY ("device_profile_id") REFERENCES "device_profile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "message_scenario" ADD CONSTRAINT "message_scenario_technology_id_fkey" FOREIGN KEY ("technology_id") REFERENCES "communication_technology"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meter_profile_device_profile" ADD CONSTRAINT "meter_profile_device_profile_meter_profile_id_fkey" FOREIGN KEY ("meter_profile_id") REFERENCES "meter_profile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meter_profile_device_profile" ADD CONSTRAINT "meter_profile_device_profile_device_profile_id_fkey" FOREIGN KEY ("device_profile_id") REFERENCES "device_profile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tenant_meter_profile" ADD CONSTRAINT "tenant_meter_profile_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tenant_meter_profile" ADD CONSTRAINT "tenant_meter_profile_meter_profile_id_fkey" FOREIGN KEY ("meter_profile_id") REFERENCES "meter_profile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tenant_device_profile" ADD CONSTRAINT "tenant_device_profile_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tenant_device_profile" ADD CONSTRAINT "tenant_device_profile_device_profile_id_fkey" FOREIGN KEY ("device_profile_id") REFERENCES "device_profile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meter" ADD CONSTRAINT "meter_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meter" ADD CONSTRAINT "meter_meter_profile_id_brand_id_fkey" FOREIGN KEY ("meter_profile_id", "brand_id") REFERENCES "meter_profile"("id", "brand_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meter" ADD CONSTRAINT "meter_brand_id_fkey" FOREIGN KEY ("brand_id") REFERENCES "meter_brand"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "device" ADD CONSTRAINT "device_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "device" ADD CONSTRAINT "device_device_profile_id_brand_id_fkey" FOREIGN KEY ("device_profile_id", "brand_id") REFERENCES "device_profile"("id", "brand_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "device" ADD CONSTRAINT "device_brand_id_fkey" FOREIGN KEY ("brand_id") REFERENCES "device_brand"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "device" ADD CONSTRAINT "device_meter_id_tenant_id_fkey" FOREIGN KEY ("meter_id", "tenant_id") REFERENCES "meter"("id", "tenant_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "device_identifier" ADD CONSTRAINT "device_identifier_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "device"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "device_identifier" ADD CONSTRAINT "device_identifier_field_id_fkey" FOREIGN KEY ("field_id") REFERENCES "communication_technology_field"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "integration" ADD CONSTRAINT "integration_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alarm" ADD CONSTRAINT "alarm_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alarm" ADD CONSTRAINT "alarm_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "device"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alarm" ADD CONSTRAINT "alarm_meter_id_fkey" FOREIGN KEY ("meter_id") REFERENCES "meter"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alarm" ADD CONSTRAINT "alarm_subscription_id_fkey" FOREIGN KEY ("subscription_id") REFERENCES "subscription"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alarm" ADD CONSTRAINT "alarm_acknowledged_by_fkey" FOREIGN KEY ("acknowledged_by") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

