-- CreateEnum
CREATE TYPE "intent_state" AS ENUM ('PENDING', 'SUBMITTING', 'UNKNOWN', 'AWAITING_PAYMENT', 'PAID', 'PARTIALLY_PAID', 'FAILED', 'REJECTED', 'SUBMIT_FAILED', 'EXPIRED');

-- CreateEnum
CREATE TYPE "currency" AS ENUM ('KHR', 'USD');

-- CreateTable
CREATE TABLE "checkout_intent" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "seq" BIGSERIAL NOT NULL,
    "client_id" VARCHAR(64) NOT NULL,
    "merchant_no" VARCHAR(64) NOT NULL,
    "merchant_reference" VARCHAR(128),
    "state" "intent_state" NOT NULL DEFAULT 'PENDING',
    "trade_no" VARCHAR(64) NOT NULL,
    "submission_generation" INTEGER NOT NULL DEFAULT 0,
    "amount" DECIMAL(20,2) NOT NULL,
    "currency" "currency" NOT NULL,
    "paid_amount" DECIMAL(20,2),
    "channel_code" VARCHAR(32),
    "way_code" VARCHAR(32),
    "payer_first_name" VARCHAR(100) NOT NULL,
    "payer_last_name" VARCHAR(100) NOT NULL,
    "payer_mobile" VARCHAR(16) NOT NULL,
    "payer_email" VARCHAR(254) NOT NULL,
    "return_url" VARCHAR(2048),
    "remark" VARCHAR(256),
    "metadata" JSONB,
    "platform_trade_no" VARCHAR(64),
    "payment_link" VARCHAR(2048),
    "pay_info" TEXT,
    "gateway_status" VARCHAR(16),
    "last_error_code" VARCHAR(32),
    "last_error_message" TEXT,
    "attempt_count" INTEGER NOT NULL DEFAULT 0,
    "version" INTEGER NOT NULL DEFAULT 0,
    "state_changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "checkout_intent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outbox_event" (
    "id" BIGSERIAL NOT NULL,
    "event_type" VARCHAR(64) NOT NULL,
    "intent_id" UUID NOT NULL,
    "generation" INTEGER NOT NULL DEFAULT 0,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),
    "publish_attempts" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "outbox_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "status_history" (
    "id" BIGSERIAL NOT NULL,
    "intent_id" UUID NOT NULL,
    "from_state" "intent_state",
    "to_state" "intent_state" NOT NULL,
    "actor" VARCHAR(32) NOT NULL,
    "reason" VARCHAR(64) NOT NULL,
    "details" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "status_history_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "checkout_intent_seq_key" ON "checkout_intent"("seq");

-- CreateIndex
CREATE UNIQUE INDEX "checkout_intent_trade_no_key" ON "checkout_intent"("trade_no");

-- CreateIndex
CREATE INDEX "checkout_intent_state_changed_idx" ON "checkout_intent"("state", "state_changed_at");

-- CreateIndex
CREATE INDEX "checkout_intent_created_idx" ON "checkout_intent"("created_at", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "checkout_intent_client_reference_key" ON "checkout_intent"("client_id", "merchant_reference");

-- CreateIndex
CREATE INDEX "outbox_event_unpublished_idx" ON "outbox_event"("published_at", "id");

-- CreateIndex
CREATE INDEX "outbox_event_intent_idx" ON "outbox_event"("intent_id");

-- CreateIndex
CREATE INDEX "status_history_intent_idx" ON "status_history"("intent_id", "id");

-- AddForeignKey
ALTER TABLE "outbox_event" ADD CONSTRAINT "outbox_event_intent_id_fkey" FOREIGN KEY ("intent_id") REFERENCES "checkout_intent"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "status_history" ADD CONSTRAINT "status_history_intent_id_fkey" FOREIGN KEY ("intent_id") REFERENCES "checkout_intent"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
