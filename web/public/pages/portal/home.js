// @ts-check
// The start page after sign-in: where each role goes next.
import { html } from '../../components/html.js';
import { t } from '../../i18n.js';
import { me, membership, roles } from '../../session.js';

export default function Home() {
  const r = roles.value;
  const m = membership.value;
  return html`<section>
    <h1 tabindex="-1">${t('home.welcome', { name: me.value?.user.display_name || '' })}</h1>
    ${m ? html`<p>${t('home.member_of', { org: m.org_name, role: t(`role.${m.role}`) })}</p>` : html`<p>${t('home.no_org')}</p>`}
    <ul class="cards">
      ${r.publisher
        ? html`<li><a href="/publisher/apis"><strong>${t('nav.apis')}</strong><span>${t('home.apis_hint')}</span></a></li>
               <li><a href="/publisher/apis/import"><strong>${t('import.title')}</strong><span>${t('home.import_hint')}</span></a></li>
               <li><a href="/publisher/revenue"><strong>${t('nav.revenue')}</strong><span>${t('home.revenue_hint')}</span></a></li>`
        : null}
      ${r.admin || r.operator
        ? html`<li><a href="/admin"><strong>${t('nav.admin')}</strong><span>${t('home.admin_hint')}</span></a></li>`
        : null}
      <li><a href="/admin/tokens"><strong>${t('nav.tokens')}</strong><span>${t('home.tokens_hint')}</span></a></li>
    </ul>
  </section>`;
}
