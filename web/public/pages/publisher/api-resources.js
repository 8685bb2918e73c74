// @ts-check
// An API's resources: method, path template, whether callers need a credential. Edited as a
// whole list and saved with If-Match, like every edit of an API.
import { useLayoutEffect, useState } from 'preact/hooks';
import { html } from '../../components/html.js';
import { ApiFrame, SaveProblem, useApi } from '../../components/api-frame.js';
import { DataTable } from '../../components/table.js';
import { Field } from '../../components/form.js';
import { Empty } from '../../components/states.js';
import { t } from '../../i18n.js';
import { ApiProblem } from '../../api.js';

/** @typedef {import('../../../types/api').components['schemas']['Resource']} Resource */

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** @param {import('../../router.js').PageProps} props */
export default function ApiResources({ params }) {
  const { api, error, reload, save, saving, saveError } = useApi(params.id);
  const [rows, setRows] = useState(/** @type {Resource[]} */ ([]));
  const [method, setMethod] = useState('GET');
  const [path, setPath] = useState('');

  useLayoutEffect(() => {
    if (api) setRows(api.resources);
  }, [api]);
  const changed = !!api && JSON.stringify(rows) !== JSON.stringify(api.resources);
  const problem = saveError instanceof ApiProblem ? saveError : null;

  /** @param {SubmitEvent} event */
  const add = (event) => {
    event.preventDefault();
    if (!path.trim()) return;
    setRows([...rows, { method, path: path.trim(), auth_required: true }]);
    setPath('');
  };

  /** @type {import('../../components/table.js').Column<Resource>[]} */
  const columns = [
    { key: 'method', label: t('resources.method'), cell: (r) => html`<span class=${`method m-${r.method.toLowerCase()}`}>${r.method}</span>`, sort: (r) => METHODS.indexOf(r.method) },
    { key: 'path', label: t('resources.path'), cell: (r) => html`<code>${r.path}</code>`, sort: (r) => r.path },
    { key: 'summary', label: t('resources.summary'), cell: (r) => r.summary || '' },
    {
      key: 'auth', label: t('resources.auth'), cell: (r) => {
        const id = `auth-${r.method}-${r.path}`.replace(/[^\w-]/g, '_');
        return html`<div class="field check">
          <input id=${id} type="checkbox" checked=${r.auth_required !== false}
            onChange=${(/** @type {Event} */ e) => setRows(rows.map((x) => (x === r ? { ...x, auth_required: /** @type {HTMLInputElement} */ (e.currentTarget).checked } : x)))} />
          <label for=${id}>${t('resources.auth_required')}<span class="visually-hidden"> ${r.method} ${r.path}</span></label>
        </div>`;
      },
    },
    { key: 'remove', label: t('resources.remove_column'), cell: (r) => html`<button type="button" onClick=${() => setRows(rows.filter((x) => x !== r))}>${t('resources.remove')}<span class="visually-hidden"> ${r.method} ${r.path}</span></button>` },
  ];
  const errors = problem ? problem.errors.map((e) => `${e.pointer}: ${e.message}`) : [];

  return html`<${ApiFrame} api=${api} error=${error} tab="/resources">
    <${SaveProblem} error=${saveError} reload=${reload} message=${errors.length ? t('resources.invalid') : null} items=${errors} />
    ${api && (rows.length
      ? html`<${DataTable} caption=${t('api.tab_resources')} columns=${columns} rows=${rows} rowKey=${(/** @type {Resource} */ r) => `${r.method} ${r.path}`} />`
      : html`<${Empty} title=${t('resources.none')} />`)}
    ${api
      ? html`<p class="actions"><button type="button" class="primary" disabled=${saving || !changed} onClick=${() => save({ resources: rows })}>${t('resources.save')}</button>
          ${changed ? html`<span role="status">${t('resources.unsaved')}</span>` : null}</p>
        <h2>${t('resources.add_title')}</h2>
        <form class="row" onSubmit=${add}>
          <${Field} id="new-method" label=${t('resources.method')}>
            ${(/** @type {Record<string, unknown>} */ a) => html`<select ...${a} value=${method} onChange=${(/** @type {Event} */ e) => setMethod(/** @type {HTMLSelectElement} */ (e.currentTarget).value)}>${METHODS.map((m) => html`<option>${m}</option>`)}</select>`}
          <//>
          <${Field} id="new-path" label=${t('resources.path')} hint=${t('resources.path_hint')}>
            ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="text" value=${path} onInput=${(/** @type {Event} */ e) => setPath(/** @type {HTMLInputElement} */ (e.currentTarget).value)} />`}
          <//>
          <button type="submit">${t('resources.add')}</button>
        </form>`
      : null}
  <//>`;
}
