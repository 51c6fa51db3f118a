-- Q1 of an R160 meter with Q3 = 2.5 m³/h is 0.015625 m³/h: flow rates need six decimals.
-- The identifier trigger always sets normalized_value; the default lets inserts omit it.
-- AlterTable
ALTER TABLE "meter_profile" ALTER COLUMN "q1" SET DATA TYPE DECIMAL(12,6),
ALTER COLUMN "q2" SET DATA TYPE DECIMAL(12,6),
ALTER COLUMN "q3" SET DATA TYPE DECIMAL(12,6),
ALTER COLUMN "q4" SET DATA TYPE DECIMAL(12,6);

-- AlterTable
ALTER TABLE "device_identifier" ALTER COLUMN "normalized_value" SET DEFAULT '';

