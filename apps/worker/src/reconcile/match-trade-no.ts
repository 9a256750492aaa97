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
    const match = await matchBy(db, { tradeNo: claim.tradeNo });
    if (match) return match;
  }
  if (claim.platformTradeNo) return matchBy(db, { platformTradeNo: claim.platformTradeNo });
  return null;
}

/** The intent that uses (live) or used (superseded) the number in `where`, live first. */
async function matchBy(
  db: Prisma.TransactionClient,
  where: { tradeNo: string } | { platformTradeNo: string },
): Promise<TradeNoMatch | null> {
  const live = await db.checkoutIntent.findFirst({
    where,
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
  const old = await db.supersededTradeNo.findFirst({
    where,
    select: { intentId: true, tradeNo: true, generation: true, intent: { select: { tradeNo: true } } },
  });
  if (!old) return null;
  return {
    intentId: old.intentId,
    tradeNo: old.tradeNo,
    generation: old.generation,
    superseded: true,
    liveTradeNo: old.intent.tradeNo,
  };
}
