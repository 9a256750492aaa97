/**
 * Failed logins, counted per operator name and per source address in fixed windows, in memory
 * (one count per api process: with N replicas an attacker gets N times the budget, still tiny
 * against scrypt hashes). Past a limit, logins from that address or for that name are refused
 * without checking the password until the window ends.
 */
export function createLoginThrottle(
  options: {
    windowMs?: number;
    maxFailuresPerName?: number;
    maxFailuresPerAddress?: number;
    now?: () => number;
  } = {},
) {
  const windowMs = options.windowMs ?? 15 * 60_000;
  const perName = options.maxFailuresPerName ?? 5;
  const perAddress = options.maxFailuresPerAddress ?? 20;
  const now = options.now ?? Date.now;
  const failures = new Map<string, { count: number; resetAt: number }>();

  const current = (key: string) => {
    const entry = failures.get(key);
    if (entry && entry.resetAt <= now()) {
      failures.delete(key);
      return undefined;
    }
    return entry;
  };
  const keys = (name: string, address: string) => [`name:${name.toLowerCase()}`, `address:${address}`];

  return {
    /** Milliseconds until a login may be tried again, or 0 when it may be tried now. */
    retryAfterMs(name: string, address: string): number {
      const [nameKey, addressKey] = keys(name, address);
      const byName = current(nameKey!);
      const byAddress = current(addressKey!);
      const blocked = [
        byName && byName.count >= perName ? byName.resetAt : 0,
        byAddress && byAddress.count >= perAddress ? byAddress.resetAt : 0,
      ];
      return Math.max(0, Math.max(...blocked) - now());
    },
    recordFailure(name: string, address: string): void {
      if (failures.size > 100_000) {
        for (const key of [...failures.keys()]) current(key); // drop the expired ones
      }
      for (const key of keys(name, address)) {
        const entry = current(key);
        if (entry) entry.count += 1;
        else failures.set(key, { count: 1, resetAt: now() + windowMs });
      }
    },
    recordSuccess(name: string): void {
      failures.delete(`name:${name.toLowerCase()}`);
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
