// @ts-check
// Finds the line of a JSON pointer in the text of a JSON or YAML document, without parsing it
// into a tree: each key of the pointer is looked for below the line of its parent, deeper
// indented (YAML) or after it (JSON). Good enough to point at the place an import error names;
// `null` when a step cannot be found.

/** @param {string} segment */
const unescape = (segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~');

/** @param {string} s */
const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** @param {string} line */
const indentOf = (line) => line.length - line.trimStart().length;

/**
 * The 1-based line that `pointer` names in `text`. When a step of the pointer cannot be found
 * (an index into a JSON array, say), the line of the deepest step found, with `exact: false`.
 * @param {string} text
 * @param {string} pointer
 * @returns {{ line: number, exact: boolean }}
 */
export function lineOfPointer(text, pointer) {
  const lines = text.split('\n');
  const segments = pointer.split('/').slice(1).map(unescape);
  if (segments.length === 0 || lines.length === 1) return { line: 1, exact: true };
  let at = -1;
  let parentIndent = -1;
  for (const segment of segments) {
    const found = /^\d+$/.test(segment)
      ? findItem(lines, at, parentIndent, Number(segment))
      : findKey(lines, at, parentIndent, segment);
    if (found < 0) return { line: Math.max(at, 0) + 1, exact: false };
    at = found;
    parentIndent = indentOf(lines[found]);
  }
  return { line: at + 1, exact: true };
}

/**
 * The line of `key` inside the block that starts after line `after` (indented deeper than
 * `parentIndent`), or -1.
 * @param {string[]} lines @param {number} after @param {number} parentIndent @param {string} key
 */
function findKey(lines, after, parentIndent, key) {
  const k = escapeRegExp(key);
  const pattern = new RegExp(`^\\s*(?:-\\s+)?(?:"${k}"|'${k}'|${k})\\s*:|"${k}"\\s*:`);
  for (let i = after + 1; i < lines.length; i++) {
    const line = lines[i];
    if (!line.trim()) continue;
    if (after >= 0 && indentOf(line) <= parentIndent) return -1;
    if (pattern.test(line)) return i;
  }
  return -1;
}

/**
 * The line of the `index`-th item of a YAML block list inside the block after line `after`,
 * or -1.
 * @param {string[]} lines @param {number} after @param {number} parentIndent @param {number} index
 */
function findItem(lines, after, parentIndent, index) {
  let count = -1;
  let itemIndent = -1;
  for (let i = after + 1; i < lines.length; i++) {
    const line = lines[i];
    if (!line.trim()) continue;
    const indent = indentOf(line);
    const item = /^\s*-(\s|$)/.test(line);
    if (indent < parentIndent || (indent === parentIndent && !item)) return -1;
    if (item) {
      if (itemIndent === -1) itemIndent = indent;
      if (indent === itemIndent && ++count === index) return i;
    }
  }
  return -1;
}

/**
 * The line and column a parse error's detail names ("line 3, column 7"), or null.
 * @param {string} detail
 * @returns {{ line: number, column: number | null } | null}
 */
export function lineOfDetail(detail) {
  const m = /line (\d+)(?:,? column (\d+))?/.exec(detail);
  return m ? { line: Number(m[1]), column: m[2] ? Number(m[2]) : null } : null;
}
