// @ts-check
// Markdown rendered safely: parsed into Preact elements, never into an HTML string, so raw HTML
// in the source is shown as text and no element or attribute can be smuggled in. Links keep
// only http(s), mailto and same-site targets: `javascript:` and every other scheme become plain
// text. Supports headings, paragraphs, lists, block quotes, fenced code, inline code, emphasis,
// strong and links — what API documents use.
import { h } from 'preact';

/** @typedef {import('preact').ComponentChildren} Children */

/**
 * Whether a link target is safe to follow: http(s), mailto, or a path on this site.
 * @param {string} href
 */
export function safeHref(href) {
  const s = href.trim();
  // Browsers ignore control characters and whitespace inside a scheme ("java\tscript:").
  const compact = s.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  if (/^(https?:|mailto:)/i.test(compact)) return s;
  if (/^[a-z][a-z0-9+.-]*:/i.test(compact)) return null;
  if (/^\/\//.test(compact)) return null;
  return s;
}

/**
 * Inline markdown: code, links, strong, emphasis.
 * @param {string} text
 * @returns {Children[]}
 */
export function inline(text) {
  /** @type {Children[]} */
  const out = [];
  const pattern = /(`+)([\s\S]*?)\1|\[([^\]]*)\]\(([^)\s]*)(?:\s+"[^"]*")?\)|\*\*([\s\S]+?)\*\*|__([\s\S]+?)__|\*([^*\s][^*]*?)\*|_([^_\s][^_]*?)_/g;
  let last = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    if (m[1]) out.push(h('code', null, m[2]));
    else if (m[3] !== undefined) {
      const href = safeHref(m[4]);
      out.push(href === null ? h('span', { class: 'unsafe-link' }, ...inline(m[3])) : h('a', { href, rel: 'noopener noreferrer nofollow' }, ...inline(m[3])));
    } else if (m[5] || m[6]) out.push(h('strong', null, ...inline(m[5] || m[6])));
    else out.push(h('em', null, ...inline(m[7] || m[8])));
    last = pattern.lastIndex;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/**
 * A markdown document as Preact elements.
 * @param {string} source
 * @returns {Children[]}
 */
export function markdown(source) {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  /** @type {Children[]} */
  const blocks = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const fence = /^\s*(```|~~~)(.*)$/.exec(line);
    if (fence) {
      const body = [];
      i++;
      while (i < lines.length && !lines[i].trim().startsWith(fence[1])) body.push(lines[i++]);
      i++;
      blocks.push(h('pre', { tabindex: 0 }, h('code', null, body.join('\n'))));
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      // Documents sit under the page's own h1 and h2: their headings start at h3.
      const level = Math.min(6, heading[1].length + 2);
      blocks.push(h(`h${level}`, null, ...inline(heading[2])));
      i++;
      continue;
    }
    if (/^\s*>/.test(line)) {
      const body = [];
      while (i < lines.length && /^\s*>/.test(lines[i])) body.push(lines[i++].replace(/^\s*>\s?/, ''));
      blocks.push(h('blockquote', null, ...markdown(body.join('\n'))));
      continue;
    }
    const item = /^\s*([-*+]|\d+[.)])\s+/.exec(line);
    if (item) {
      const ordered = /\d/.test(item[1]);
      const items = [];
      while (i < lines.length && /^\s*([-*+]|\d+[.)])\s+/.test(lines[i])) {
        items.push(h('li', null, ...inline(lines[i].replace(/^\s*([-*+]|\d+[.)])\s+/, ''))));
        i++;
      }
      blocks.push(h(ordered ? 'ol' : 'ul', null, ...items));
      continue;
    }
    if (!line.trim()) {
      i++;
      continue;
    }
    const para = [];
    while (i < lines.length && lines[i].trim() && !/^(#{1,6}\s|\s*([-*+]|\d+[.)])\s|\s*>|\s*(```|~~~))/.test(lines[i])) para.push(lines[i++]);
    blocks.push(h('p', null, ...inline(para.join('\n'))));
  }
  return blocks;
}
