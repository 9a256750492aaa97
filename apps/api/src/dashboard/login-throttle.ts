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

  /** Milliseconds until a login may be tried again, or 0 when it may be tried now. */
  function retryAfterMs(name: string, address: string): number {
    const [nameKey, addressKey] = keys(name, address);
    const byName = current(nameKey!);
    const byAddress = current(addressKey!);
    const blocked = [
      byName && byName.count >= perName ? byName.resetAt : 0,
      byAddress && byAddress.count >= perAddress ? byAddress.resetAt : 0,
    ];
    return Math.max(0, Math.max(...blocked) - now());
  }

  function recordFailure(name: string, address: string): void {
    if (failures.size > 100_000) {
      for (const key of [...failures.keys()]) current(key); // drop the expired ones
    }
    for (const key of keys(name, address)) {
      const entry = current(key);
      if (entry) entry.count += 1;
      else failures.set(key, { count: 1, resetAt: now() + windowMs });
    }
  }

  return {
    retryAfterMs,
    recordFailure,
    /**
     * The check and the count in one step, before the password is checked: 0 and the attempt
     * counted as a failure (recordSuccess takes it back), or the wait and nothing counted.
     * Checking first and counting after the slow hash would let a burst of parallel tries all
     * pass the check before the first one is counted.
     */
    beginAttempt(name: string, address: string): number {
      const waitMs = retryAfterMs(name, address);
      if (waitMs === 0) recordFailure(name, address);
      return waitMs;
    },
    /** A right password: the name's failures are forgotten, and this attempt's count taken back. */
    recordSuccess(name: string, address?: string): void {
      failures.delete(`name:${name.toLowerCase()}`);
      if (address === undefined) return;
      const entry = current(`address:${address}`);
      if (entry && entry.count > 0) entry.count -= 1;
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
