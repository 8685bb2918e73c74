// @ts-check
// The keys that sign access tokens (operators). There is no list endpoint: what matters to
// clients is what `/.well-known/jwks.json` publishes, so that is what is shown. Rotating makes a
// new key sign from now on; the old one stays published until the tokens it signed expire.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../components/html.js';
import { AdminFrame } from '../../components/admin-frame.js';
import { Dialog } from '../../components/dialog.js';
import { DataTable } from '../../components/table.js';
import { Empty, ErrorState, Loading, describeError } from '../../components/states.js';
import { toast } from '../../components/toast.js';
import { t } from '../../i18n.js';
import { client, get, send } from '../../api.js';

/** @typedef {{ kid: string, kty: string, alg?: string, crv?: string, use?: string }} Jwk */

export default function SigningKeys() {
  const [keys, setKeys] = useState(/** @type {Jwk[] | null} */ (null));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [actionError, setActionError] = useState(/** @type {unknown} */ (null));
  const [latest, setLatest] = useState('');
  const [asking, setAsking] = useState(false);
  const [version, setVersion] = useState(0);
  // The JWKS is public and cacheable for minutes; after a rotation the page reads it afresh.
  useEffect(() => {
    get(client.GET('/.well-known/jwks.json', { cache: 'no-store' })).then(
      (data) => setKeys(/** @type {{ keys?: Jwk[] }} */ (data).keys || []),
      setError,
    );
  }, [version]);

  const rotate = async () => {
    setActionError(null);
    try {
      const { data } = await send(client.POST('/api/v1/admin/signing-keys/rotate'));
      setLatest(data.kid);
      toast(t('keys.rotated', { kid: data.kid }));
      setVersion(version + 1);
    } catch (e) {
      setActionError(e);
    } finally {
      setAsking(false);
    }
  };

  /** @type {import('../../components/table.js').Column<Jwk>[]} */
  const columns = [
    { key: 'kid', label: t('keys.kid'), cell: (k) => html`<code class="id">${k.kid}</code>${k.kid === latest ? html` <span class="badge state-published">${t('keys.new')}</span>` : null}` },
    { key: 'alg', label: t('keys.alg'), cell: (k) => k.alg || '' },
    { key: 'kty', label: t('keys.kty'), cell: (k) => [k.kty, k.crv].filter(Boolean).join(' ') },
    { key: 'use', label: t('keys.use'), cell: (k) => (k.use === 'sig' ? t('keys.use_sig') : k.use || '') },
  ];

  return html`<${AdminFrame} tab="/admin/signing-keys" title=${t('keys.title')}>
    <p>${t('keys.intro')} <a href="/.well-known/jwks.json">/.well-known/jwks.json</a></p>
    ${actionError ? html`<div class="error-summary" role="alert"><p>${describeError(actionError)}</p><p>${t('error.forbidden_operator_hint')}</p></div>` : null}
    ${error ? html`<${ErrorState} error=${error} />` : !keys ? html`<${Loading} />` : keys.length
      ? html`<${DataTable} caption=${t('keys.published')} columns=${columns} rows=${keys} rowKey=${(/** @type {Jwk} */ k) => k.kid} />`
      : html`<${Empty} title=${t('keys.none')} />`}
    <p><button type="button" class="primary" onClick=${() => setAsking(true)}>${t('keys.rotate')}</button></p>
    <${Dialog} open=${asking} title=${t('keys.ask_rotate')} onClose=${() => setAsking(false)}>
      <p>${t('keys.rotate_explained')}</p>
      <div class="actions">
        <button type="button" class="primary" onClick=${rotate}>${t('keys.rotate')}</button>
        <button type="button" onClick=${() => setAsking(false)}>${t('dialog.cancel')}</button>
      </div>
    <//>
  <//>`;
}
