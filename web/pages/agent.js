// Agent: the AI suggestions queue (Req 15, docs/ai.md). Pending suggestions first, each with the question,
// the passages it was drawn from and their sources; Operators and Admins approve it (as it is or edited),
// reject it, and rate it. Approving sends through the same pipeline as the DM composer, so its refusals
// read the same; DRY_RUN is marked. Viewers see the queue and no controls.
import { h, field, select, notice, explain, when } from '../ui.js';

const statuses = [['pending', 'Waiting for review'], ['', 'All'], ['dry_run', 'Approved (DRY_RUN)'], ['sent', 'Sent'], ['rejected', 'Rejected'], ['approved', 'Approved, not sent']];

export default {
  title: 'Agent',
  async show(main, { api, auth }) {
    const canReview = auth.atLeast('Operator');
    const filter = select('Show', statuses, 'pending', { id: 'ai-status' });
    const list = h('div', { id: 'ai-queue', 'aria-live': 'polite' });
    const more = h('div');
    main.append(h('h2', {}, 'Agent'),
      h('p', { class: 'muted' }, 'Reply suggestions the AI drew from the knowledge base for inbound WhatsApp questions. Nothing is sent until someone approves it.'),
      h('div', { class: 'row' }, filter.el), list, more);

    async function load(before) {
      const query = new URLSearchParams({ limit: '20' });
      if (filter.input.value) query.set('status', filter.input.value);
      if (before) query.set('before', before);
      const r = await api(`/api/ai/interactions?${query}`);
      if (!before) list.replaceChildren();
      more.replaceChildren();
      if (r.error) {
        list.append(notice(r.error.code === 'UNAVAILABLE' ? 'This service keeps no AI suggestions (the AI flow is off here).' : explain(r.error),
          r.error.code === 'UNAVAILABLE' ? '' : 'error'));
        return;
      }
      if (!before && r.data.interactions.length === 0) {
        list.append(notice(filter.input.value === 'pending' ? 'There are no AI suggestions waiting for review.' : 'There are no AI interactions to show.'));
      }
      for (const i of r.data.interactions) list.append(card(i));
      if (r.data.next) more.append(h('button', { type: 'button', onclick: () => load(r.data.next) }, 'Show older'));
    }

    function card(i) {
      const el = h('article', { class: 'card', 'data-interaction': i.id, 'aria-label': `Suggestion for ${i.query.slice(0, 60)}` });
      render(el, i);
      return el;
    }

    function render(el, i) {
      const state = i.status === 'dry_run' ? h('span', { class: 'badge dry', 'data-status': i.status }, 'DRY_RUN: approved, not sent to WhatsApp')
        : h('span', { class: `badge${i.status === 'rejected' ? ' fail' : ''}`, 'data-status': i.status }, i.status);
      const sources = h('details', {}, h('summary', {}, `${i.passages.length} passage${i.passages.length === 1 ? '' : 's'} from the knowledge base`),
        h('ul', { class: 'list' }, i.passages.map((p) => h('li', {}, h('span', { class: 'muted' }, `${p.source} · score ${p.score.toFixed(2)}`), h('div', {}, p.text)))));
      const status = h('div', { 'aria-live': 'polite' });
      el.replaceChildren(
        h('div', { class: 'row' }, state, h('span', { class: 'muted' }, `${when(i.createdAt)} · ${i.provider} (${i.model}) · ${Math.round(i.latencyMs)} ms`)),
        h('p', {}, h('strong', {}, 'Question: '), i.query),
        i.status === 'pending' ? null : h('p', {}, h('strong', {}, i.finalText ? 'Sent text: ' : 'Suggestion: '), i.finalText || i.suggestion),
        i.error ? notice(`Not sent: ${i.error}`, 'error') : null,
        i.decidedBy ? h('p', { class: 'muted' }, `Decided by ${i.decidedBy}`) : null,
        sources);
      if (i.status === 'pending') {
        const text = field('Reply to send', { tag: 'textarea', rows: 3, value: i.suggestion, name: 'reply' });
        text.input.readOnly = !canReview;
        el.append(text.el);
        if (canReview) {
          const act = async (path, body) => {
            const r = await api(`/api/ai/interactions/${encodeURIComponent(i.id)}/${path}`, { method: 'POST', body });
            if (r.error) { status.replaceChildren(notice(explain(r.error), 'error')); return; }
            render(el, r.data);
            el.querySelector('[aria-live]').replaceChildren(notice(r.data.status === 'dry_run'
              ? 'Approved. DRY_RUN: recorded as it would be sent; nothing went to WhatsApp.'
              : r.data.status === 'rejected' ? 'Rejected: nothing is sent.' : `Approved: ${r.data.status}.`));
          };
          el.append(h('div', { class: 'row' },
            h('button', { type: 'button', 'data-action': 'approve', onclick: () => act('approve', text.input.value === i.suggestion ? {} : { text: text.input.value }) }, 'Approve and send'),
            h('button', { type: 'button', 'data-action': 'reject', onclick: () => act('reject') }, 'Reject')));
        }
      }
      if (canReview && i.status !== 'pending') {
        const rating = select('Rating', [['5', '5: sent as it was'], ['4', '4'], ['3', '3'], ['2', '2'], ['1', '1: useless']], String(i.feedback?.rating ?? 5), { name: 'rating' });
        const comment = field('Comment', { name: 'comment', value: i.feedback?.comment ?? '' });
        el.append(h('form', { class: 'row', 'aria-label': 'Feedback', onsubmit: async (e) => {
          e.preventDefault();
          const body = { rating: Number(rating.input.value) };
          if (comment.input.value.trim()) body.comment = comment.input.value.trim();
          const r = await api(`/api/ai/interactions/${encodeURIComponent(i.id)}/feedback`, { method: 'POST', body });
          status.replaceChildren(r.error ? notice(explain(r.error), 'error') : notice('Feedback saved.'));
        } }, rating.el, comment.el, h('button', { type: 'submit' }, 'Save feedback')));
      } else if (i.feedback) {
        el.append(h('p', { class: 'muted' }, `Rated ${i.feedback.rating}${i.feedback.comment ? `: ${i.feedback.comment}` : ''}`));
      }
      el.append(status);
    }

    filter.input.addEventListener('change', () => load());
    await load();
  },
};
