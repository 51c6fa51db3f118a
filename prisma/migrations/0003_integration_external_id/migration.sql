-- AlterTable
ALTER TABLE "integration" ADD COLUMN     "external_id" VARCHAR(100);

-- CreateIndex
CREATE UNIQUE INDEX "integration_kind_external_id_key" ON "integration"("kind", "external_id");

