import { z } from 'zod';

/**
 * Lenient readers for values whose type Vexora's own documentation does not agree on. Each keeps
 * the value's text exactly as received (a number becomes its JSON text), so nothing is lost.
 */

/** A string, or a number given where a string was documented (e.g. `timestamp`, `amount`). */
export const wireText = z.union([z.string(), z.number().transform((value) => JSON.stringify(value))]);

/** `true`/`false`, or the strings "true"/"false" (`success`). */
export const wireBoolean = z.union([
  z.boolean(),
  z
    .enum(['true', 'false', 'TRUE', 'FALSE', 'True', 'False'])
    .transform((value) => value.toLowerCase() === 'true'),
]);

/** An optional text field that may also come as null. */
export const optionalWireText = wireText.nullish().transform((value) => value ?? undefined);
