// @ts-check
// The portal's shell: session bootstrap, navigation by role, and the page the router picks.
import { render } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { html } from './components/html.js';
import { Toasts } from './components/toast.js';
import { ErrorState, Loading } from './components/states.js';
import { t } from './i18n.js';
import { client, send } from './api.js';
import { chooseOrg, loadSession, me, membership, roles } from './session.js';
import { interceptLinks, location, match, navigate } from './router.js';

function Nav() {
  const r = roles.value;
  const path = location.value.path;
  /** @param {string} href @param {import('./i18n.js').MessageKey} key */
  const item = (href, key) => {
    const current = href === '/' ? path === '/' : path === href || path.startsWith(href + '/');
    return html`<li><a href=${href} aria-current=${current ? 'page' : undefined}>${t(key)}</a></li>`;
  };
  return html`<nav class="main-nav" aria-label=${t('nav.label')}>
    <ul>
      ${item('/', 'nav.home')}
      ${r.publisher ? item('/publisher/apis', 'nav.apis') : null}
      ${r.publisher ? item('/publisher/plans', 'nav.plans') : null}
      ${r.publisher ? item('/publisher/subscriptions', 'nav.subscriptions') : null}
      ${r.publisher ? item('/publisher/revenue', 'nav.revenue') : null}
      ${r.admin || r.operator ? item('/admin', 'nav.admin') : item('/admin/tokens', 'nav.tokens')}
    </ul>
  </nav>`;
}

function OrgSwitcher() {
  const list = me.value?.memberships || [];
  if (list.length < 2) return membership.value ? html`<span class="org">${membership.value.org_name}</span>` : null;
  return html`<label class="org-switch">
    <span class="visually-hidden">${t('nav.organization')}</span>
    <select value=${membership.value?.org_id} onChange=${(/** @type {Event} */ e) => chooseOrg(/** @type {HTMLSelectElement} */ (e.currentTarget).value)}>
      ${list.map((m) => html`<option value=${m.org_id}>${m.org_name} (${t(`role.${m.role}`)})</option>`)}
    </select>
  </label>`;
}

function Header() {
  const signOut = async () => {
    try {
      await send(client.POST('/api/v1/auth/logout'));
    } finally {
      me.value = null;
      navigate('/signin', { replace: true });
    }
  };
  // The logo is the operator's (Administration → Theme) or Tollgate's own: /theme/logo serves either.
  return html`<header class="top">
    <a class="brand" href="/"><img src="/theme/logo" alt="" height="28" /><span>${t('app.name')}</span></a>
    ${me.value ? html`<${Nav} />` : null}
    ${me.value
      ? html`<div class="account">
          <${OrgSwitcher} />
          <span class="user">${me.value.user.display_name}</span>
          <button type="button" onClick=${signOut}>${t('auth.sign_out')}</button>
        </div>`
      : null}
  </header>`;
}

/** The module of the current page, imported when first needed. */
function Page() {
  const { path, search } = location.value;
  const found = match(path);
  const [loaded, setLoaded] = useState(/** @type {{ path: string, module: import('./router.js').PageModule } | null} */ (null));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const main = useRef(/** @type {HTMLElement | null} */ (null));
  useEffect(() => {
    setError(null);
    if (!found) return;
    document.title = `${t(found.route.title)} · ${t('app.name')}`;
    let live = true;
    found.route.load().then(
      (module) => live && setLoaded({ path, module }),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [path]);
  // After a navigation, focus goes to the new page's heading (screen readers announce it) —
  // before the page is painted, so that it never takes focus from a field the user has already
  // started to fill in.
  useLayoutEffect(() => {
    if (loaded?.path === path) main.current?.querySelector('h1')?.focus();
  }, [loaded]);
  if (!found) {
    document.title = `${t('page.not_found')} · ${t('app.name')}`;
    return html`<main id="main" ref=${main}><h1 tabindex="-1">${t('page.not_found')}</h1><p><a href="/">${t('nav.home')}</a></p></main>`;
  }
  if (!found.route.public && !me.value) {
    queueMicrotask(() => navigate(`/signin?next=${encodeURIComponent(path + search)}`, { replace: true }));
    return null;
  }
  let body;
  if (error) body = html`<${ErrorState} error=${error} />`;
  else if (!loaded || loaded.path !== path) body = html`<${Loading} />`;
  else {
    const PageComponent = loaded.module.default;
    body = html`<${PageComponent} key=${path} params=${found.params} query=${new URLSearchParams(search)} />`;
  }
  return html`<main id="main" ref=${main}>${body}</main>`;
}

function App() {
  if (me.value === undefined) return html`<${Loading} />`;
  return html`<div class="shell" onClick=${interceptLinks}>
    <a class="skip" href="#main">${t('nav.skip')}</a>
    <${Header} />
    <${Page} />
    <${Toasts} />
  </div>`;
}

const root = /** @type {HTMLElement} */ (document.getElementById('app'));

// The boot text goes: render() adds to what the container holds.
loadSession().then(
  () => render(html`<${App} />`, (root.replaceChildren(), root)),
  (e) => render(html`<main id="main"><${ErrorState} error=${e} /></main>`, (root.replaceChildren(), root)),
);
