-- DropIndex
DROP INDEX "checkout_intent_created_idx";

-- AlterTable
ALTER TABLE "checkout_intent" ADD COLUMN     "account_id" VARCHAR(32) NOT NULL;

-- AlterTable
ALTER TABLE "status_history" ADD COLUMN     "client_id" VARCHAR(64) NOT NULL,
ADD COLUMN     "tx_id" xid8 NOT NULL DEFAULT pg_current_xact_id();

-- CreateTable
CREATE TABLE "api_key" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "client_id" VARCHAR(64) NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "key_prefix" VARCHAR(16) NOT NULL,
    "key_hash" CHAR(64) NOT NULL,
    "account_ids" VARCHAR(32)[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_key_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_key" (
    "client_id" VARCHAR(64) NOT NULL,
    "key" VARCHAR(255) NOT NULL,
    "request_hash" CHAR(64) NOT NULL,
    "response_status" INTEGER NOT NULL,
    "response_body" JSONB NOT NULL,
    "intent_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "idempotency_key_pkey" PRIMARY KEY ("client_id","key")
);

-- CreateIndex
CREATE UNIQUE INDEX "api_key_key_hash_key" ON "api_key"("key_hash");

-- CreateIndex
CREATE INDEX "api_key_client_idx" ON "api_key"("client_id");

-- CreateIndex
CREATE INDEX "idempotency_key_expires_idx" ON "idempotency_key"("expires_at");

-- CreateIndex
CREATE INDEX "checkout_intent_client_created_idx" ON "checkout_intent"("client_id", "created_at", "seq");

-- CreateIndex
CREATE INDEX "status_history_client_idx" ON "status_history"("client_id", "id");
