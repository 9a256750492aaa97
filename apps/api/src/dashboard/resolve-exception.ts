import type { PrismaClient } from '@vexora-checkout/db';
import { z } from 'zod';

export const RESOLUTIONS = ['refunded', 'accepted', 'written_off', 'false_alarm'] as const;

export const RESOLUTION_LABELS: Record<(typeof RESOLUTIONS)[number], string> = {
  refunded: 'Refunded to the payer',
  accepted: 'Accepted as it is',
  written_off: 'Written off',
  false_alarm: 'False alarm',
};

export const resolveFormSchema = z.object({
  resolution: z.enum(RESOLUTIONS, { error: `must be one of ${RESOLUTIONS.join(', ')}` }),
  note: z
    .string()
    .trim()
    .max(2_000, 'must be at most 2,000 characters')
    // PostgreSQL text cannot hold NUL; refuse it rather than fail in the database.
    .refine((text) => !text.includes('\u0000'), 'must not contain NUL characters')
    .default(''),
});

export type ResolveOutcome =
  | { status: 'resolved'; auditId: string }
  | { status: 'not_found' }
  | {
      status: 'already_resolved';
      resolvedBy: string | null;
      resolvedAt: Date | null;
      resolution: string | null;
    };

/**
 * Resolves an open exception and records it in operator_audit_log, in one transaction: both rows
 * or neither. The row is locked first, so two operators resolving it at once cannot both win.
 */
export async function resolveException(
  prisma: PrismaClient,
  input: {
    exceptionId: string;
    resolution: (typeof RESOLUTIONS)[number];
    note: string;
    operator: string;
    sourceIp: string | undefined;
  },
): Promise<ResolveOutcome> {
  return prisma.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<
      {
        kind: string;
        intent_id: string | null;
        resolution: string | null;
        resolved_by: string | null;
        resolved_at: Date | null;
      }[]
    >`SELECT kind, intent_id::text, resolution, resolved_by, resolved_at
      FROM reconciliation_exception WHERE id = ${input.exceptionId}::bigint FOR UPDATE`;
    if (!row) return { status: 'not_found' };
    if (row.resolved_at) {
      return {
        status: 'already_resolved',
        resolvedBy: row.resolved_by,
        resolvedAt: row.resolved_at,
        resolution: row.resolution,
      };
    }
    await tx.$executeRaw`
      UPDATE reconciliation_exception
      SET resolution = ${input.resolution}, resolution_note = ${input.note === '' ? null : input.note},
          resolved_by = ${input.operator}, resolved_at = now()
      WHERE id = ${input.exceptionId}::bigint`;
    const details = {
      resolution: input.resolution,
      note: input.note,
      kind: row.kind,
      intentId: row.intent_id,
    };
    const [audit] = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO operator_audit_log (operator, action, target, details, source_ip)
      VALUES (${input.operator}, 'exception.resolve', ${`reconciliation_exception:${input.exceptionId}`},
              ${JSON.stringify(details)}::jsonb, ${input.sourceIp ?? null})
      RETURNING id::text`;
    return { status: 'resolved', auditId: audit!.id };
  });
}
