import { describe, expect, test } from 'vitest';
import { renderDescription } from './render-description.js';

describe('renderDescription', () => {
  test('renders paragraphs, lists and inline markup', () => {
    expect(
      renderDescription(
        '**Idempotency.** Send a key.\n- same key: *replayed*\n  on retry\n- other: `422`\n\nDone.',
      ),
    ).toBe(
      '<p><strong>Idempotency.</strong> Send a key.</p>\n<ul><li>same key: <em>replayed</em> on retry</li><li>other: <code>422</code></li></ul>\n<p>Done.</p>',
    );
  });

  test('escapes everything, inside code spans too, and makes no links', () => {
    expect(renderDescription('a <b> & `<i>**x**</i>` [link](javascript:alert(1))')).toBe(
      '<p>a &lt;b&gt; &amp; <code>&lt;i&gt;**x**&lt;/i&gt;</code> [link](javascript:alert(1))</p>',
    );
  });

  test('renders nothing for no description', () => {
    expect(renderDescription(undefined)).toBe('');
  });
});
