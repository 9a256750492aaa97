-- CreateTable
CREATE TABLE "submission_attempt" (
    "id" BIGSERIAL NOT NULL,
    "intent_id" UUID NOT NULL,
    "generation" INTEGER NOT NULL,
    "trade_no" VARCHAR(64) NOT NULL,
    "kind" VARCHAR(16) NOT NULL,
    "outcome" VARCHAR(16) NOT NULL,
    "reason" VARCHAR(32),
    "http_status" INTEGER,
    "business_code" VARCHAR(32),
    "gateway_status" VARCHAR(16),
    "message" TEXT,
    "latency_ms" INTEGER NOT NULL,
    "request_body" TEXT NOT NULL,
    "response_body" TEXT,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "submission_attempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "submission_attempt_intent_idx" ON "submission_attempt"("intent_id", "id");

-- AddForeignKey
ALTER TABLE "submission_attempt" ADD CONSTRAINT "submission_attempt_intent_id_fkey" FOREIGN KEY ("intent_id") REFERENCES "checkout_intent"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
