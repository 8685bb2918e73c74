// @ts-check
// Create an API from an OpenAPI 2.0/3.0/3.1 document: pick a file, drop it, or paste it. The
// import's errors are shown at their place in the document (the line a parse error or a JSON
// pointer names); its warnings are listed after a successful import.
import { useState } from 'preact/hooks';
import { html } from '../../components/html.js';
import { ErrorSummary, Field } from '../../components/form.js';
import { describeError } from '../../components/states.js';
import { lineOfDetail, lineOfPointer } from '../../components/locate.js';
import { t } from '../../i18n.js';
import { ApiProblem, client, send } from '../../api.js';
import { membership } from '../../session.js';

/** @typedef {import('../../../types/api').components['schemas']['ApiResponse']} ApiResponse */

/** @param {string} text */
const mediaType = (text) => (/^\s*[{[]/.test(text) ? 'application/json' : 'application/yaml');

/** @typedef {{ line: number, exact: boolean, message: string, pointer?: string }} Located */

/** Pointers that name the form's own fields (query parameters), not places in the document. */
const FORM_FIELDS = ['/name', '/context', '/version', '/endpoints'];
/** @param {string} pointer */
const isFormField = (pointer) => FORM_FIELDS.some((f) => pointer === f || pointer.startsWith(f + '/'));

/**
 * The errors of a failed import, each at a line of the document when it names one.
 * @param {ApiProblem} problem @param {string} text
 * @returns {Located[]}
 */
function locate(problem, text) {
  if (problem.errors.length) {
    return problem.errors.filter((e) => !isFormField(e.pointer)).map((e) => ({ ...lineOfPointer(text, e.pointer), message: e.message, pointer: e.pointer }));
  }
  const at = lineOfDetail(problem.message);
  return at ? [{ line: at.line, exact: true, message: problem.message }] : [];
}

/** The document with line numbers, each located error under its line. @param {{ text: string, errors: Located[] }} props */
function Annotated({ text, errors }) {
  const lines = text.split('\n');
  const shown = new Set();
  for (const e of errors) for (let i = Math.max(1, e.line - 3); i <= Math.min(lines.length, e.line + 3); i++) shown.add(i);
  /** @type {import('preact').ComponentChildren[]} */
  const rows = [];
  let previous = 0;
  for (const n of [...shown].sort((a, b) => a - b)) {
    if (n > previous + 1) rows.push(html`<li class="gap" aria-hidden="true">…</li>`);
    const here = errors.filter((e) => e.line === n);
    rows.push(html`<li value=${n} class=${here.length ? 'bad' : ''}>
      <code>${lines[n - 1] || ' '}</code>
      ${here.map((e) => html`<p class="at-line"><strong>${t('import.error_at', { line: n })}</strong>${e.pointer ? html` <code>${e.pointer}</code>` : null} ${e.message}</p>`)}
    </li>`);
    previous = n;
  }
  return html`<ol class="annotated" tabindex="0" aria-label=${t('import.where')}>${rows}</ol>`;
}

export default function Import() {
  const org = membership.value?.org_id || '';
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState('');
  const [name, setName] = useState('');
  const [context, setContext] = useState('');
  const [version, setVersion] = useState('');
  const [endpoints, setEndpoints] = useState('');
  const [dragging, setDragging] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [created, setCreated] = useState(/** @type {ApiResponse | null} */ (null));
  const problem = error instanceof ApiProblem ? error : null;

  /** @param {File | undefined | null} file */
  const readFile = async (file) => {
    if (!file) return;
    setText(await file.text());
    setFileName(file.name);
    setError(null);
  };

  /** @param {SubmitEvent} event */
  const submit = async (event) => {
    event.preventDefault();
    if (!text.trim()) {
      setError(new ApiProblem(0, { detail: t('import.empty') }));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const { data } = await send(client.POST('/api/v1/orgs/{org_id}/apis/import', {
        params: {
          path: { org_id: org },
          query: { name: name || undefined, context: context || undefined, version: version || undefined, endpoints: endpoints || undefined },
        },
        body: text,
        bodySerializer: (/** @type {string} */ body) => body,
        headers: { 'Content-Type': mediaType(text) },
      }));
      setCreated(data);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  if (created) {
    return html`<section>
      <h1 tabindex="-1">${t('import.done', { name: created.name })}</h1>
      <p role="status">${t('import.resources_count', { count: created.resources.length })}</p>
      ${created.warnings?.length
        ? html`<h2>${t('import.warnings')}</h2><ul class="warnings">${created.warnings.map((w) => html`<li>${w}</li>`)}</ul>`
        : null}
      <p class="actions">
        <a class="button primary" href=${`/publisher/apis/${created.id}/resources`}>${t('import.see_resources')}</a>
        <a class="button" href=${`/publisher/apis/${created.id}`}>${t('import.see_api')}</a>
      </p>
    </section>`;
  }

  const located = problem && problem.status ? locate(problem, text) : [];
  const fieldErrors = (/** @type {string} */ p) => problem?.messagesFor(p, { prefix: true }) || [];
  const summary = error
    ? problem?.status === 409 ? t('import.conflict', { detail: problem.message })
      : problem?.status === 400 || problem?.status === 422 ? t('import.invalid')
        : problem && problem.status === 0 ? problem.message : describeError(error)
    : null;

  return html`<section>
    <h1 tabindex="-1">${t('import.title')}</h1>
    <p>${t('import.intro')}</p>
    <${ErrorSummary} message=${summary} items=${problem ? problem.errors.map((e) => `${e.pointer}: ${e.message}`) : []} />
    ${located.length ? html`<${Annotated} text=${text} errors=${located} />` : null}
    <form onSubmit=${submit} novalidate>
      <div class=${dragging ? 'dropzone over' : 'dropzone'}
        onDragOver=${(/** @type {DragEvent} */ e) => { e.preventDefault(); setDragging(true); }}
        onDragLeave=${() => setDragging(false)}
        onDrop=${(/** @type {DragEvent} */ e) => { e.preventDefault(); setDragging(false); readFile(e.dataTransfer?.files[0]); }}>
        <${Field} id="file" label=${t('import.file')} hint=${t('import.file_hint')}>
          ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="file" accept=".json,.yaml,.yml,application/json,application/yaml"
            onChange=${(/** @type {Event} */ e) => readFile(/** @type {HTMLInputElement} */ (e.currentTarget).files?.[0])} />`}
        <//>
        ${fileName ? html`<p class="hint">${t('import.loaded', { name: fileName, lines: text.split('\n').length })}</p>` : null}
      </div>
      <${Field} id="document" label=${t('import.paste')}>
        ${(/** @type {Record<string, unknown>} */ a) => html`<textarea ...${a} rows="12" spellcheck=${false} class="mono" value=${text}
          onInput=${(/** @type {Event} */ e) => { setText(/** @type {HTMLTextAreaElement} */ (e.currentTarget).value); setFileName(''); }}></textarea>`}
      <//>
      <fieldset>
        <legend>${t('import.overrides')}</legend>
        <${Field} id="name" label=${t('apis.name')} hint=${t('import.name_hint')} errors=${fieldErrors('/name')}>
          ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="text" value=${name} onInput=${(/** @type {Event} */ e) => setName(/** @type {HTMLInputElement} */ (e.currentTarget).value)} />`}
        <//>
        <${Field} id="context" label=${t('apis.context')} hint=${t('import.context_hint')} errors=${fieldErrors('/context')}>
          ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="text" value=${context} onInput=${(/** @type {Event} */ e) => setContext(/** @type {HTMLInputElement} */ (e.currentTarget).value)} />`}
        <//>
        <${Field} id="version" label=${t('apis.version')} hint=${t('import.version_hint')} errors=${fieldErrors('/version')}>
          ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="text" value=${version} onInput=${(/** @type {Event} */ e) => setVersion(/** @type {HTMLInputElement} */ (e.currentTarget).value)} />`}
        <//>
        <${Field} id="endpoints" label=${t('import.endpoints')} hint=${t('import.endpoints_hint')} errors=${fieldErrors('/endpoints')}>
          ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="text" inputmode="url" value=${endpoints} onInput=${(/** @type {Event} */ e) => setEndpoints(/** @type {HTMLInputElement} */ (e.currentTarget).value)} />`}
        <//>
      </fieldset>
      <button type="submit" class="primary" disabled=${busy}>${busy ? t('import.importing') : t('import.submit')}</button>
    </form>
  </section>`;
}
