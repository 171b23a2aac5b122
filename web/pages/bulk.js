// Bulk Messaging: build a job (channel, recipients by selection or filter, content), confirm it when it has
// more recipients than the threshold, follow its progress live, pause/resume/cancel, download its report.
import { h, field, select, checkbox, notice, explain, when } from '../ui.js';

const channels = [['whatsapp', 'WhatsApp'], ['sms', 'SMS'], ['email', 'Email (SES)']];

export default {
  title: 'Bulk Messaging',
  async show(main, ctx) {
    main.append(h('h2', {}, 'Bulk Messaging'));
    if (ctx.params[0]) return job(main, ctx, ctx.params[0]);
    if (ctx.auth.atLeast('Operator')) builder(main, ctx);
    return jobs(main, ctx);
  },
};

function builder(main, { api, navigate }) {
  const channel = select('Channel', channels, 'sms', { id: 'bulk-channel' });
  const by = select('Recipients', [['filter', 'Everyone matching a search'], ['selection', 'Contacts I pick']], 'filter', { id: 'bulk-by' });
  const q = field('Search (empty: every contact)', { type: 'search', id: 'bulk-q' });
  const optedIn = checkbox('Only contacts opted in to the channel', true, { id: 'bulk-opted-in' });
  const picks = h('ul', { class: 'list', id: 'bulk-picks' });
  const kind = select('Content', [['text', 'Text'], ['template', 'WhatsApp template']], 'text', { id: 'bulk-kind' });
  const text = field('Message', { tag: 'textarea', id: 'bulk-text' });
  const subject = field('Subject (email)', { id: 'bulk-subject' });
  const template = field('Template name', { id: 'bulk-template' });
  const parameters = field('Template parameters (one per line)', { tag: 'textarea', id: 'bulk-parameters' });
  const status = h('div', { id: 'bulk-status', 'aria-live': 'polite' });
  const recipients = h('div');
  const content = h('div');
  const create = h('button', { type: 'submit', id: 'bulk-create' }, 'Create job');
  const form = h('form', { class: 'card', 'aria-label': 'New bulk job' }, h('h3', {}, 'New job'), channel.el, by.el, recipients, kind.el, content, create, status);

  async function loadPicks() {
    const r = await api(`/api/contacts?limit=200&q=${encodeURIComponent(q.input.value)}`);
    picks.replaceChildren(...(r.data ? r.data.contacts.map((c) => h('li', {}, checkbox(c.name || c.phone || c.email, false, { value: c.id, 'data-pick': '' }).el)) : []));
  }
  function layout() {
    recipients.replaceChildren(q.el, ...(by.input.value === 'filter' ? [optedIn.el] : [picks]));
    if (by.input.value === 'selection') loadPicks();
    content.replaceChildren(...(kind.input.value === 'template' ? [template.el, parameters.el] : [channel.input.value === 'email' ? subject.el : '', text.el]));
  }
  for (const s of [by.input, kind.input, channel.input]) s.addEventListener('change', layout);
  q.input.addEventListener('input', () => { if (by.input.value === 'selection') loadPicks(); });
  layout();

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { channel: channel.input.value };
    if (by.input.value === 'filter') body.filter = { q: q.input.value, optedInOnly: optedIn.input.checked };
    else body.contactIds = [...picks.querySelectorAll('input[data-pick]:checked')].map((i) => i.value);
    if (kind.input.value === 'template') body.template = { name: template.input.value.trim(), parameters: parameters.input.value.split('\n').map((s) => s.trim()).filter(Boolean) };
    else { body.text = text.input.value; if (body.channel === 'email') body.subject = subject.input.value; }
    const r = await api('/api/bulk/jobs', { method: 'POST', body });
    if (r.error) { status.replaceChildren(notice(explain(r.error), 'error')); return; }
    navigate(`/bulk/${r.data.id}`);
  });
  main.append(form);
}

function jobRow(j) {
  const p = j.progress;
  return h('li', { 'data-job': j.id }, h('a', { href: `/bulk/${j.id}`, 'data-nav': '' }, `${j.channel} · ${p.total} recipients`),
    ` · ${j.status.replace('_', ' ')} · sent ${p.sent}, failed ${p.failed} · `, h('span', { class: 'muted' }, when(j.createdAt)));
}

async function jobs(main, { api, live }) {
  const list = h('ul', { class: 'list', id: 'bulk-jobs' });
  const more = h('button', { type: 'button', hidden: true }, 'Older jobs');
  main.append(h('h3', {}, 'Jobs'), list, more);
  let next = null;
  async function page(reset) {
    const r = await api(`/api/bulk/jobs?limit=20${!reset && next ? `&cursor=${encodeURIComponent(next)}` : ''}`);
    if (r.error) { list.replaceChildren(h('li', {}, explain(r.error))); return; }
    const rows = r.data.jobs.map(jobRow);
    if (reset) list.replaceChildren(...(rows.length ? rows : [h('li', {}, 'No bulk jobs yet.')])); else list.append(...rows);
    next = r.data.next;
    more.hidden = !next;
  }
  more.addEventListener('click', () => page(false));
  await page(true);
  let pending = null;
  const stop = live.follow((e) => { if (e.kind === 'bulk' || e.kind === 'poll') { clearTimeout(pending); pending = setTimeout(() => page(true), 500); } });
  return () => { stop(); clearTimeout(pending); };
}

