import { describe, expect, test } from 'vitest';
import { decodeKhqr } from './decode-khqr.js';

// Published examples of valid KHQR strings (from the test suite of the open-source ts-khqr
// library, which follows Bakong's own SDK): individual account in riel, individual in dollars
// with a bill number, merchant account with acquiring bank, bill number and mobile number.
const PUBLISHED = [
  '00020101021229180014jonhsmith@nbcq520459995303116540750000.05802KH5910Jonh Smith6010Phnom Penh62150211855123456789917001316257134678276304A96B',
  '00020101021229180014jonhsmith@nbcq52045999530384054031.05802KH5910Jonh Smith6010PHNOM PENH62210117INV-2021-07-65822991700131625713467827630451CF',
  '00020101021230400014jonhsmith@devb01061234560208Dev Bank520459995303840540410.05802KH5910Jonh Smith6010Phnom Penh62360117INV-2021-07-658220211855123456789917001316257134678276304ED60',
];

describe('decodeKhqr', () => {
  test.each(PUBLISHED)('accepts the published sample %#, CRC included', (sample) => {
    const decoded = decodeKhqr(sample);
    expect(decoded).toMatchObject({ ok: true, crcValid: true });
  });

  test('reads the fields and templates of a published merchant sample', () => {
    const decoded = decodeKhqr(PUBLISHED[2] ?? '');
    if (!decoded.ok) throw new Error(decoded.reason);
    expect(decoded.values.get('30.00')).toBe('jonhsmith@devb');
    expect(decoded.values.get('30.01')).toBe('123456');
    expect(decoded.values.get('30.02')).toBe('Dev Bank');
    expect(decoded.values.get('53')).toBe('840');
    expect(decoded.values.get('54')).toBe('10.0');
    expect(decoded.values.get('62.01')).toBe('INV-2021-07-65822');
    expect(decoded.values.get('62.02')).toBe('85512345678');
    expect(decoded.values.get('99.00')).toBe('1625713467827');
  });

  test('flags a CRC that does not match the content', () => {
    const tampered = (PUBLISHED[0] ?? '').replace('50000.0', '90000.0');
    expect(decodeKhqr(tampered)).toMatchObject({ ok: true, crcValid: false });
  });

  test.each([
    ['', 'empty'],
    ['0002010102', 'runs past the end'],
    ['AB020101', 'malformed'],
    ['000201010212', 'last field must be the CRC'],
    ['00020101021229051234563041234', 'runs past the end'],
  ])('reports malformed input %j', (text, reason) => {
    const decoded = decodeKhqr(text);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.reason).toContain(reason);
  });
});
