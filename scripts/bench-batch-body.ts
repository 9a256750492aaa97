// The body of one POST /v1/checkouts/batch of the load generators: `batchSize` USD intents whose
// references (and idempotency keys) are unique within the run and whose amounts vary.

/** Batch number `batch` of a run: items `batch * batchSize` to `(batch + 1) * batchSize - 1`. */
export function checkoutBatchBody(referencePrefix: string, batch: number, batchSize: number): string {
  return JSON.stringify({
    items: Array.from({ length: batchSize }, (_unused, index) => {
      const n = batch * batchSize + index;
      const reference = `${referencePrefix}-${n}`;
      return {
        idempotencyKey: reference,
        checkout: {
          amount: `${(n % 900) + 1}.${String(n % 100).padStart(2, '0')}`,
          currency: 'USD',
          merchantReference: reference,
          payer: { firstName: 'Sok', lastName: 'Dara', mobile: '012345678', email: 'sok@example.com' },
        },
      };
    }),
  });
}
