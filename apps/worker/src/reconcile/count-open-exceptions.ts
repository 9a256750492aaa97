import type { PrismaClient } from '@vexora-checkout/db';

/** Open reconciliation exceptions by kind (served by the `(resolved_at, created_at)` index). */
export async function countOpenExceptions(prisma: PrismaClient): Promise<{ kind: string; open: number }[]> {
  const rows = await prisma.reconciliationException.groupBy({
    by: ['kind'],
    where: { resolvedAt: null },
    _count: { _all: true },
  });
  return rows.map((row) => ({ kind: row.kind, open: row._count._all }));
}
