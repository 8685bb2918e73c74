// @ts-check
// An API's documents: the list in its order (moved up and down), each markdown document
// rendered (sanitised: see components/markdown.js), links, and uploaded files (PDF, images,
// markdown or text; the server checks the kind against the file's first bytes); and an editor
// for a new one with a live preview.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../components/html.js';
import { ApiFrame, useApi } from '../../components/api-frame.js';
import { ErrorSummary, Field } from '../../components/form.js';
import { Empty, ErrorState, describeError } from '../../components/states.js';
import { markdown, safeHref } from '../../components/markdown.js';
import { toast } from '../../components/toast.js';
import { formatNumber, t } from '../../i18n.js';
import { ApiProblem, client, get, send } from '../../api.js';

/** @typedef {import('../../../types/api').components['schemas']['DocumentResponse']} Doc */

const TYPES = ['how_to', 'sample', 'faq', 'reference', 'other'];
const SOURCES = /** @type {const} */ (['inline', 'url', 'file']);

/** The content type to declare for a file: what the browser says, or by its extension. @param {File} file */
function fileType(file) {
  if (file.type) return file.type;
  if (/\.(md|markdown)$/i.test(file.name)) return 'text/markdown';
  if (/\.txt$/i.test(file.name)) return 'text/plain';
  return 'application/octet-stream';
}

/** @param {{ doc: Doc, apiId: string, first: boolean, last: boolean, move: (doc: Doc, by: -1 | 1) => void }} props */
function Document({ doc, apiId, first, last, move }) {
  const link = doc.url ? safeHref(doc.url) : null;
  return html`<article class="document" aria-labelledby=${`doc-${doc.id}`}>
    <h2 id=${`doc-${doc.id}`}>${doc.title} <span class="badge">${t(`doc_type.${/** @type {'how_to'} */ (doc.type)}`)}</span>${doc.visibility === 'private' ? html` <span class="badge">${t('documents.private')}</span>` : null}</h2>
    ${doc.source === 'inline' ? html`<div class="markdown">${markdown(doc.content || '')}</div>` : null}
    ${doc.source === 'url' ? (link ? html`<p><a href=${link} rel="noopener noreferrer nofollow">${doc.url}</a></p>` : html`<p>${doc.url}</p>`) : null}
    ${doc.source === 'file'
      ? doc.file_name
        ? html`<p><a href=${`/api/v1/apis/${apiId}/documents/${doc.id}/content`} download=${doc.file_name}>${t('documents.file', { name: doc.file_name, size: formatNumber(doc.file_size || 0) })}</a></p>`
        : html`<p>${t('documents.no_file')}</p>`
      : null}
    <div class="actions">
      <button type="button" class="small" disabled=${first} onClick=${() => move(doc, -1)}>${t('documents.move_up')}<span class="visually-hidden"> ${doc.title}</span></button>
      <button type="button" class="small" disabled=${last} onClick=${() => move(doc, 1)}>${t('documents.move_down')}<span class="visually-hidden"> ${doc.title}</span></button>
    </div>
  </article>`;
}

