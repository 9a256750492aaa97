import { describe, expect, test } from 'vitest';
import { computeKhqrCrc } from './compute-khqr-crc.js';
import { decodeKhqr } from './decode-khqr.js';
import { encodeKhqr, type KhqrInput } from './encode-khqr.js';

const input: KhqrInput = {
  accountId: 'vexora.sandbox@devb',
  merchantId: 'SANDBOX0002',
  acquiringBank: 'Vexora Sandbox',
  merchantCategoryCode: '5999',
  currencyCode: '116',
  amount: '15000',
  merchantName: 'SANDBOX0002',
  merchantCity: 'Phnom Penh',
  billNumber: 'VX20260331000125',
  createdAtMs: 1_719_876_543_210,
};

describe('encodeKhqr', () => {
  test('writes the tags of a dynamic KHQR in order, ending with a valid CRC', () => {
    const khqr = encodeKhqr(input);
    expect(khqr).toBe(
      '000201010212' +
        '3056' +
        '0019vexora.sandbox@devb' +
        '0111SANDBOX0002' +
        '0214Vexora Sandbox' +
        '52045999' +
        '5303116' +
        '540515000' +
        '5802KH' +
        '5911SANDBOX0002' +
        '6010Phnom Penh' +
        '62200116VX20260331000125' +
        '9917' +
        '00131719876543210' +
        '6304' +
        khqr.slice(-4),
    );
    expect(khqr.slice(-4)).toBe(computeKhqrCrc(khqr.slice(0, -4)));
  });

  test('round-trips through decodeKhqr', () => {
    const decoded = decodeKhqr(encodeKhqr({ ...input, currencyCode: '840', amount: '12.50' }));
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.crcValid).toBe(true);
    expect(Object.fromEntries(decoded.values)).toMatchObject({
      '00': '01',
      '01': '12',
      '30.00': 'vexora.sandbox@devb',
      '30.01': 'SANDBOX0002',
      '30.02': 'Vexora Sandbox',
      '52': '5999',
      '53': '840',
      '54': '12.50',
      '58': 'KH',
      '59': 'SANDBOX0002',
      '60': 'Phnom Penh',
      '62.01': 'VX20260331000125',
      '99.00': '1719876543210',
    });
  });

  test('refuses values a QR reader could not parse back', () => {
    expect(() => encodeKhqr({ ...input, billNumber: 'x'.repeat(100) })).toThrow(/longer than 99/);
    expect(() => encodeKhqr({ ...input, merchantName: 'ហាង' })).toThrow(/printable ASCII/);
    expect(() => encodeKhqr({ ...input, amount: '12345678901234' })).toThrow(/EMVCo amount/);
    expect(() => encodeKhqr({ ...input, billNumber: '' })).toThrow(/empty/);
  });
});
