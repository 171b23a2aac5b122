// Admin (beyond requirement 12, Admin only): the DLQ with replay, the audit log, run-time settings.
import { h, notice, when, explain, checkbox } from '../ui.js';

export default {
  title: 'Admin',
  async show(main, { api }) {
    main.append(h('h2', {}, 'Admin'));
    const dlq = h('section', { 'aria-labelledby': 'dlq-title' });
    const settings = h('section', { 'aria-labelledby': 'settings-title' });
    const audit = h('section', { 'aria-labelledby': 'audit-title' });
    main.append(settings, dlq, audit);

    async function showSettings() {
      const r = await api('/api/config');
      if (r.error) { settings.replaceChildren(notice(explain(r.error), 'error')); return; }
      const c = r.data;
      const ack = checkbox('Acknowledge inbound WhatsApp messages automatically (read receipt and 👍)', c.autoAcknowledge);
      const status = h('div');
      ack.input.addEventListener('change', async () => {
        const u = await api('/api/config', { method: 'PUT', body: { autoAcknowledge: ack.input.checked } });
        status.replaceChildren(u.error ? notice(explain(u.error), 'error') : notice('Saved.'));
      });
      settings.replaceChildren(h('h3', { id: 'settings-title' }, 'Run-time settings'),
        h('p', { class: 'muted' }, `Environment ${c.environment}, SEND_MODE ${c.sendMode}, Meta API ${c.metaApiVersion}, allowlisted numbers: ${c.allowlist.join(', ')}`),
        ack.el, status);
    }

    async function showDLQ() {
      const r = await api('/api/dlq');
      if (r.error) { dlq.replaceChildren(notice(explain(r.error), 'error')); return; }
      const status = h('div');
      const replay = h('button', { type: 'button', disabled: r.data.entries.length === 0, onclick: async () => {
        const x = await api('/api/dlq/replay', { method: 'POST', body: {} });
        status.replaceChildren(x.error ? notice(explain(x.error), 'error')
          : notice(`Replayed ${x.data.replayed}, failed ${x.data.failed}, duplicates skipped ${x.data.skippedDuplicates}, exhausted ${x.data.exhausted}.`));
        showDLQ();
      } }, 'Replay up to 100 entries');
      dlq.replaceChildren(h('h3', { id: 'dlq-title' }, `Dead-letter queue (${r.data.entries.length})`),
        r.data.entries.length === 0 ? h('p', {}, 'The DLQ is empty.') : h('ul', { class: 'list' }, r.data.entries.map((e) =>
          h('li', {}, h('strong', {}, e.source || e.kind || 'entry'), ` · ${when(e.createdAt || e.failedAt)} · retries ${e.retryCount ?? 0} · `, h('span', { class: 'muted' }, e.error || e.errorMessage || '')))),
        replay, status);
    }

    async function showAudit() {
      const r = await api('/api/audit?limit=100');
      if (r.error) { audit.replaceChildren(notice(explain(r.error), 'error')); return; }
      audit.replaceChildren(h('h3', { id: 'audit-title' }, 'Audit log (latest 100)'),
        h('div', { class: 'scroll' }, h('table', {}, h('thead', {}, h('tr', {}, ['Time', 'User', 'Action', 'Outcome', 'Details'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, r.data.entries.map((e) => h('tr', {}, h('td', {}, when(e.timestamp)), h('td', {}, e.userId), h('td', {}, e.action),
            h('td', {}, e.outcome), h('td', {}, e.details || '')))))));
    }

    await Promise.all([showSettings(), showDLQ(), showAudit()]);
  },
};
