// DM: a contact's conversation per channel (WhatsApp, SMS, email) with statuses and media, the 24-hour
// window with its time left, a composer for text, template and media; refusals in words; DRY_RUN marked.
import { h, field, select, notice, explain, when } from '../ui.js';

const channelNames = { whatsapp: 'WhatsApp', sms: 'SMS', email: 'Email (SES)' };
const statusWords = { received: 'received', dry_run: 'DRY_RUN: recorded, not sent', sent: 'sent', delivered: 'delivered', read: 'read', failed: 'failed' };

function left(lastInbound) {
  if (!lastInbound) return null;
  const ms = new Date(lastInbound).getTime() + 24 * 3600 * 1000 - Date.now();
  if (ms <= 0) return null;
  const hours = Math.floor(ms / 3600000), minutes = Math.floor((ms % 3600000) / 60000);
  return `${hours} h ${minutes} min`;
}

export default {
  title: 'DM',
  async show(main, { api, auth, config, navigate, live, params }) {
    const [contactId, channelParam] = params;
    const channel = channelNames[channelParam] ? channelParam : 'whatsapp';
    const canWrite = auth.atLeast('Operator');
    const search = field('Search contacts', { type: 'search', placeholder: 'name, phone or email', id: 'dm-search' });
    const list = h('ul', { class: 'list', id: 'dm-contacts' });
    const thread = h('section', { class: 'thread', 'aria-label': 'Conversation' });
    main.append(h('h2', {}, 'DM (WhatsApp/SMS/SES)'), h('div', { class: 'dm' }, h('div', { class: 'contacts' }, search.el, list), thread));

    async function loadContacts() {
      const r = await api(`/api/contacts?limit=100&q=${encodeURIComponent(search.input.value)}`);
      if (r.error) { list.replaceChildren(h('li', {}, explain(r.error))); return; }
      list.replaceChildren(...(r.data.contacts.length ? r.data.contacts.map((c) => h('li', { class: c.id === contactId ? 'selected' : '' },
        h('a', { href: `/dm/${c.id}/${channel}`, 'data-nav': '', 'aria-current': c.id === contactId ? 'true' : undefined }, c.name || c.phone || c.email),
        h('div', { class: 'muted' }, c.phone || c.email || ''))) : [h('li', {}, 'No contacts match.')]));
    }
    let timer;
    search.input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(loadContacts, 200); });
    await loadContacts();

    if (!contactId) { thread.append(h('p', {}, 'Pick a contact to see the conversation.')); return; }
    const got = await api(`/api/contacts/${encodeURIComponent(contactId)}`);
    if (got.error) { thread.append(notice(explain(got.error), 'error')); return; }
    let contact = got.data;
    const title = contact.name || contact.phone || contact.email;

    const tabs = h('div', { class: 'tabs', role: 'group', 'aria-label': 'Channel' }, Object.entries(channelNames).map(([c, name]) =>
      h('button', { type: 'button', 'aria-pressed': String(c === channel), onclick: () => navigate(`/dm/${contactId}/${c}`) }, name)));
    const windowInfo = h('p', { class: 'muted', id: 'window' });
    const messages = h('ol', { class: 'messages', id: 'thread', 'aria-live': 'polite', 'aria-label': `Messages with ${title} on ${channelNames[channel]}` });
    const status = h('div', { id: 'send-status', 'aria-live': 'polite' });
    thread.append(h('h3', {}, title), h('p', { class: 'muted' }, [contact.phone, contact.email].filter(Boolean).join(' · ')), tabs, windowInfo, messages);

    function showWindow() {
      if (channel !== 'whatsapp') { windowInfo.textContent = ''; return; }
      const remaining = left(contact.lastInboundMessageAt);
      windowInfo.textContent = remaining
        ? `24-hour window open: ${remaining} left for free-form messages.`
        : 'No open 24-hour window: only template messages can be sent until the contact writes.';
    }

    function bubble(m) {
      const parts = [];
      if (m.templateName) parts.push(h('div', {}, h('span', { class: 'badge' }, 'template'), ` ${m.templateName}`));
      if (m.subject) parts.push(h('div', {}, h('strong', {}, m.subject)));
      if (m.content) parts.push(h('div', { class: 'text' }, m.content));
      if (m.mediaUrl) parts.push(m.kind === 'image' || m.kind === 'sticker'
        ? h('img', { src: m.mediaUrl, alt: `${m.kind} from ${m.direction === 'inbound' ? title : 'us'}` })
        : h('a', { href: m.mediaUrl, target: '_blank', rel: 'noopener noreferrer' }, `${m.kind} file`));
      else if (m.s3Key || m.mediaId) parts.push(h('div', { class: 'muted' }, `${m.kind} (media)`));
      if (!parts.length) parts.push(h('div', { class: 'muted' }, m.kind));
      const badge = h('span', { class: `badge ${m.status === 'dry_run' ? 'dry' : m.status === 'failed' ? 'fail' : ''}`, 'data-status': m.status }, statusWords[m.status] || m.status);
      return h('li', { class: `msg ${m.direction}`, 'data-message': m.id }, parts,
        h('div', { class: 'muted' }, `${m.direction === 'inbound' ? 'from them' : 'from us'} · ${when(m.timestamp)} · `, badge,
          m.reaction ? ` · ${m.reaction}` : '', m.errorDetails ? h('div', {}, m.errorDetails) : ''));
    }

    async function loadThread() {
      const [r, c] = await Promise.all([api(`/api/messages?contactId=${encodeURIComponent(contactId)}&limit=200`), api(`/api/contacts/${encodeURIComponent(contactId)}`)]);
      if (c.data) contact = c.data;
      showWindow();
      if (r.error) { messages.replaceChildren(h('li', {}, explain(r.error))); return; }
      const mine = r.data.messages.filter((m) => m.channel === channel).reverse();
      messages.replaceChildren(...(mine.length ? mine.map(bubble) : [h('li', { class: 'muted' }, `No ${channelNames[channel]} messages yet.`)]));
      messages.scrollTop = messages.scrollHeight;
    }

    if (canWrite) thread.append(composer(), status);
    else thread.append(h('p', { class: 'muted' }, 'You are signed in as a Viewer: you can read conversations but not send.'));

    function composer() {
      const kinds = channel === 'whatsapp' ? [['text', 'Text'], ['template', 'Template'], ['media', 'Media']] : [['text', 'Text']];
      const kind = select('Message type', kinds, 'text', { id: 'compose-kind' });
      const text = field(channel === 'email' ? 'Email text' : 'Message', { tag: 'textarea', id: 'compose-text' });
      const subject = field('Subject', { id: 'compose-subject' });
      const template = field('Template name', { id: 'compose-template' });
      const language = field('Template language', { value: 'en_US', id: 'compose-language' });
      const parameters = field('Template parameters (one per line)', { tag: 'textarea', id: 'compose-parameters' });
      const file = field('File', { type: 'file', id: 'compose-file' });
      const mediaKind = select('Media kind', [['image', 'Image'], ['document', 'Document'], ['video', 'Video'], ['audio', 'Audio']], 'image', { id: 'compose-media-kind' });
      const caption = field('Caption', { id: 'compose-caption' });
      const send = h('button', { type: 'submit', id: 'compose-send' }, `Send on ${channelNames[channel]}`);
      const sections = { text: [text.el], template: [template.el, language.el, parameters.el], media: [mediaKind.el, file.el, caption.el] };
      const body = h('div');
      const show = () => body.replaceChildren(...(channel === 'email' ? [subject.el] : []), ...sections[kind.input.value]);
      kind.input.addEventListener('change', show);
      show();
      const banner = config.sendMode === 'DRY_RUN'
        ? h('p', { class: 'notice dry' }, 'DRY_RUN: every send is recorded with the request it would make; nothing leaves.') : null;
      const form = h('form', { class: 'card', 'aria-label': 'Compose a message' }, banner, kind.el, body, send);
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        send.disabled = true;
        try {
          let r;
          if (kind.input.value === 'media') {
            const f = file.input.files[0];
            if (!f) { status.replaceChildren(notice('Choose a file first.', 'error')); return; }
            const data = await new Promise((ok) => { const fr = new FileReader(); fr.onload = () => ok(String(fr.result).split(',')[1]); fr.readAsDataURL(f); });
            r = await api('/api/media', { method: 'POST', body: { contactId, kind: mediaKind.input.value, contentType: f.type || 'application/octet-stream', data, caption: caption.input.value || undefined } });
          } else {
            const b = { contactId };
            if (kind.input.value === 'template') b.template = { name: template.input.value.trim(), language: language.input.value.trim() || 'en_US', parameters: parameters.input.value.split('\n').map((s) => s.trim()).filter(Boolean) };
            else b.text = text.input.value;
            if (channel === 'email') b.subject = subject.input.value;
            r = await api(`/api/messages/${channel}`, { method: 'POST', body: b });
          }
          if (r.error) { status.replaceChildren(notice(explain(r.error), 'error')); return; }
          status.replaceChildren(notice(r.data.status === 'dry_run' ? 'DRY_RUN: recorded with the request it would have made; nothing was sent.' : `Sent (${r.data.status}).`));
          text.input.value = '';
          await loadThread();
        } finally { send.disabled = false; }
      });
      return form;
    }

    await loadThread();
    let pending = null;
    const refresh = () => { clearTimeout(pending); pending = setTimeout(loadThread, 150); };
    const tick = setInterval(showWindow, 30000);
    const stop = live.follow((e) => { if (e.kind === 'poll' || e.kind === 'connected' || e.contactId === contactId || e.kind === 'status') refresh(); });
    return () => { stop(); clearInterval(tick); clearTimeout(pending); };
  },
};
