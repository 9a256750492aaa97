import type { Prisma } from '@vexora-checkout/db';

export interface TradeNoMatch {
  intentId: string;
  /** The tradeNo the claim is about (the intent's live one, or one it used before). */
  tradeNo: string;
  /** The submission generation that used `tradeNo`. */
  generation: number;
  /** True when `tradeNo` is one the intent no longer uses (see `superseded_trade_no`). */
  superseded: boolean;
  /** The intent's live tradeNo. */
  liveTradeNo: string;
}

/**
 * Finds the intent a claim is about: by its tradeNo (the live one, else a superseded one), and by
 * Vexora's platform trade number only when the tradeNo is missing or unknown to us (a claim whose
 * tradeNo and platform number point at two different intents is matched by tradeNo, the number
 * we issued). Null: nobody here ever used that order.
 */
export async function matchTradeNo(
  db: Prisma.TransactionClient,
  claim: { tradeNo: string | null; platformTradeNo: string | null },
): Promise<TradeNoMatch | null> {
  if (claim.tradeNo) {
    const live = await db.checkoutIntent.findUnique({
      where: { tradeNo: claim.tradeNo },
      select: { id: true, tradeNo: true, submissionGeneration: true },
    });
    if (live) {
      return {
        intentId: live.id,
        tradeNo: live.tradeNo,
        generation: live.submissionGeneration,
        superseded: false,
        liveTradeNo: live.tradeNo,
      };
    }
    const old = await db.supersededTradeNo.findUnique({
      where: { tradeNo: claim.tradeNo },
      select: { intentId: true, tradeNo: true, generation: true, intent: { select: { tradeNo: true } } },
    });
    if (old) {
      return {
        intentId: old.intentId,
        tradeNo: old.tradeNo,
        generation: old.generation,
        superseded: true,
        liveTradeNo: old.intent.tradeNo,
      };
    }
  }
  if (claim.platformTradeNo) {
    const byPlatform = await db.checkoutIntent.findFirst({
      where: { platformTradeNo: claim.platformTradeNo },
      select: { id: true, tradeNo: true, submissionGeneration: true },
    });
    if (byPlatform) {
      return {
        intentId: byPlatform.id,
        tradeNo: byPlatform.tradeNo,
        generation: byPlatform.submissionGeneration,
        superseded: false,
        liveTradeNo: byPlatform.tradeNo,
      };
    }
    const old = await db.supersededTradeNo.findFirst({
      where: { platformTradeNo: claim.platformTradeNo },
      select: { intentId: true, tradeNo: true, generation: true, intent: { select: { tradeNo: true } } },
    });
    if (old) {
      return {
        intentId: old.intentId,
        tradeNo: old.tradeNo,
        generation: old.generation,
        superseded: true,
        liveTradeNo: old.intent.tradeNo,
      };
    }
  }
  return null;
}
