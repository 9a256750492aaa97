-- CreateEnum
CREATE TYPE "signature_result" AS ENUM ('valid', 'invalid', 'absent');

-- CreateTable
CREATE TABLE "gateway_notification" (
    "id" BIGSERIAL NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "raw_body" TEXT NOT NULL,
    "content_type" VARCHAR(128),
    "headers" JSONB NOT NULL DEFAULT '{}',
    "source_ip" VARCHAR(64),
    "trade_no" VARCHAR(64),
    "platform_trade_no" VARCHAR(64),
    "status" VARCHAR(16),
    "amount" DECIMAL(20,2),
    "signature" "signature_result" NOT NULL,
    "account_id" VARCHAR(32),
    "dedupe_key" CHAR(64) NOT NULL,
    "intent_id" UUID,
    "processed_at" TIMESTAMPTZ(3),
    "outcome" VARCHAR(32),
    "attempts" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "gateway_notification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reconciliation_exception" (
    "id" BIGSERIAL NOT NULL,
    "kind" VARCHAR(48) NOT NULL,
    "intent_id" UUID,
    "notification_id" BIGINT,
    "trade_no" VARCHAR(64),
    "account_id" VARCHAR(32),
    "expected_amount" DECIMAL(20,2),
    "reported_amount" DECIMAL(20,2),
    "currency" "currency",
    "gateway_status" VARCHAR(16),
    "evidence" JSONB NOT NULL DEFAULT '{}',
    "dedupe_key" VARCHAR(128) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolution" VARCHAR(32),
    "resolution_note" TEXT,
    "resolved_by" VARCHAR(100),
    "resolved_at" TIMESTAMPTZ(3),

    CONSTRAINT "reconciliation_exception_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "superseded_trade_no" (
    "trade_no" VARCHAR(64) NOT NULL,
    "intent_id" UUID NOT NULL,
    "generation" INTEGER NOT NULL,
    "platform_trade_no" VARCHAR(64),
    "gateway_status" VARCHAR(16),
    "reason" VARCHAR(64) NOT NULL,
    "superseded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "superseded_trade_no_pkey" PRIMARY KEY ("trade_no")
);

-- CreateIndex
CREATE INDEX "gateway_notification_unprocessed_idx" ON "gateway_notification"("processed_at", "id");

-- CreateIndex
CREATE INDEX "gateway_notification_trade_no_idx" ON "gateway_notification"("trade_no");

-- CreateIndex
CREATE INDEX "gateway_notification_dedupe_idx" ON "gateway_notification"("dedupe_key");

-- CreateIndex
CREATE INDEX "gateway_notification_intent_idx" ON "gateway_notification"("intent_id");

-- CreateIndex
CREATE UNIQUE INDEX "reconciliation_exception_dedupe_key_key" ON "reconciliation_exception"("dedupe_key");

-- CreateIndex
CREATE INDEX "reconciliation_exception_open_idx" ON "reconciliation_exception"("resolved_at", "created_at");

-- CreateIndex
CREATE INDEX "reconciliation_exception_intent_idx" ON "reconciliation_exception"("intent_id");

-- CreateIndex
CREATE INDEX "superseded_trade_no_intent_idx" ON "superseded_trade_no"("intent_id");

-- AddForeignKey
ALTER TABLE "gateway_notification" ADD CONSTRAINT "gateway_notification_intent_id_fkey" FOREIGN KEY ("intent_id") REFERENCES "checkout_intent"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reconciliation_exception" ADD CONSTRAINT "reconciliation_exception_intent_id_fkey" FOREIGN KEY ("intent_id") REFERENCES "checkout_intent"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reconciliation_exception" ADD CONSTRAINT "reconciliation_exception_notification_id_fkey" FOREIGN KEY ("notification_id") REFERENCES "gateway_notification"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "superseded_trade_no" ADD CONSTRAINT "superseded_trade_no_intent_id_fkey" FOREIGN KEY ("intent_id") REFERENCES "checkout_intent"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
