import { computeKhqrCrc } from './compute-khqr-crc.js';
import { KHQR_TAG, KHQR_TEMPLATE_TAGS } from './khqr-tags.js';

export interface KhqrField {
  tag: string;
  value: string;
  /** Sub-fields, for the templates (29, 30, 62, 99). */
  children?: KhqrField[];
}

export type DecodedKhqr =
  | {
      ok: true;
      fields: KhqrField[];
      /** Whether tag 63 matches the CRC of everything before it (including "6304"). */
      crcValid: boolean;
      /** Top-level value by tag, and template sub-values as "62.01". */
      values: ReadonlyMap<string, string>;
    }
  | { ok: false; reason: string };

/**
 * Parses a KHQR (EMVCo TLV) string into its fields and checks its CRC. Never throws: a string
 * that is not well-formed TLV, or whose CRC is not the last field, is reported with a reason.
 */
export function decodeKhqr(text: string): DecodedKhqr {
  const fields = parseTlv(text);
  if (typeof fields === 'string') return { ok: false, reason: fields };
  const last = fields.at(-1);
  if (last?.tag !== KHQR_TAG.crc || last.value.length !== 4) {
    return { ok: false, reason: 'the last field must be the CRC (tag 63, 4 characters)' };
  }
  const values = new Map<string, string>();
  for (const field of fields) {
    if (KHQR_TEMPLATE_TAGS.has(field.tag)) {
      const children = parseTlv(field.value);
      if (typeof children === 'string') return { ok: false, reason: `template ${field.tag}: ${children}` };
      field.children = children;
      for (const child of children) values.set(`${field.tag}.${child.tag}`, child.value);
    }
    values.set(field.tag, field.value);
  }
  const crcValid = computeKhqrCrc(text.slice(0, -4)) === last.value.toUpperCase();
  return { ok: true, fields, crcValid, values };
}

function parseTlv(text: string): KhqrField[] | string {
  const fields: KhqrField[] = [];
  let index = 0;
  while (index < text.length) {
    const tag = text.slice(index, index + 2);
    const lengthText = text.slice(index + 2, index + 4);
    if (!/^\d{2}$/.test(tag) || !/^\d{2}$/.test(lengthText)) {
      return `malformed tag or length at character ${index}`;
    }
    const length = Number(lengthText);
    const value = text.slice(index + 4, index + 4 + length);
    if (value.length !== length) return `tag ${tag} at character ${index} runs past the end`;
    fields.push({ tag, value });
    index += 4 + length;
  }
  if (fields.length === 0) return 'empty';
  return fields;
}
