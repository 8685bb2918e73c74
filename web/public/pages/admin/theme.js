// @ts-check
// The portal's theme (operators): colours for the light and the dark scheme, extra CSS and a
// logo, stored by the server and served to every page as /theme.css and /theme/logo — no
// rebuild, no restart. A preview shows the colours before they are saved; after a save this
// page takes the new stylesheet at once, every other page at its next load.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../components/html.js';
import { AdminFrame } from '../../components/admin-frame.js';
import { ErrorSummary, Field } from '../../components/form.js';
import { ErrorState, Loading, describeError } from '../../components/states.js';
import { toast } from '../../components/toast.js';
import { formatDateTime, t } from '../../i18n.js';
import { ApiProblem, client, isStale, send } from '../../api.js';

/** @typedef {import('../../../types/api').components['schemas']['ThemeResponse']} Theme */
/** @typedef {import('../../../types/api').components['schemas']['ThemeColors']} Colors */
/** @typedef {keyof Colors} Token */

/** The tokens an operator may set, with the CSS custom property each one overrides. */
const TOKENS = /** @type {[Token, string][]} */ ([
  ['primary', '--color-primary'], ['primary_text', '--color-primary-text'], ['link', '--color-link'], ['focus', '--color-focus'],
  ['background', '--color-bg'], ['surface', '--color-surface'], ['text', '--color-text'], ['muted', '--color-muted'], ['border', '--color-border'],
]);
const SCHEMES = /** @type {const} */ (['light', 'dark']);
const LOGO_TYPES = 'image/png,image/jpeg,image/gif,image/webp,image/svg+xml';
const COLOR = /^#[0-9a-fA-F]{6}$/;

/** @typedef {{ light: Record<Token, string>, dark: Record<Token, string>, extra_css: string, logo: string | null }} Form */

/** @param {Colors} colors */
const toForm = (colors) => /** @type {Record<Token, string>} */ (Object.fromEntries(TOKENS.map(([k]) => [k, colors[k] || ''])));
/** @param {Record<Token, string>} colors */
const fromForm = (colors) => /** @type {Colors} */ (Object.fromEntries(TOKENS.filter(([k]) => colors[k].trim()).map(([k]) => [k, colors[k].trim()])));

/** This page's stylesheet link to /theme.css, asked again (the others get it at their next load). @param {string} stamp */
function refreshStylesheet(stamp) {
  const link = /** @type {HTMLLinkElement | null} */ (document.querySelector('link[rel="stylesheet"][href^="/theme.css"]'));
  if (link) link.href = `/theme.css?v=${encodeURIComponent(stamp)}`;
}

