// @ts-check
// A data table over a cursor-paged list: the server's `next_cursor` moves forward, a stack of
// the cursors seen moves back. Sorting is by the server's order (stable, oldest first) or, for
// the rows of one page, by a column the user picks.
import { useEffect, useState } from 'preact/hooks';
import { html } from './html.js';
import { t } from '../i18n.js';

/**
 * @template T
 * @typedef {{ key: string, label: string, cell: (row: T) => import('preact').ComponentChildren, sort?: (row: T) => string | number }} Column
 */

/**
 * @template T
 * @param {{ caption: string, columns: Column<T>[], rows: T[], rowKey: (row: T) => string, busy?: boolean }} props
 */
export function DataTable({ caption, columns, rows, rowKey, busy = false }) {
  const [sort, setSort] = useState(/** @type {{ key: string, dir: 1 | -1 } | null} */ (null));
  const column = sort && columns.find((c) => c.key === sort.key);
  const sorted = column?.sort && sort
    ? [...rows].sort((a, b) => {
      const x = /** @type {NonNullable<Column<T>['sort']>} */ (column.sort)(a);
      const y = /** @type {NonNullable<Column<T>['sort']>} */ (column.sort)(b);
      return (x < y ? -1 : x > y ? 1 : 0) * sort.dir;
    })
    : rows;
  /** @param {string} key */
  const toggle = (key) => setSort(sort?.key === key ? { key, dir: sort.dir === 1 ? -1 : 1 } : { key, dir: 1 });
  return html`<div class="table-wrap" aria-busy=${busy ? 'true' : undefined}>
    <table>
      <caption class="visually-hidden">${caption}</caption>
      <thead><tr>
        ${columns.map((c) => {
          const state = sort?.key === c.key ? (sort.dir === 1 ? 'ascending' : 'descending') : undefined;
          return html`<th scope="col" aria-sort=${state}>
            ${c.sort
              ? html`<button type="button" class="sort" onClick=${() => toggle(c.key)}>${c.label}<span aria-hidden="true">${state === 'ascending' ? ' ▲' : state === 'descending' ? ' ▼' : ''}</span></button>`
              : c.label}
          </th>`;
        })}
      </tr></thead>
      <tbody>
        ${sorted.map((row) => html`<tr key=${rowKey(row)}>${columns.map((c) => html`<td data-label=${c.label}>${c.cell(row)}</td>`)}</tr>`)}
      </tbody>
    </table>
  </div>`;
}

/**
 * Cursor paging state: the cursor of the page shown, and the way back.
 * @returns {{ cursor: string | undefined, page: number, forward: (next: string) => void, back: () => void, reset: () => void }}
 */
export function useCursor() {
  const [stack, setStack] = useState(/** @type {(string | undefined)[]} */ ([undefined]));
  return {
    cursor: stack[stack.length - 1],
    page: stack.length,
    forward: (next) => setStack([...stack, next]),
    back: () => setStack(stack.length > 1 ? stack.slice(0, -1) : stack),
    reset: () => setStack([undefined]),
  };
}

/** @param {{ page: number, next: string | null | undefined, onNext: () => void, onBack: () => void, busy?: boolean }} props */
export function Pager({ page, next, onNext, onBack, busy = false }) {
  return html`<nav class="pager" aria-label=${t('table.paging')}>
    <button type="button" onClick=${onBack} disabled=${busy || page <= 1}>${t('table.previous')}</button>
    <span>${t('table.page', { page })}</span>
    <button type="button" onClick=${onNext} disabled=${busy || !next}>${t('table.next')}</button>
  </nav>`;
}

/**
 * A cursor-paged list read from the server: the page at the current cursor, read again when
 * `deps` change or on `reload()`. Filters that change the list should also `paging.reset()`.
 * @template T
 * @param {(cursor: string | undefined) => Promise<{ items: T[], next_cursor?: string | null }>} load
 * @param {unknown[]} deps
 */
export function usePaged(load, deps) {
  const paging = useCursor();
  const [page, setPage] = useState(/** @type {{ items: T[], next_cursor?: string | null } | null} */ (null));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    setError(null);
    load(paging.cursor).then(
      (data) => live && setPage(data),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [...deps, paging.cursor, version]);
  return {
    page,
    error,
    paging,
    reload: () => setVersion((v) => v + 1),
    /** The pager under the table. */
    pager: () => html`<${Pager} page=${paging.page} next=${page?.next_cursor} onNext=${() => page?.next_cursor && paging.forward(page.next_cursor)} onBack=${paging.back} />`,
  };
}