/** @param {import('../../router.js').PageProps} props */
export default function ApiDocuments({ params }) {
  const { api, error } = useApi(params.id);
  const [docs, setDocs] = useState(/** @type {Doc[] | null} */ (null));
  const [docsError, setDocsError] = useState(/** @type {unknown} */ (null));
  const EMPTY = { title: '', type: 'how_to', visibility: 'same_as_api', source: /** @type {typeof SOURCES[number]} */ ('inline'), content: '', url: '' };
  const [form, setForm] = useState(EMPTY);
  const [file, setFile] = useState(/** @type {File | null} */ (null));
  const [fileKey, setFileKey] = useState(0);
  const [orderError, setOrderError] = useState(/** @type {unknown} */ (null));
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

  /** @param {'title' | 'type' | 'visibility' | 'source' | 'content' | 'url'} key */
  const bind = (key) => (/** @type {Event} */ e) => setForm({ ...form, [key]: /** @type {HTMLInputElement} */ (e.currentTarget).value });
  const problem = saveError instanceof ApiProblem ? saveError : null;

  /** @param {SubmitEvent} event */
  const create = async (event) => {
    event.preventDefault();
    if (form.source === 'file' && !file) {
      setSaveError(new ApiProblem(422, { detail: t('documents.choose_file'), errors: [{ pointer: '/file', message: t('documents.choose_file') }] }));
      return;
    }
    setBusy(true);
    setSaveError(null);
    const path = { api_id: params.id };
    try {
      const { data: doc } = await send(client.POST('/api/v1/apis/{api_id}/documents', {
        params: { path },
        body: {
          title: form.title, type: form.type, visibility: form.visibility, source: form.source,
          content: form.source === 'inline' ? form.content : null,
          url: form.source === 'url' ? form.url.trim() : null,
        },
      }));
      if (form.source === 'file' && file) {
        try {
          await send(client.PUT('/api/v1/apis/{api_id}/documents/{document_id}/content', {
            params: { path: { ...path, document_id: doc.id }, query: { file_name: file.name } },
            headers: { 'Content-Type': fileType(file) },
            // The file goes as it is (a Blob), not as JSON.
            body: /** @type {never} */ (/** @type {unknown} */ (file)),
            bodySerializer: (/** @type {unknown} */ body) => /** @type {string} */ (body),
          }));
        } catch (e) {
          // A document without its file is of no use: take it back, and say why.
          await send(client.DELETE('/api/v1/apis/{api_id}/documents/{document_id}', { params: { path: { ...path, document_id: doc.id } } })).catch(() => {});
          throw e;
        }
      }
      toast(t('documents.created', { title: form.title }));
      setForm(EMPTY);
      setFile(null);
      setFileKey(fileKey + 1);
      setVersion(version + 1);
    } catch (e) {
      setSaveError(e);
    } finally {
      setBusy(false);
    }
  };

  /** Moves a document one place up or down: the positions of the list are written anew where they change. @param {Doc} doc @param {-1 | 1} by */
  const move = async (doc, by) => {
    if (!docs) return;
    const order = [...docs];
    const i = order.indexOf(doc);
    const j = i + by;
    if (j < 0 || j >= order.length) return;
    [order[i], order[j]] = [order[j], order[i]];
    setOrderError(null);
    try {
      for (const [position, d] of order.entries()) {
        if (d.position !== position) {
          await send(client.PATCH('/api/v1/apis/{api_id}/documents/{document_id}', { params: { path: { api_id: params.id, document_id: d.id } }, body: { position } }));
        }
      }
      toast(t('documents.moved', { title: doc.title }));
    } catch (e) {
      setOrderError(e);
    } finally {
      setVersion(version + 1);
    }
  };

  return html`<${ApiFrame} api=${api} error=${error} tab="/documents">
    ${orderError ? html`<div class="error-summary" role="alert"><p>${describeError(orderError)}</p></div>` : null}
    ${docsError ? html`<${ErrorState} error=${docsError} />` : docs && (docs.length
      ? docs.map((d, i) => html`<${Document} key=${d.id} doc=${d} apiId=${params.id} first=${i === 0} last=${i === docs.length - 1} move=${move} />`)
      : html`<${Empty} title=${t('documents.none')} />`)}
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
        <${Field} id="doc-source" label=${t('documents.source')}>
          ${(/** @type {Record<string, unknown>} */ a) => html`<select ...${a} value=${form.source} onChange=${bind('source')}>${SOURCES.map((x) => html`<option value=${x}>${t(`documents.source_${x}`)}</option>`)}</select>`}
        <//>
        ${form.source === 'inline'
          ? html`<${Field} id="doc-content" label=${t('documents.content')} hint=${t('documents.content_hint')} errors=${problem?.messagesFor('/content') || []}>
              ${(/** @type {Record<string, unknown>} */ a) => html`<textarea ...${a} rows="12" class="mono" value=${form.content} onInput=${bind('content')}></textarea>`}
            <//>`
          : form.source === 'url'
            ? html`<${Field} id="doc-url" label=${t('documents.url')} hint=${t('documents.url_hint')} errors=${problem?.messagesFor('/url') || []}>
                ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="url" value=${form.url} onInput=${bind('url')} />`}
              <//>`
            : html`<${Field} id="doc-file" label=${t('documents.file_label')} hint=${t('documents.file_hint')} errors=${problem?.messagesFor('/file') || []}>
                ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} key=${fileKey} type="file" accept=".pdf,.png,.jpg,.jpeg,.gif,.webp,.md,.markdown,.txt" onChange=${(/** @type {Event} */ e) => setFile(/** @type {HTMLInputElement} */ (e.currentTarget).files?.[0] || null)} />`}
              <//>`}
        <button type="submit" class="primary" disabled=${busy}>${t('documents.create')}</button>
      </form>
      ${form.source === 'inline'
        ? html`<section class="preview" aria-labelledby="doc-preview-title">
            <h3 id="doc-preview-title">${t('documents.preview')}</h3>
            <div class="markdown" data-testid="preview">${markdown(form.content)}</div>
          </section>`
        : null}
    </div>
  <//>`;
}
