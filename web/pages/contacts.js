// Contacts: list and search; Operators and Admins create, edit, soft-delete and toggle opt-ins per channel.
import { h, field, checkbox, notice, explain } from '../ui.js';

const channels = [['optInWhatsApp', 'WhatsApp'], ['optInSms', 'SMS'], ['optInEmail', 'Email']];

export default {
  title: 'Contacts',
  async show(main, { api, auth, navigate }) {
    const canWrite = auth.atLeast('Operator');
    const status = h('div', { 'aria-live': 'polite' });
    const search = field('Search contacts', { type: 'search', placeholder: 'name, phone or email', id: 'contact-search' });
    const list = h('ul', { class: 'list', id: 'contact-list' });
    main.append(h('h2', {}, 'Contacts'), search.el, status);
    if (canWrite) main.append(form(null));
    main.append(list);

    function form(contact) {
      const name = field('Name', { value: contact?.name || '', autocomplete: 'off', name: 'name' });
      const phone = field('Phone (E.164 or national)', { value: contact?.phone || '', type: 'tel', name: 'phone' });
      const email = field('Email', { value: contact?.email || '', type: 'email', name: 'email' });
      const optins = channels.map(([key, label]) => checkbox(`Opted in to ${label}`, contact ? contact[key] : false, { name: key }));
      const save = h('button', { type: 'submit' }, contact ? 'Save contact' : 'Create contact');
      const f = h('form', { class: 'card', 'aria-label': contact ? `Edit ${contact.name || contact.phone || contact.email}` : 'New contact' },
        h('h3', {}, contact ? 'Edit contact' : 'New contact'), name.el, phone.el, email.el, h('div', {}, optins.map((o) => o.el)), save);
      f.addEventListener('submit', async (e) => {
        e.preventDefault();
        const body = {};
        for (const [k, input] of [['name', name.input], ['phone', phone.input], ['email', email.input]]) {
          const v = input.value.trim();
          if (v) body[k] = v; else if (contact && contact[k]) body[k] = null;
        }
        channels.forEach(([key], i) => { body[key] = optins[i].input.checked; });
        const r = contact ? await api(`/api/contacts/${contact.id}`, { method: 'PATCH', body }) : await api('/api/contacts', { method: 'POST', body });
        if (r.error) { status.replaceChildren(notice(explain(r.error), 'error')); return; }
        status.replaceChildren(notice(contact ? 'Contact saved.' : `Contact created: ${r.data.name || r.data.phone || r.data.email}.`));
        if (!contact) f.reset();
        load();
      });
      return f;
    }

    function row(c) {
      const li = h('li', { 'data-contact': c.id });
      const title = h('strong', {}, c.name || '(no name)');
      const info = h('div', { class: 'muted' }, [c.phone, c.email].filter(Boolean).join(' · '));
      const toggles = h('div', {}, channels.map(([key, label]) => {
        if (!canWrite) return h('span', { class: 'badge' }, `${label} ${c[key] ? 'opted in' : 'not opted in'}`);
        const box = checkbox(`${label} opt-in`, c[key], { 'aria-label': `${label} opt-in for ${c.name || c.phone || c.email}` });
        box.input.addEventListener('change', async () => {
          const r = await api(`/api/contacts/${c.id}`, { method: 'PATCH', body: { [key]: box.input.checked } });
          if (r.error) { box.input.checked = !box.input.checked; status.replaceChildren(notice(explain(r.error), 'error')); }
          else status.replaceChildren(notice(`${label} opt-in ${box.input.checked ? 'on' : 'off'} for ${c.name || c.phone}.`));
        });
        return box.el;
      }));
      const actions = h('div', { class: 'row' }, h('a', { href: `/dm/${c.id}`, 'data-nav': '' }, 'Open conversation'));
      if (canWrite) {
        actions.append(h('button', { type: 'button', onclick: () => { li.append(form(c)); } }, 'Edit'));
        actions.append(h('button', { type: 'button', onclick: () => {
          const yes = h('button', { type: 'button', onclick: async () => {
            const r = await api(`/api/contacts/${c.id}`, { method: 'DELETE' });
            status.replaceChildren(r.error ? notice(explain(r.error), 'error') : notice(`Deleted ${c.name || c.phone}.`));
            load();
          } }, 'Yes, delete');
          const no = h('button', { type: 'button', onclick: () => ask.remove() }, 'Keep');
          const ask = h('div', { class: 'notice', role: 'alert' }, `Delete ${c.name || c.phone}? Their messages stay. `, yes, ' ', no);
          li.append(ask);
        } }, 'Delete'));
      }
      li.append(title, info, toggles, actions);
      return li;
    }

    async function load() {
      const r = await api(`/api/contacts?limit=200&q=${encodeURIComponent(search.input.value)}`);
      if (r.error) { status.replaceChildren(notice(explain(r.error), 'error')); return; }
      list.replaceChildren(...(r.data.contacts.length ? r.data.contacts.map(row) : [h('li', {}, 'No contacts match.')]));
    }
    let timer;
    search.input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(load, 200); });
    await load();
  },
};
