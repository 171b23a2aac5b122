// The shell: the sidebar of requirement 12, History API navigation (no document reload), sign-in, and the
// page modules. The server answers this page at every page's path, so a deep link survives a reload.
import { api, whenUnauthorized } from './api.js';
import { auth } from './auth.js';
import { h, notice } from './ui.js';
import * as live from './live.js';
import dm from './pages/dm.js';
import contacts from './pages/contacts.js';
import bulk from './pages/bulk.js';
import agent from './pages/agent.js';
import admin from './pages/admin.js';
import external from './pages/external.js';

const main = document.getElementById('main');
let config = null;
let leave = null;

const labels = { pay: 'Pay', link: 'Link', forms: 'Forms', docs: 'Docs', invoice: 'Invoice' };
const pages = { dm, contacts, bulk, agent, admin };

export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState({}, '', path); else history.pushState({}, '', path);
  render();
}

function sidebar() {
  const nav = document.getElementById('sidebar');
  const here = location.pathname.split('/')[1] || 'dm';
  const item = (href, text, extra = {}) => h('li', {}, h('a', { href, 'data-nav': extra.external ? undefined : '', 'aria-current': href === `/${here}` ? 'page' : undefined, ...extra.attrs }, text, extra.suffix));
  const links = config.links.map((l) => l.url
    ? item(l.url, labels[l.module], { external: true, attrs: { target: '_blank', rel: 'noopener noreferrer', 'data-external': '' }, suffix: h('span', { class: 'ext', 'aria-label': '(external site)' }, '↗') })
    : item(`/${l.module}`, labels[l.module]));
  const own = [
    item('/dm', 'DM (WhatsApp/SMS/SES)'), item('/contacts', 'Contacts'), item('/bulk', 'Bulk Messaging'), item('/agent', 'Agent'),
  ];
  if (auth.atLeast('Admin')) own.push(item('/admin', 'Admin'));
  nav.replaceChildren(h('ul', {}, links, own));
}

function header() {
  const env = document.getElementById('env');
  env.hidden = false;
  env.textContent = `${config.environment} · ${config.sendMode}`;
  env.className = config.sendMode === 'DRY_RUN' ? 'badge dry' : 'badge';
  document.getElementById('who').textContent = auth.signedIn() ? `${auth.role}` : '';
  document.getElementById('signout').hidden = !auth.signedIn();
}

function signInPage(returnTo) {
  const status = h('div');
  if (config.signIn.mode === 'development') {
    const pick = (role) => h('button', { type: 'button', onclick: async () => {
      try { await auth.development(role); navigate(returnTo, { replace: true }); } catch (e) { status.replaceChildren(notice(e.message, 'error')); }
    } }, `Sign in as ${role}`);
    return h('section', { 'aria-labelledby': 'signin-title' }, h('h2', { id: 'signin-title' }, 'Sign in'),
      h('p', {}, `Environment ${config.environment}: pick a role. These development tokens exist only in local and last an hour; nothing is stored in the browser.`),
      h('div', { class: 'row' }, pick('Viewer'), pick('Operator'), pick('Admin')), status);
  }
  if (!config.signIn.clientId) {
    return h('section', {}, h('h2', {}, 'Sign in'), notice('Cognito sign-in is not configured for this function: it was not given the app client id.', 'error'));
  }
  return h('section', {}, h('h2', {}, 'Sign in'), h('p', {}, `Sign in with your WECARE.DIGITAL account (${config.signIn.domain}).`),
    h('button', { type: 'button', onclick: () => auth.cognito(returnTo) }, 'Sign in with Cognito'), status);
}

let generation = 0;

async function render() {
  if (leave) { leave(); leave = null; }
  const mine = ++generation;
  delete main.dataset.page;
  const path = location.pathname;
  const first = path.split('/')[1] || '';
  document.getElementById('sidebar').classList.remove('open');
  document.getElementById('menu').setAttribute('aria-expanded', 'false');
  if (first === 'callback') {
    try { navigate(await auth.callback(new URLSearchParams(location.search)), { replace: true }); }
    catch (e) { main.replaceChildren(notice(e.message, 'error')); }
    return;
  }
  if (!auth.signedIn()) {
    header();
    document.getElementById('sidebar').replaceChildren();
    const returnTo = first === 'signin' ? (new URLSearchParams(location.search).get('next') || '/dm') : path + location.search;
    if (first !== 'signin') history.replaceState({}, '', `/signin?next=${encodeURIComponent(returnTo)}`);
    main.replaceChildren(signInPage(returnTo));
    document.title = 'Sign in · WECARE.DIGITAL';
    return;
  }
  if (first === '' || first === 'signin') { navigate('/dm', { replace: true }); return; }
  header();
  sidebar();
  const rest = path.split('/').slice(2).map(decodeURIComponent);
  const page = pages[first] || (labels[first] ? external(first, labels[first], config) : null);
  if (!page) { main.replaceChildren(h('h2', {}, 'Not found'), h('p', {}, `Nothing lives at ${path}.`)); return; }
  if (page === admin && !auth.atLeast('Admin')) { main.replaceChildren(h('h2', {}, 'Admin'), notice('Only an Admin sees this page.', 'error')); return; }
  document.title = `${page.title} · WECARE.DIGITAL`;
  const context = { api, auth, config, navigate, live, params: rest, query: new URLSearchParams(location.search) };
  // Each page renders into a view of its own: one left behind by a quicker navigation fills a detached node.
  const view = h('div', { class: 'view' });
  main.replaceChildren(view);
  const cleanup = await page.show(view, context) || null;
  if (mine !== generation) { if (cleanup) cleanup(); return; }
  leave = cleanup;
  main.dataset.page = first;
}

async function boot() {
  const res = await fetch('/api/ui/config');
  config = await res.json();
  auth.configure(config);
  whenUnauthorized(() => { auth.signOut(); navigate(`/signin?next=${encodeURIComponent(location.pathname)}`, { replace: true }); });
  live.start(config);
  document.addEventListener('click', (e) => {
    const a = e.target.closest('a[data-nav]');
    if (!a || e.metaKey || e.ctrlKey || e.shiftKey || a.target) return;
    e.preventDefault();
    if (a.getAttribute('href') !== location.pathname) navigate(a.getAttribute('href'));
  });
  window.addEventListener('popstate', render);
  document.getElementById('signout').addEventListener('click', () => { auth.signOut(); navigate('/signin', { replace: true }); });
  document.getElementById('menu').addEventListener('click', () => {
    const open = document.getElementById('sidebar').classList.toggle('open');
    document.getElementById('menu').setAttribute('aria-expanded', String(open));
  });
  // The test sees whether the document was ever reloaded.
  window.wecareLoadedAt ??= performance.timeOrigin;
  await render();
}

boot();
