// @ts-check
// An API's lifecycle: the six states drawn as a diagram with the current one marked, the
// actions the API allows from here, and the history (who, when, why). When the server refuses
// an action (publish without an endpoint or a plan), its reason is shown beside the action.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../components/html.js';
import { ApiFrame, useApi } from '../../components/api-frame.js';
import { DataTable, Pager, useCursor } from '../../components/table.js';
import { Field } from '../../components/form.js';
import { ErrorState, describeError } from '../../components/states.js';
import { toast } from '../../components/toast.js';
import { formatDateTime, t } from '../../i18n.js';
import { ApiProblem, client, get, send } from '../../api.js';

/** @typedef {import('../../../types/api').components['schemas']['ApiState']} ApiState */
/** @typedef {import('../../../types/api').components['schemas']['LifecycleAction']} LifecycleAction */
/** @typedef {import('../../../types/api').components['schemas']['LifecycleEventResponse']} LifecycleEvent */

/** Where each state sits in the diagram (column, row) and the transitions drawn between them. */
const LAYOUT = /** @type {Record<ApiState, [number, number]>} */ ({
  CREATED: [0, 0], PROTOTYPED: [1, 0], PUBLISHED: [2, 0], DEPRECATED: [3, 0], RETIRED: [4, 0], BLOCKED: [2, 1],
});
/** @type {[ApiState, ApiState][]} */
const EDGES = [
  ['CREATED', 'PROTOTYPED'], ['PROTOTYPED', 'PUBLISHED'], ['PUBLISHED', 'DEPRECATED'], ['DEPRECATED', 'RETIRED'],
  ['PUBLISHED', 'BLOCKED'],
];

/** @param {{ state: ApiState }} props */
function Diagram({ state }) {
  const w = 130;
  const h = 44;
  const x = (/** @type {number} */ c) => 10 + c * (w + 30);
  const y = (/** @type {number} */ r) => 10 + r * (h + 30);
  return html`<figure class="diagram">
    <svg viewBox=${`0 0 ${x(5)} ${y(2)}`} role="img" aria-labelledby="lifecycle-caption">
      <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="edge-head" /></marker></defs>
      ${EDGES.map(([from, to]) => {
        const [c1, r1] = LAYOUT[from];
        const [c2, r2] = LAYOUT[to];
        return r1 === r2
          ? html`<line class="edge" x1=${x(c1) + w} y1=${y(r1) + h / 2} x2=${x(c2) - 2} y2=${y(r2) + h / 2} marker-end="url(#arrow)" />`
          : html`<line class="edge" x1=${x(c1) + w / 2} y1=${y(r1) + h} x2=${x(c2) + w / 2} y2=${y(r2) - 2} marker-end="url(#arrow)" marker-start="url(#arrow)" />`;
      })}
      ${Object.entries(LAYOUT).map(([s, [c, r]]) => html`<g class=${s === state ? 'node current' : 'node'}>
        <rect x=${x(c)} y=${y(r)} width=${w} height=${h} rx="8" />
        <text x=${x(c) + w / 2} y=${y(r) + h / 2 + 5} text-anchor="middle">${t(`state.${/** @type {ApiState} */ (s)}`)}</text>
      </g>`)}
    </svg>
    <figcaption id="lifecycle-caption">${t('lifecycle.diagram', { state: t(`state.${state}`) })}</figcaption>
  </figure>`;
}

