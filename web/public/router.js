// @ts-check
// The History-API router: one lazily imported module per page. The server answers index.html
// for every portal path, so a reload or a shared link lands on the same page.
import { signal } from '@preact/signals';

/**
 * @typedef {{ params: Record<string, string>, query: URLSearchParams }} PageProps
 * @typedef {{ default: import('preact').ComponentType<PageProps> }} PageModule
 * @typedef {{ pattern: string, load: () => Promise<PageModule>, title: import('./i18n.js').MessageKey, public?: boolean }} Route
 */

/** The current location: path and query. */
export const location = signal({ path: window.location.pathname, search: window.location.search });

/** @type {Route[]} */
export const ROUTES = [
  { pattern: '/signin', load: () => import('./pages/portal/signin.js'), title: 'page.signin', public: true },
  { pattern: '/', load: () => import('./pages/portal/home.js'), title: 'page.home' },
  { pattern: '/publisher/apis', load: () => import('./pages/publisher/apis.js'), title: 'page.apis' },
  { pattern: '/publisher/apis/import', load: () => import('./pages/publisher/import.js'), title: 'page.import' },
  { pattern: '/publisher/apis/:id', load: () => import('./pages/publisher/api-overview.js'), title: 'page.api' },
  { pattern: '/publisher/apis/:id/resources', load: () => import('./pages/publisher/api-resources.js'), title: 'page.api_resources' },
  { pattern: '/publisher/apis/:id/endpoints', load: () => import('./pages/publisher/api-endpoints.js'), title: 'page.api_endpoints' },
  { pattern: '/publisher/apis/:id/cors', load: () => import('./pages/publisher/api-cors.js'), title: 'page.api_cors' },
  { pattern: '/publisher/apis/:id/openapi', load: () => import('./pages/publisher/api-openapi.js'), title: 'page.api_openapi' },
  { pattern: '/publisher/apis/:id/lifecycle', load: () => import('./pages/publisher/api-lifecycle.js'), title: 'page.api_lifecycle' },
  { pattern: '/publisher/apis/:id/documents', load: () => import('./pages/publisher/api-documents.js'), title: 'page.api_documents' },
  { pattern: '/publisher/apis/:id/analytics', load: () => import('./pages/publisher/api-analytics.js'), title: 'page.api_analytics' },
  { pattern: '/publisher/plans', load: () => import('./pages/publisher/plans.js'), title: 'page.plans' },
  { pattern: '/publisher/subscriptions', load: () => import('./pages/publisher/subscriptions.js'), title: 'page.subscriptions' },
  { pattern: '/publisher/revenue', load: () => import('./pages/publisher/revenue.js'), title: 'page.revenue' },
  { pattern: '/publisher/invoices/:id', load: () => import('./pages/publisher/invoice.js'), title: 'page.invoice' },
  { pattern: '/admin', load: () => import('./pages/admin/orgs.js'), title: 'page.admin_orgs' },
  { pattern: '/admin/members', load: () => import('./pages/admin/members.js'), title: 'page.admin_members' },
  { pattern: '/admin/audit', load: () => import('./pages/admin/audit.js'), title: 'page.admin_audit' },
  { pattern: '/admin/webhooks', load: () => import('./pages/admin/webhooks.js'), title: 'page.admin_webhooks' },
  { pattern: '/admin/webhooks/:id', load: () => import('./pages/admin/webhook.js'), title: 'page.admin_webhook' },
  { pattern: '/admin/tokens', load: () => import('./pages/admin/tokens.js'), title: 'page.admin_tokens' },
  { pattern: '/admin/gateway', load: () => import('./pages/admin/gateway.js'), title: 'page.admin_gateway' },
  { pattern: '/admin/signing-keys', load: () => import('./pages/admin/signing-keys.js'), title: 'page.admin_keys' },
  { pattern: '/admin/theme', load: () => import('./pages/admin/theme.js'), title: 'page.admin_theme' },
];

/**
 * The route for `path` and its parameters.
 * @param {string} path
 * @returns {{ route: Route, params: Record<string, string> } | null}
 */
export function match(path) {
  const parts = path.replace(/\/+$/, '').split('/');
  for (const route of ROUTES) {
    const pattern = route.pattern === '/' ? [''] : route.pattern.split('/');
    if (pattern.length !== (parts.length || 1)) continue;
    /** @type {Record<string, string>} */
    const params = {};
    const ok = pattern.every((p, i) => {
      if (p.startsWith(':')) {
        params[p.slice(1)] = decodeURIComponent(parts[i]);
        return parts[i] !== '';
      }
      return p === parts[i];
    });
    if (ok) return { route, params };
  }
  return null;
}

/**
 * Goes to `to` (a path with an optional query) without reloading.
 * @param {string} to
 * @param {{ replace?: boolean }} [opts]
 */
export function navigate(to, opts = {}) {
  const url = new URL(to, window.location.origin);
  if (opts.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  location.value = { path: url.pathname, search: url.search };
}

window.addEventListener('popstate', () => {
  location.value = { path: window.location.pathname, search: window.location.search };
});

/**
 * Same-origin links are followed by the router; a modified click (new tab) is left alone.
 * @param {MouseEvent} event
 */
export function interceptLinks(event) {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = /** @type {HTMLElement} */ (event.target).closest('a');
  if (!link || link.target || link.hasAttribute('download')) return;
  const url = new URL(link.href, window.location.href);
  if (url.origin !== window.location.origin || !match(url.pathname)) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
}
