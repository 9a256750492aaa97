/**
 * The one tradeNo generator, shared by the api (which shows generation 0's tradeNo in its 202)
 * and the worker (which issues a superseding one when an order provably cannot be paid).
 *
 * Vexora recommends `yyyyMMddHHmmss` + digits. Ours is
 *   [prefix] + creation time (yyyyMMddHHmmss, in `timeZone`) + sequence number (at least 8
 *   digits) + submission generation (2 digits)
 * A pure function of the intent: the same intent and generation always give the same tradeNo,
 * so a retry can never invent a new order. Two intents never share one: their sequence numbers
 * differ, and with the generation's width fixed, different sequence numbers cannot produce the
 * same digits.
 */
export interface TradeNoInput {
  /** The intent's creation time. */
  createdAt: Date;
  /** The intent's `seq`, from its database sequence. */
  seq: bigint;
  /** 0 for the first tradeNo; incremented for each superseding one. */
  generation: number;
  /** Optional merchant prefix: letters and digits, at most 8. */
  prefix?: string;
  /** Zone of the time part; Vexora is in Cambodia. */
  timeZone?: string;
}

export const TRADE_NO_TIME_ZONE = 'Asia/Phnom_Penh';
export const MAX_SUBMISSION_GENERATION = 99;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** `yyyyMMddHHmmss` of an instant in a time zone. */
export function formatCompactTime(instant: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}${parts.month}${parts.day}${parts.hour}${parts.minute}${parts.second}`;
}

export function generateTradeNo(input: TradeNoInput): string {
  const { seq, generation, prefix = '' } = input;
  if (!/^[A-Za-z0-9]{0,8}$/.test(prefix))
    throw new RangeError('tradeNo prefix must be at most 8 letters or digits');
  if (seq < 1n) throw new RangeError('seq must be positive');
  if (!Number.isInteger(generation) || generation < 0 || generation > MAX_SUBMISSION_GENERATION) {
    throw new RangeError(`generation must be an integer from 0 to ${MAX_SUBMISSION_GENERATION}`);
  }
  const time = formatCompactTime(input.createdAt, input.timeZone ?? TRADE_NO_TIME_ZONE);
  return `${prefix}${time}${seq.toString().padStart(8, '0')}${String(generation).padStart(2, '0')}`;
}