async function job(main, { api, auth, live, config }, id) {
  const box = h('section', { 'aria-label': 'Bulk job', id: 'bulk-job' });
  const status = h('div', { 'aria-live': 'polite', id: 'bulk-job-status' });
  main.append(h('p', {}, h('a', { href: '/bulk', 'data-nav': '' }, '← All jobs')), box, status);
  const canWrite = auth.atLeast('Operator');

  async function download() {
    const r = await api(`/api/bulk/jobs/${id}/report`, { raw: true });
    if (!r.response || !r.response.ok) { status.replaceChildren(notice('The report could not be read.', 'error')); return; }
    const blob = await r.response.blob();
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: `${id}-report.json` }, 'report');
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    const report = JSON.parse(await blob.text());
    status.replaceChildren(notice(`Report downloaded: ${report.recipients ? report.recipients.length : 0} recipients, status ${report.status}.`));
  }

  async function control(action) {
    const r = await api(`/api/bulk/jobs/${id}`, { method: 'PUT', body: { action } });
    if (r.error) status.replaceChildren(notice(explain(r.error), 'error'));
    await load();
  }

  async function load() {
    const r = await api(`/api/bulk/jobs/${id}`);
    if (r.error) { box.replaceChildren(notice(explain(r.error), 'error')); return null; }
    const j = r.data, p = j.progress;
    const done = p.sent + p.failed + p.cancelled + (p.interrupted || 0);
    const pct = p.total ? Math.round((done / p.total) * 100) : 0;
    const parts = [h('h3', {}, `${j.channel} job · ${p.total} recipients`),
      h('p', {}, 'Status: ', h('strong', { id: 'bulk-job-state', 'data-status': j.status }, j.status.replace('_', ' ')),
        config.sendMode === 'DRY_RUN' ? h('span', { class: 'badge dry' }, ' DRY_RUN: recorded, nothing leaves') : '')];
    if (j.needsConfirmation) {
      const tier = j.channel === 'whatsapp' && j.content && j.content.templateName
        ? ` It opens up to ${p.total} business-initiated WhatsApp conversations, counted against the tier's limit for 24 hours.` : '';
      parts.push(h('div', { class: 'notice', role: 'alert', id: 'bulk-confirm' },
        `This job will send to ${p.total} recipients (more than the confirmation threshold).${tier} Nothing is sent until you confirm.`,
        canWrite ? h('div', { class: 'row' },
          h('button', { type: 'button', id: 'bulk-confirm-send', onclick: async () => {
            const c = await api(`/api/bulk/jobs/${id}/confirm`, { method: 'POST' });
            if (c.error) status.replaceChildren(notice(explain(c.error), 'error'));
            await load();
          } }, `Confirm: send to ${p.total} recipients`),
          h('button', { type: 'button', onclick: async () => {
            const d = await api(`/api/bulk/jobs/${id}`, { method: 'DELETE' });
            status.replaceChildren(d.error ? notice(explain(d.error), 'error') : notice('Job discarded.'));
            if (!d.error) box.replaceChildren();
          } }, 'Discard job')) : ''));
    }
    parts.push(h('div', { class: 'progress', role: 'progressbar', 'aria-label': 'Progress', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(pct) },
      h('span', { style: `width:${pct}%` })));
    parts.push(h('p', { id: 'bulk-counts' }, `${pct}% · sent ${p.sent} · failed ${p.failed} · pending ${p.pending} · cancelled ${p.cancelled}`));
    const buttons = h('div', { class: 'row' });
    if (canWrite && j.status === 'in_progress') buttons.append(h('button', { type: 'button', onclick: () => control('pause') }, 'Pause'));
    if (canWrite && j.status === 'paused') buttons.append(h('button', { type: 'button', onclick: () => control('resume') }, 'Resume'));
    if (canWrite && (j.status === 'in_progress' || j.status === 'paused')) buttons.append(h('button', { type: 'button', onclick: () => control('cancel') }, 'Cancel job'));
    if (j.status !== 'pending') buttons.append(h('button', { type: 'button', id: 'bulk-report', onclick: download }, 'Download report'));
    parts.push(buttons);
    box.replaceChildren(...parts);
    return j;
  }

  let current = await load();
  let pending = null;
  const stop = live.follow((e) => {
    if ((e.kind === 'bulk' && e.jobId === id) || e.kind === 'poll' || e.kind === 'connected') { clearTimeout(pending); pending = setTimeout(async () => { current = await load(); }, 200); }
  });
  // Progress also moves between events (a stream reconnecting): a slow poll while the job runs.
  const tick = setInterval(async () => { if (current && current.status === 'in_progress') current = await load(); }, 3000);
  return () => { stop(); clearInterval(tick); clearTimeout(pending); };
}
