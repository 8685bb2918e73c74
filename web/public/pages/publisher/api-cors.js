// @ts-check
// An API's CORS policy, which the gateway applies and answers preflights with: on or off,
// allowed origins, methods and headers, exposed headers, credentials, how long a browser may
// keep the preflight's answer. Saved with If-Match.
import { useLayoutEffect, useState } from 'preact/hooks';
import { html } from '../../components/html.js';
import { ApiFrame, SaveProblem, useApi } from '../../components/api-frame.js';
import { Field } from '../../components/form.js';
import { t } from '../../i18n.js';
import { ApiProblem } from '../../api.js';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** A list typed one item a line (or separated by commas). @param {string} text */
const items = (text) => text.split(/[\n,]/).map((x) => x.trim()).filter(Boolean);

/** @param {import('../../router.js').PageProps} props */
export default function ApiCors({ params }) {
  const { api, error, reload, save, saving, saveError } = useApi(params.id);
  const [form, setForm] = useState({ enabled: false, origins: '', methods: /** @type {string[]} */ ([]), headers: '', expose: '', credentials: false, maxAge: '600' });

  useLayoutEffect(() => {
    if (!api) return;
    const c = api.cors;
    setForm({
      enabled: !!c.enabled,
      origins: (c.allow_origins || []).join('\n'),
      methods: c.allow_methods || [],
      headers: (c.allow_headers || []).join(', '),
      expose: (c.expose_headers || []).join(', '),
      credentials: !!c.allow_credentials,
      maxAge: String(c.max_age_secs ?? 600),
    });
  }, [api]);

  const problem = saveError instanceof ApiProblem ? saveError : null;
  const errs = (/** @type {string} */ p) => problem?.messagesFor(p, { prefix: true }) || [];
  /** @param {'origins' | 'headers' | 'expose' | 'maxAge'} key */
  const bind = (key) => (/** @type {Event} */ e) => setForm({ ...form, [key]: /** @type {HTMLInputElement} */ (e.currentTarget).value });

  /** @param {SubmitEvent} event */
  const submit = (event) => {
    event.preventDefault();
    save({
      cors: {
        enabled: form.enabled,
        allow_origins: items(form.origins),
        allow_methods: form.methods,
        allow_headers: items(form.headers),
        expose_headers: items(form.expose),
        allow_credentials: form.credentials,
        max_age_secs: Number(form.maxAge),
      },
    });
  };

  return html`<${ApiFrame} api=${api} error=${error} tab="/cors">
    <p>${t('cors.intro')}</p>
    <${SaveProblem} error=${saveError} reload=${reload} />
    <form onSubmit=${submit} novalidate class="narrow-form">
      <div class="field check">
        <input id="cors-enabled" type="checkbox" checked=${form.enabled} onChange=${(/** @type {Event} */ e) => setForm({ ...form, enabled: /** @type {HTMLInputElement} */ (e.currentTarget).checked })} />
        <label for="cors-enabled">${t('cors.enabled')}</label>
      </div>
      <${Field} id="cors-origins" label=${t('cors.origins')} hint=${t('cors.origins_hint')} errors=${errs('/cors/allow_origins')}>
        ${(/** @type {Record<string, unknown>} */ a) => html`<textarea ...${a} rows="3" class="mono" value=${form.origins} onInput=${bind('origins')}></textarea>`}
      <//>
      <fieldset>
        <legend>${t('cors.methods')}</legend>
        <div class="checks">
          ${METHODS.map((m) => html`<div class="field check">
            <input id=${`cors-method-${m}`} type="checkbox" checked=${form.methods.includes(m)}
              onChange=${(/** @type {Event} */ e) => setForm({ ...form, methods: /** @type {HTMLInputElement} */ (e.currentTarget).checked ? [...form.methods, m] : form.methods.filter((x) => x !== m) })} />
            <label for=${`cors-method-${m}`}>${m}</label>
          </div>`)}
        </div>
        ${errs('/cors/allow_methods').length ? html`<ul class="field-errors">${errs('/cors/allow_methods').map((m) => html`<li>${m}</li>`)}</ul>` : null}
      </fieldset>
      <${Field} id="cors-headers" label=${t('cors.headers')} hint=${t('cors.list_hint')} errors=${errs('/cors/allow_headers')}>
        ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="text" class="mono" value=${form.headers} onInput=${bind('headers')} />`}
      <//>
      <${Field} id="cors-expose" label=${t('cors.expose')} hint=${t('cors.list_hint')} errors=${errs('/cors/expose_headers')}>
        ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="text" class="mono" value=${form.expose} onInput=${bind('expose')} />`}
      <//>
      <div class="field check">
        <input id="cors-credentials" type="checkbox" checked=${form.credentials} onChange=${(/** @type {Event} */ e) => setForm({ ...form, credentials: /** @type {HTMLInputElement} */ (e.currentTarget).checked })} />
        <label for="cors-credentials">${t('cors.credentials')}</label>
      </div>
      ${errs('/cors/allow_credentials').length ? html`<ul class="field-errors">${errs('/cors/allow_credentials').map((m) => html`<li>${m}</li>`)}</ul>` : null}
      <${Field} id="cors-max-age" label=${t('cors.max_age')} errors=${errs('/cors/max_age_secs')}>
        ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="number" min="0" value=${form.maxAge} onInput=${bind('maxAge')} />`}
      <//>
      <button type="submit" class="primary" disabled=${saving}>${t('api.save')}</button>
    </form>
  <//>`;
}
