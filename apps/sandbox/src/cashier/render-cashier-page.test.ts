import { describe, expect, test } from 'vitest';
import type { OrderDescription } from '../gateway/describe-order.js';
import { escapeHtml } from '@vexora-checkout/runtime';
import { renderCashierPage } from './render-cashier-page.js';

const order = {
  merchantNo: 'SANDBOX0001',
  tradeNo: 'T1',
  platFormTradeNo: 'vx1',
  status: '0015',
  currency: 'USD',
  amount: '12.50',
  paidAmount: null,
  returnUrl: 'https://merchant.example/return',
  payInfo: '000201',
} as unknown as OrderDescription;

describe('escapeHtml', () => {
  test('escapes the five characters that matter in content and quoted attributes', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&amp;</a>`)).toBe(
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
    );
  });
});

describe('renderCashierPage', () => {
  test('shows the order, the QR code and the three actions while processing', () => {
    const html = renderCashierPage({ order, qrSvg: '<svg id="qr"></svg>', action: '/pay?token=abc' });
    expect(html).toContain('<dt>Merchant</dt><dd>SANDBOX0001</dd>');
    expect(html).toContain('<dt>Amount</dt><dd>12.50 USD</dd>');
    expect(html).toContain('<svg id="qr"></svg>');
    expect(html.match(/<form method="post" action="\/pay\?token=abc"/g)).toHaveLength(3);
    expect(html).toContain('step="0.01"');
  });

  test('escapes every value, the error and the action included', () => {
    const hostile = '"><script>alert(1)</script>';
    const html = renderCashierPage({
      order: { ...order, tradeNo: hostile, remark: hostile, payInfo: hostile },
      action: hostile,
      error: hostile,
    });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  test('offers the way back instead of buttons once settled', () => {
    const html = renderCashierPage({
      order: { ...order, status: '0001', paidAmount: '5.00' },
      qrSvg: '<svg id="qr"></svg>',
      action: '/pay',
    });
    expect(html).not.toContain('<svg');
    expect(html).toContain('<dt>Paid</dt><dd>5.00 USD</dd>');
    expect(html).toContain('Partially paid (0001)');
    expect(html).toContain('<a href="https://merchant.example/return">');
    expect(html).not.toContain('<form');
  });
});
