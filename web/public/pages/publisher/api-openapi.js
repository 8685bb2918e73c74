// @ts-check
// The OpenAPI document stored with an API: read it, download it as uploaded, or replace it.
// Replacing it replaces the API's resources (and, if asked, its endpoints) from the new
// document, with If-Match like every edit of the API; the server's errors are shown at their
// line of the new document.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../components/html.js';
import { ApiFrame, SaveProblem, useApi } from '../../components/api-frame.js';
import { CodeBlock } from '../../components/code.js';
import { Field } from '../../components/form.js';
import { ErrorState, Loading } from '../../components/states.js';
import { lineOfPointer } from '../../components/locate.js';
import { toast } from '../../components/toast.js';
import { t } from '../../i18n.js';
import { ApiProblem, client, send } from '../../api.js';

/** @param {string} text */
const mediaType = (text) => (/^\s*[{[]/.test(text) ? 'application/json' : 'application/yaml');

/** @param {import('../../router.js').PageProps} props */
export default function ApiOpenApi({ params }) {
  const { api, etag, error, reload, replace } = useApi(params.id);
  const [stored, setStored] = useState(/** @type {string | null} */ (null));
  const [storedError, setStoredError] = useState(/** @type {unknown} */ (null));
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState('');
  const [endpointsToo, setEndpointsToo] = useState(false);
  const [saveError, setSaveError] = useState(/** @type {unknown} */ (null));
  const [busy, setBusy] = useState(false);

  const hasDocument = !!api?.has_openapi_document;
  useEffect(() => {
    if (!hasDocument) return;
    let live = true;
    setStoredError(null);
    send(client.GET('/api/v1/apis/{api_id}/openapi', { params: { path: { api_id: params.id } }, parseAs: 'text', cache: 'no-store' })).then(
      ({ data }) => live && setStored(String(data)),
      (e) => live && setStoredError(e),
    );
    return () => {
      live = false;
    };
  }, [params.id, hasDocument, api?.updated_at]);

  /** @param {Event} event */
  const pick = async (event) => {
    const file = /** @type {HTMLInputElement} */ (event.currentTarget).files?.[0];
    if (!file) return;
    setText(await file.text());
    setFileName(file.name);
  };

  /** @param {SubmitEvent} event */
  const submit = async (event) => {
    event.preventDefault();
    if (!api || !text.trim()) return;
    setBusy(true);
    setSaveError(null);
    try {
      const { data, etag: next } = await send(client.PUT('/api/v1/apis/{api_id}/openapi', {
        params: { path: { api_id: api.id }, query: { update_endpoints: endpointsToo } },
        headers: { 'Content-Type': mediaType(text), ...(etag ? { 'If-Match': etag } : {}) },
        body: text,
        bodySerializer: (/** @type {string} */ body) => body,
      }));
      replace(data, next);
      setText('');
      setFileName('');
      toast(t('openapi.replaced', { count: data.resources.length }));
    } catch (e) {
      setSaveError(e);
    } finally {
      setBusy(false);
    }
  };

  const problem = saveError instanceof ApiProblem && !isFormOnly(saveError) ? saveError : null;
  const located = problem ? problem.errors.map((e) => ({ ...e, line: lineOfPointer(text, e.pointer).line })) : [];
  const items = located.map((e) => `${t('import.error_at', { line: e.line })} ${e.pointer} — ${e.message}`);

  return html`<${ApiFrame} api=${api} error=${error} tab="/openapi">
    ${api
      ? html`<h2>${t('openapi.stored')}</h2>
        ${!hasDocument
          ? html`<p>${t('openapi.none')}</p>`
          : storedError
            ? html`<${ErrorState} error=${storedError} />`
            : stored === null
              ? html`<${Loading} />`
              : html`<p><a class="button" href=${`/api/v1/apis/${api.id}/openapi`} download>${t('openapi.download')}</a></p>
                <${CodeBlock} label=${t('openapi.document')} code=${stored} />`}
        <h2>${t('openapi.replace')}</h2>
        <p>${t('openapi.replace_intro')}</p>
        <${SaveProblem} error=${saveError} reload=${reload} message=${items.length ? t('openapi.invalid') : null} items=${items} />
        <form onSubmit=${submit} novalidate>
          <${Field} id="openapi-file" label=${t('import.file')} hint=${fileName ? t('import.loaded', { name: fileName, lines: text.split('\n').length }) : undefined}>
            ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="file" accept=".json,.yaml,.yml,application/json,application/yaml" onChange=${pick} />`}
          <//>
          <${Field} id="openapi-text" label=${t('openapi.new_document')}>
            ${(/** @type {Record<string, unknown>} */ a) => html`<textarea ...${a} rows="12" class="mono" spellcheck="false" value=${text} onInput=${(/** @type {Event} */ e) => setText(/** @type {HTMLTextAreaElement} */ (e.currentTarget).value)}></textarea>`}
          <//>
          <div class="field check">
            <input id="openapi-endpoints" type="checkbox" checked=${endpointsToo} onChange=${(/** @type {Event} */ e) => setEndpointsToo(/** @type {HTMLInputElement} */ (e.currentTarget).checked)} />
            <label for="openapi-endpoints">${t('openapi.update_endpoints')}</label>
          </div>
          <button type="submit" class="primary" disabled=${busy || !text.trim()}>${t('openapi.replace_submit')}</button>
        </form>`
      : null}
  <//>`;
}

/** A refusal that is not about the document (stale, forbidden): no lines to point at. @param {ApiProblem} e */
function isFormOnly(e) {
  return e.status !== 422 || e.errors.length === 0;
}
