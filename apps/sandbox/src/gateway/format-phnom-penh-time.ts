/** Cambodia keeps UTC+7 all year (no daylight saving), so a fixed offset is exact. */
const PHNOM_PENH_OFFSET_MS = 7 * 3_600_000;

/**
 * Vexora's `successTime`: Asia/Phnom_Penh local time as `yyyy-MM-dd HH:mm:ss` (no zone written,
 * as in Vexora's examples; readers must know it is UTC+7).
 */
export function formatPhnomPenhTime(epochMs: number): string {
  const iso = new Date(epochMs + PHNOM_PENH_OFFSET_MS).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}
