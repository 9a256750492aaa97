/**
 * The PostgreSQL SQLSTATE behind an error from Prisma over the pg adapter, wherever the adapter
 * put it (raw queries wrap it in P2010 with the driver error as meta).
 */
export function postgresErrorCode(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    const record = current as Record<string, unknown>;
    for (const key of ['originalCode', 'code']) {
      const value = record[key];
      // Prisma's own codes (P1xxx-P6xxx) look like SQLSTATEs; PL/pgSQL's P0xxx are real ones.
      if (typeof value === 'string' && /^[0-9A-Z]{5}$/.test(value) && !/^P[1-9]/.test(value)) return value;
    }
    const meta = record.meta as Record<string, unknown> | undefined;
    current = record.cause ?? meta?.driverAdapterError ?? undefined;
  }
  return undefined;
}

export const UNIQUE_VIOLATION = '23505';
export const LOCK_NOT_AVAILABLE = '55P03';
