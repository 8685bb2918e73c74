// @ts-check
// An API's endpoints: the backends the gateway forwards to, with their weights, the timeouts,
// and the active health check. Saved with If-Match.
import { useLayoutEffect, useState } from 'preact/hooks';
import { html } from '../../components/html.js';
import { ApiFrame, SaveProblem, useApi } from '../../components/api-frame.js';
import { Field } from '../../components/form.js';
import { t } from '../../i18n.js';
import { ApiProblem } from '../../api.js';

/** @param {import('../../router.js').PageProps} props */
export default function ApiEndpoints({ params }) {
  const { api, error, reload, save, saving, saveError } = useApi(params.id);
  const [rows, setRows] = useState(/** @type {{ url: string, weight: string }[]} */ ([]));
  const [timeouts, setTimeouts] = useState({ connect: '', response: '' });
  const [check, setCheck] = useState({ on: false, path: '/', interval: '10' });

  useLayoutEffect(() => {
    if (!api) return;
    setRows(api.endpoints.map((e) => ({ url: e.url, weight: String(e.weight ?? 1) })));
    setTimeouts({ connect: String(api.connect_timeout_ms), response: String(api.response_timeout_ms) });
    setCheck(api.health_check ? { on: true, path: api.health_check.path, interval: String(api.health_check.interval_secs ?? 10) } : { on: false, path: '/', interval: '10' });
  }, [api]);

  const problem = saveError instanceof ApiProblem ? saveError : null;
  const errs = (/** @type {string} */ p) => problem?.messagesFor(p, { prefix: true }) || [];
  /** @param {number} i @param {'url' | 'weight'} key */
  const edit = (i, key) => (/** @type {Event} */ e) => setRows(rows.map((r, j) => (j === i ? { ...r, [key]: /** @type {HTMLInputElement} */ (e.currentTarget).value } : r)));

  /** @param {SubmitEvent} event */
  const submit = (event) => {
    event.preventDefault();
    save({
      endpoints: rows.filter((r) => r.url.trim()).map((r) => ({ url: r.url.trim(), weight: Number(r.weight) || 1 })),
      connect_timeout_ms: Number(timeouts.connect),
      response_timeout_ms: Number(timeouts.response),
      health_check: check.on ? { path: check.path, interval_secs: Number(check.interval) } : null,
    });
  };

  return html`<${ApiFrame} api=${api} error=${error} tab="/endpoints">
    <${SaveProblem} error=${saveError} reload=${reload} />
    <form onSubmit=${submit} novalidate>
      <fieldset><legend>${t('endpoints.backends')}</legend>
        ${rows.map((r, i) => html`<div class="row">
          <${Field} id=${`endpoint-${i}-url`} label=${t('endpoints.url', { n: i + 1 })} errors=${errs(`/endpoints/${i}/url`)}>
            ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="url" value=${r.url} onInput=${edit(i, 'url')} />`}
          <//>
          <${Field} id=${`endpoint-${i}-weight`} label=${t('endpoints.weight', { n: i + 1 })} errors=${errs(`/endpoints/${i}/weight`)}>
            ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="number" min="1" max="1000" value=${r.weight} onInput=${edit(i, 'weight')} />`}
          <//>
          <button type="button" onClick=${() => setRows(rows.filter((_, j) => j !== i))}>${t('endpoints.remove', { n: i + 1 })}</button>
        </div>`)}
        <button type="button" onClick=${() => setRows([...rows, { url: '', weight: '1' }])}>${t('endpoints.add')}</button>
        <${ErrorList} messages=${errs('/endpoints').filter(() => !rows.length)} />
      </fieldset>
      <fieldset><legend>${t('endpoints.timeouts')}</legend>
        <${Field} id="connect-timeout" label=${t('endpoints.connect_timeout')} errors=${errs('/connect_timeout_ms')}>
          ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="number" min="1" value=${timeouts.connect} onInput=${(/** @type {Event} */ e) => setTimeouts({ ...timeouts, connect: /** @type {HTMLInputElement} */ (e.currentTarget).value })} />`}
        <//>
        <${Field} id="response-timeout" label=${t('endpoints.response_timeout')} errors=${errs('/response_timeout_ms')}>
          ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="number" min="1" value=${timeouts.response} onInput=${(/** @type {Event} */ e) => setTimeouts({ ...timeouts, response: /** @type {HTMLInputElement} */ (e.currentTarget).value })} />`}
        <//>
      </fieldset>
      <fieldset><legend>${t('endpoints.health')}</legend>
        <div class="field check">
          <input id="health-on" type="checkbox" checked=${check.on} onChange=${(/** @type {Event} */ e) => setCheck({ ...check, on: /** @type {HTMLInputElement} */ (e.currentTarget).checked })} />
          <label for="health-on">${t('endpoints.health_on')}</label>
        </div>
        ${check.on
          ? html`<${Field} id="health-path" label=${t('endpoints.health_path')} errors=${errs('/health_check/path')}>
              ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="text" value=${check.path} onInput=${(/** @type {Event} */ e) => setCheck({ ...check, path: /** @type {HTMLInputElement} */ (e.currentTarget).value })} />`}
            <//>
            <${Field} id="health-interval" label=${t('endpoints.health_interval')} errors=${errs('/health_check/interval_secs')}>
              ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="number" min="1" value=${check.interval} onInput=${(/** @type {Event} */ e) => setCheck({ ...check, interval: /** @type {HTMLInputElement} */ (e.currentTarget).value })} />`}
            <//>`
          : null}
      </fieldset>
      <button type="submit" class="primary" disabled=${saving}>${t('api.save')}</button>
    </form>
  <//>`;
}

/** @param {{ messages: string[] }} props */
function ErrorList({ messages }) {
  return messages.length ? html`<ul class="field-errors">${messages.map((m) => html`<li>${m}</li>`)}</ul>` : null;
}