export default function ThemePage() {
  const [theme, setTheme] = useState(/** @type {{ data: Theme, etag: string | null } | null} */ (null));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [form, setForm] = useState(/** @type {Form | null} */ (null));
  const [saveError, setSaveError] = useState(/** @type {unknown} */ (null));
  const [logoError, setLogoError] = useState('');
  const [busy, setBusy] = useState(false);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    setError(null);
    send(client.GET('/api/v1/admin/theme')).then(({ data, etag }) => {
      setTheme({ data, etag });
      setForm({ light: toForm(data.light), dark: toForm(data.dark), extra_css: data.extra_css, logo: data.logo ?? null });
    }, setError);
  }, [version]);

  const problem = saveError instanceof ApiProblem ? saveError : null;
  const errs = (/** @type {string} */ p) => problem?.messagesFor(p) || [];

  /** @param {SubmitEvent} event */
  const save = async (event) => {
    event.preventDefault();
    if (!form || !theme) return;
    setBusy(true);
    setSaveError(null);
    try {
      const { data, etag } = await send(client.PUT('/api/v1/admin/theme', {
        headers: theme.etag ? { 'If-Match': theme.etag } : {},
        body: { light: fromForm(form.light), dark: fromForm(form.dark), extra_css: form.extra_css, logo: form.logo },
      }));
      setTheme({ data, etag });
      setForm({ light: toForm(data.light), dark: toForm(data.dark), extra_css: data.extra_css, logo: data.logo ?? null });
      refreshStylesheet(etag || String(Date.now()));
      toast(t('theme.saved'));
    } catch (e) {
      setSaveError(e);
    } finally {
      setBusy(false);
    }
  };

  /** @param {Event} event */
  const pickLogo = (event) => {
    const input = /** @type {HTMLInputElement} */ (event.currentTarget);
    const file = input.files?.[0];
    setLogoError('');
    if (!file || !form) return;
    if (!LOGO_TYPES.split(',').includes(file.type)) {
      setLogoError(t('theme.logo_type'));
      return;
    }
    const reader = new FileReader();
    reader.onload = () => setForm({ ...form, logo: String(reader.result) });
    reader.readAsDataURL(file);
  };

  if (error) return html`<${AdminFrame} tab="/admin/theme" title=${t('theme.title')}><${ErrorState} error=${error} hint=${t('error.forbidden_operator_hint')} /><//>`;
  if (!form || !theme) return html`<${AdminFrame} tab="/admin/theme" title=${t('theme.title')}><${Loading} /><//>`;

  const dark = typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
  const scheme = dark ? 'dark' : 'light';
  /** @type {Record<string, string>} */
  const previewStyle = {};
  for (const [k, v] of TOKENS) if (COLOR.test(form[scheme][k])) previewStyle[v] = form[scheme][k];

  return html`<${AdminFrame} tab="/admin/theme" title=${t('theme.title')}>
    <p>${t('theme.intro')}</p>
    ${theme.data.updated_at ? html`<p class="hint">${t('theme.last_change', { at: formatDateTime(theme.data.updated_at), by: theme.data.updated_by || '' })}</p>` : null}
    ${isStale(saveError)
      ? html`<div class="error-summary" role="alert"><p>${t('error.stale')}</p><button type="button" onClick=${() => { setSaveError(null); setVersion(version + 1); }}>${t('api.reload')}</button></div>`
      : html`<${ErrorSummary} message=${problem?.errors.length ? t('theme.invalid') : saveError ? describeError(saveError) : null} />`}
    <div class="split">
      <form onSubmit=${save} novalidate>
        ${SCHEMES.map((s) => html`<fieldset>
          <legend>${t(`theme.scheme_${s}`)}</legend>
          <p class="hint">${t('theme.colors_hint')}</p>
          <div class="color-grid">
            ${TOKENS.map(([k]) => html`<div class="color-field">
              <${Field} id=${`${s}-${k}`} label=${t(`theme.token_${k}`)} errors=${errs(`/${s}/${k}`)}>
                ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="text" class="mono" placeholder="#rrggbb" spellcheck="false" autocomplete="off" value=${form[s][k]}
                  onInput=${(/** @type {Event} */ e) => setForm({ ...form, [s]: { ...form[s], [k]: /** @type {HTMLInputElement} */ (e.currentTarget).value } })} />`}
              <//>
              <span class="swatch" aria-hidden="true" style=${COLOR.test(form[s][k]) ? { background: form[s][k] } : {}}></span>
            </div>`)}
          </div>
        </fieldset>`)}
        <${Field} id="extra-css" label=${t('theme.extra_css')} hint=${t('theme.extra_css_hint')} errors=${errs('/extra_css')}>
          ${(/** @type {Record<string, unknown>} */ a) => html`<textarea ...${a} rows="8" class="mono" spellcheck="false" value=${form.extra_css} onInput=${(/** @type {Event} */ e) => setForm({ ...form, extra_css: /** @type {HTMLTextAreaElement} */ (e.currentTarget).value })}></textarea>`}
        <//>
        <fieldset>
          <legend>${t('theme.logo')}</legend>
          <p class="logo-now">${form.logo ? html`<img src=${form.logo} alt=${t('theme.logo_current')} height="48" />` : t('theme.logo_default')}</p>
          <${Field} id="logo-file" label=${t('theme.logo_file')} hint=${t('theme.logo_hint')} errors=${[...(logoError ? [logoError] : []), ...errs('/logo')]}>
            ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="file" accept=${LOGO_TYPES} onChange=${pickLogo} />`}
          <//>
          ${form.logo ? html`<button type="button" onClick=${() => setForm({ ...form, logo: null })}>${t('theme.logo_reset')}</button>` : null}
        </fieldset>
        <button type="submit" class="primary" disabled=${busy}>${t('theme.save')}</button>
      </form>
      <section class="preview theme-preview" style=${previewStyle} aria-labelledby="theme-preview-title">
        <h2 id="theme-preview-title">${t(dark ? 'theme.preview_dark' : 'theme.preview_light')}</h2>
        <p>${t('theme.preview_text')} <a href="#theme-preview-title">${t('theme.preview_link')}</a></p>
        <p class="hint">${t('theme.preview_muted')}</p>
        <div class="actions"><button type="button" class="primary" tabindex="-1">${t('theme.preview_button')}</button><button type="button" tabindex="-1">${t('dialog.cancel')}</button></div>
      </section>
    </div>
  <//>`;
}
