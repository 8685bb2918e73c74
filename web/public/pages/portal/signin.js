// @ts-check
// Sign in with email and password (a portal session: HttpOnly cookie + CSRF token).
import { useState } from 'preact/hooks';
import { html } from '../../components/html.js';
import { ErrorSummary, Field } from '../../components/form.js';
import { describeError } from '../../components/states.js';
import { t } from '../../i18n.js';
import { ApiProblem, client, send } from '../../api.js';
import { loadSession } from '../../session.js';
import { navigate } from '../../router.js';

/** @param {import('../../router.js').PageProps} props */
export default function SignIn({ query }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const problem = error instanceof ApiProblem ? error : null;

  /** @param {SubmitEvent} event */
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await send(client.POST('/api/v1/auth/login', { body: { email, password } }));
      await loadSession();
      const next = query.get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  const message = problem?.code === 'invalid_credentials' ? t('auth.invalid_credentials') : error ? describeError(error) : null;
  return html`<section class="narrow">
    <h1 tabindex="-1">${t('auth.sign_in_title')}</h1>
    <${ErrorSummary} message=${message} />
    <form onSubmit=${submit} novalidate>
      <${Field} id="email" label=${t('auth.email')} errors=${problem?.messagesFor('/email') || []}>
        ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="email" name="email" autocomplete="username" required
          value=${email} onInput=${(/** @type {Event} */ e) => setEmail(/** @type {HTMLInputElement} */ (e.currentTarget).value)} />`}
      <//>
      <${Field} id="password" label=${t('auth.password')} errors=${problem?.messagesFor('/password') || []}>
        ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="password" name="password" autocomplete="current-password" required
          value=${password} onInput=${(/** @type {Event} */ e) => setPassword(/** @type {HTMLInputElement} */ (e.currentTarget).value)} />`}
      <//>
      <button type="submit" class="primary" disabled=${busy}>${t('auth.sign_in')}</button>
    </form>
  </section>`;
}
