import { escapeHtml } from '@vexora-checkout/runtime';

/** Inline markup of one line of escaped text: `code`, **strong**, *emphasis*. */
function renderInline(text: string): string {
  // Split on code spans first, so nothing inside one is read as emphasis.
  return text
    .split('`')
    .map((part, index) => {
      const escaped = escapeHtml(part);
      if (index % 2 === 1) return `<code>${escaped}</code>`;
      return escaped
        .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
        .replace(/\*([^*\s][^*]*)\*/g, '<em>$1</em>');
    })
    .join('');
}

/**
 * A description from the document as HTML. The document's prose uses a small subset of
 * CommonMark (paragraphs, `- ` lists, code spans, emphasis), rendered here rather than by a
 * markdown library: every character is escaped first, and only those few constructs become
 * markup, so no description can inject HTML (no raw HTML, no links).
 */
export function renderDescription(text: string | undefined): string {
  if (!text) return '';
  const html: string[] = [];
  for (const block of text.trim().split(/\n\s*\n/)) {
    let paragraph: string[] = [];
    let items: string[] = [];
    const flushParagraph = () => {
      if (paragraph.length > 0) html.push(`<p>${renderInline(paragraph.join(' '))}</p>`);
      paragraph = [];
    };
    const flushItems = () => {
      if (items.length > 0)
        html.push(`<ul>${items.map((item) => `<li>${renderInline(item)}</li>`).join('')}</ul>`);
      items = [];
    };
    for (const line of block.split('\n')) {
      if (/^\s*- /.test(line)) {
        flushParagraph();
        items.push(line.replace(/^\s*- /, ''));
      } else if (items.length > 0 && /^\s+\S/.test(line)) {
        items[items.length - 1] += ` ${line.trim()}`;
      } else {
        flushItems();
        paragraph.push(line.trim());
      }
    }
    flushParagraph();
    flushItems();
  }
  return html.join('\n');
}