/** @param {import('../../router.js').PageProps} props */
export default function ApiLifecycle({ params }) {
  const { api, error, replace } = useApi(params.id);
  const paging = useCursor();
  const [events, setEvents] = useState(/** @type {{ items: LifecycleEvent[], next_cursor?: string | null } | null} */ (null));
  const [eventsError, setEventsError] = useState(/** @type {unknown} */ (null));
  const [reason, setReason] = useState('');
  const [refusal, setRefusal] = useState(/** @type {{ action: string, error: unknown } | null} */ (null));
  const [busy, setBusy] = useState(false);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let live = true;
    get(client.GET('/api/v1/apis/{api_id}/lifecycle', { params: { path: { api_id: params.id }, query: { limit: 20, cursor: paging.cursor } } })).then(
      (data) => live && setEvents(data),
      (e) => live && setEventsError(e),
    );
    return () => {
      live = false;
    };
  }, [params.id, paging.cursor, version]);

  /** @param {LifecycleAction} action */
  const act = async (action) => {
    if (!api) return;
    setBusy(true);
    setRefusal(null);
    try {
      await send(client.POST('/api/v1/apis/{api_id}/lifecycle', { params: { path: { api_id: api.id } }, body: { action, reason } }));
      const { data, etag } = await send(client.GET('/api/v1/apis/{api_id}', { params: { path: { api_id: api.id } } }));
      replace(data, etag);
      setReason('');
      paging.reset();
      setVersion(version + 1);
      toast(t('lifecycle.done', { state: t(`state.${data.state}`) }));
    } catch (e) {
      setRefusal({ action, error: e });
    } finally {
      setBusy(false);
    }
  };

  /** @type {import('../../components/table.js').Column<LifecycleEvent>[]} */
  const columns = [
    { key: 'at', label: t('lifecycle.at'), cell: (e) => html`<time datetime=${e.at}>${formatDateTime(e.at)}</time>` },
    { key: 'change', label: t('lifecycle.change'), cell: (e) => `${t(`state.${e.from}`)} → ${t(`state.${e.to}`)}` },
    { key: 'action', label: t('lifecycle.action'), cell: (e) => e.action },
    { key: 'actor', label: t('lifecycle.actor'), cell: (e) => e.actor_email || t('lifecycle.system') },
    { key: 'reason', label: t('lifecycle.reason'), cell: (e) => e.reason },
  ];

  return html`<${ApiFrame} api=${api} error=${error} tab="/lifecycle">
    ${api
      ? html`<${Diagram} state=${api.state} />
        <h2>${t('lifecycle.actions')}</h2>
        ${api.allowed_actions.length
          ? html`<${Field} id="reason" label=${t('lifecycle.reason_label')} hint=${t('lifecycle.reason_hint')}>
              ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="text" value=${reason} onInput=${(/** @type {Event} */ e) => setReason(/** @type {HTMLInputElement} */ (e.currentTarget).value)} />`}
            <//>
            <div class="actions">
              ${api.allowed_actions.map((action) => html`<button type="button" class=${action === 'publish' ? 'primary' : ''} disabled=${busy}
                aria-describedby=${refusal?.action === action ? 'refusal' : undefined}
                onClick=${() => act(/** @type {LifecycleAction} */ (action))}>${t(`action.${/** @type {LifecycleAction} */ (action)}`)}</button>`)}
            </div>
            ${refusal
              ? html`<div class="error-summary" id="refusal" role="alert">
                  <p><strong>${t('lifecycle.refused', { action: t(`action.${/** @type {LifecycleAction} */ (refusal.action)}`) })}</strong></p>
                  <p>${refusal.error instanceof ApiProblem ? refusal.error.message : describeError(refusal.error)}</p>
                </div>`
              : null}`
          : html`<p>${t('lifecycle.no_actions')}</p>`}
        <h2>${t('lifecycle.history')}</h2>
        ${eventsError
          ? html`<${ErrorState} error=${eventsError} />`
          : events && (events.items.length
            ? html`<${DataTable} caption=${t('lifecycle.history')} columns=${columns} rows=${events.items} rowKey=${(/** @type {LifecycleEvent} */ e) => e.id} />
              <${Pager} page=${paging.page} next=${events.next_cursor} onNext=${() => events.next_cursor && paging.forward(events.next_cursor)} onBack=${paging.back} />`
            : html`<p>${t('lifecycle.no_history')}</p>`)}`
      : null}
  <//>`;
}
