/**
 * The tradeNo of an intent's next submission generation, derived from its live one.
 *
 * `generateTradeNo` (packages/contracts) makes `[prefix] + time + seq (>= 8 digits) + generation
 * (2 digits)`, with the prefix and the time zone from the api's configuration. The worker does
 * not repeat that configuration (a copy could drift): everything but the generation is a pure
 * function of the intent, so the live tradeNo already carries the right prefix and time, and the
 * next one is the same text with the last two digits replaced. Returns null when the live tradeNo
 * is not of that shape for this intent (written by other code) or the generations ran out.
 */
export function nextTradeNo(
  intent: { tradeNo: string; seq: bigint; submissionGeneration: number },
  maxGeneration: number,
): string | null {
  const generation = intent.submissionGeneration;
  const next = generation + 1;
  if (next > maxGeneration || next > 99) return null;
  const suffix = `${intent.seq.toString().padStart(8, '0')}${String(generation).padStart(2, '0')}`;
  if (!intent.tradeNo.endsWith(suffix)) return null;
  return `${intent.tradeNo.slice(0, -2)}${String(next).padStart(2, '0')}`;
}
