-- DropIndex
DROP INDEX "status_history_client_idx";

-- CreateIndex
CREATE INDEX "status_history_client_tx_idx" ON "status_history"("client_id", "tx_id", "id");
