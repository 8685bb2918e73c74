// @ts-check
// An API's documents: the list in its order, each markdown document rendered (sanitised: see
// components/markdown.js), and an editor for a new one with a live preview.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../components/html.js';
import { ApiFrame, useApi } from '../../components/api-frame.js';
import { ErrorSummary, Field } from '../../components/form.js';
import { Empty, ErrorState, describeError } from '../../components/states.js';
import { markdown, safeHref } from '../../components/markdown.js';
import { toast } from '../../components/toast.js';
import { t } from '../../i18n.js';
import { ApiProblem, client, get, send } from '../../api.js';

/** @typedef {import('../../../types/api').components['schemas']['DocumentResponse']} Doc */

const TYPES = ['how_to', 'sample', 'faq', 'reference', 'other'];

/** @param {{ doc: Doc }} props */
function Document({ doc }) {
  const link = doc.url ? safeHref(doc.url) : null;
  return html`<article class="document" aria-labelledby=${`doc-${doc.id}`}>
    <h2 id=${`doc-${doc.id}`}>${doc.title} <span class="badge">${t(`doc_type.${/** @type {'how_to'} */ (doc.type)}`)}</span>${doc.visibility === 'private' ? html` <span class="badge">${t('documents.private')}</span>` : null}</h2>
    ${doc.source === 'inline' ? html`<div class="markdown">${markdown(doc.content || '')}</div>` : null}
    ${doc.source === 'url' ? (link ? html`<p><a href=${link} rel="noopener noreferrer nofollow">${doc.url}</a></p>` : html`<p>${doc.url}</p>`) : null}
    ${doc.source === 'file' ? html`<p>${t('documents.file', { name: doc.file_name || '', size: doc.file_size || 0 })}</p>` : null}
  </article>`;
}

/** @param {import('../../router.js').PageProps} props */
export default function ApiDocuments({ params }) {
  const { api, error } = useApi(params.id);
  const [docs, setDocs] = useState(/** @type {Doc[] | null} */ (null));
  const [docsError, setDocsError] = useState(/** @type {unknown} */ (null));
  const [form, setForm] = useState({ title: '', type: 'how_to', visibility: 'same_as_api', content: '' });
  const [saveError, setSaveError] = useState(/** @type {unknown} */ (null));
  const [busy, setBusy] = useState(false);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let live = true;
    get(client.GET('/api/v1/apis/{api_id}/documents', { params: { path: { api_id: params.id } } })).then(
      (data) => live && setDocs(data.items),
      (e) => live && setDocsError(e),
    );
    return () => {
      live = false;
    };
  }, [params.id, version]);

  /** @param {'title' | 'type' | 'visibility' | 'content'} key */
  const bind = (key) => (/** @type {Event} */ e) => setForm({ ...form, [key]: /** @type {HTMLInputElement} */ (e.currentTarget).value });
  const problem = saveError instanceof ApiProblem ? saveError : null;

  /** @param {SubmitEvent} event */
  const create = async (event) => {
    event.preventDefault();
    setBusy(true);
    setSaveError(null);
    try {
      await send(client.POST('/api/v1/apis/{api_id}/documents', {
        params: { path: { api_id: params.id } },
        body: { title: form.title, type: form.type, visibility: form.visibility, source: 'inline', content: form.content },
      }));
      toast(t('documents.created', { title: form.title }));
      setForm({ title: '', type: 'how_to', visibility: 'same_as_api', content: '' });
      setVersion(version + 1);
    } catch (e) {
      setSaveError(e);
    } finally {
      setBusy(false);
    }
  };

  return html`<${ApiFrame} api=${api} error=${error} tab="/documents">
    ${docsError ? html`<${ErrorState} error=${docsError} />` : docs && (docs.length ? docs.map((d) => html`<${Document} key=${d.id} doc=${d} />`) : html`<${Empty} title=${t('documents.none')} />`)}
    <h2>${t('documents.new')}</h2>
    <${ErrorSummary} message=${saveError ? describeError(saveError) : null} />
    <div class="split">
      <form onSubmit=${create} novalidate>
        <${Field} id="doc-title" label=${t('documents.title')} errors=${problem?.messagesFor('/title') || []}>
          ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="text" value=${form.title} onInput=${bind('title')} />`}
        <//>
        <${Field} id="doc-type" label=${t('documents.type')}>
          ${(/** @type {Record<string, unknown>} */ a) => html`<select ...${a} value=${form.type} onChange=${bind('type')}>${TYPES.map((x) => html`<option value=${x}>${t(`doc_type.${/** @type {'how_to'} */ (x)}`)}</option>`)}</select>`}
        <//>
        <${Field} id="doc-visibility" label=${t('documents.visibility')}>
          ${(/** @type {Record<string, unknown>} */ a) => html`<select ...${a} value=${form.visibility} onChange=${bind('visibility')}>
            <option value="same_as_api">${t('documents.same_as_api')}</option><option value="private">${t('documents.private')}</option>
          </select>`}
        <//>
        <${Field} id="doc-content" label=${t('documents.content')} hint=${t('documents.content_hint')} errors=${problem?.messagesFor('/content') || []}>
          ${(/** @type {Record<string, unknown>} */ a) => html`<textarea ...${a} rows="12" class="mono" value=${form.content} onInput=${bind('content')}></textarea>`}
        <//>
        <button type="submit" class="primary" disabled=${busy}>${t('documents.create')}</button>
      </form>
      <section class="preview" aria-labelledby="doc-preview-title">
        <h3 id="doc-preview-title">${t('documents.preview')}</h3>
        <div class="markdown" data-testid="preview">${markdown(form.content)}</div>
      </section>
    </div>
  <//>`;
}
