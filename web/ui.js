// Small DOM helpers: every control is built with its label, so none is left unnamed.

/** h('button', {onclick, 'aria-label': …}, 'text', child…) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

/** A labelled input: the label wraps it. */
export function field(label, attrs = {}) {
  const input = h(attrs.tag || 'input', { ...attrs, tag: undefined });
  return { input, el: h('label', {}, label, ' ', input) };
}

export function checkbox(label, checked, attrs = {}) {
  const input = h('input', { type: 'checkbox', checked, ...attrs });
  return { input, el: h('label', { class: 'inline' }, input, label) };
}

export function select(label, options, value, attrs = {}) {
  const input = h('select', attrs, options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
  return { input, el: h('label', {}, label, ' ', input) };
}

export function notice(text, kind = '') {
  return h('div', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

export function when(date) {
  if (!date) return '';
  const d = new Date(date);
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** The API's refusal codes in words (the pipeline's order: contact, opt-in, address, allowlist, window, content, limits). */
const refusals = {
  CONTACT_NOT_FOUND: 'There is no such contact.',
  CONTACT_DELETED: 'This contact was deleted.',
  OPT_IN_REQUIRED: 'The contact has not opted in to this channel. Turn the opt-in on under Contacts first, with their consent.',
  NO_ADDRESS: 'The contact has no phone number or email address for this channel.',
  PHONE_NUMBER_NOT_ALLOWLISTED: 'That WhatsApp business number is not on the allowlist.',
  TEMPLATE_REQUIRED: 'More than 24 hours have passed since the contact last wrote (or they never have): only a template message can be sent.',
  CONTENT_TOO_LONG: 'The message is too long for this channel.',
  CONTENT_INVALID: 'The message content is not valid for this channel.',
  TIER_LIMIT_EXCEEDED: 'This would pass the WhatsApp tier limit of business-initiated conversations in 24 hours.',
  FORBIDDEN: 'Your role does not allow this.',
  UNAUTHENTICATED: 'Your sign-in has ended: sign in again.',
  PROVIDER_ERROR: 'The provider refused the message.',
  INVALID_REQUEST: 'The request is not valid.',
  CONFLICT: 'This conflicts with what is stored (for example a phone number another contact has).',
  NOT_FOUND: 'Not found.',
  UNAVAILABLE: 'Not available here.',
};

/** An API error as a sentence, with the service's own detail after it. */
export function explain(error) {
  if (!error) return 'The request failed.';
  const words = refusals[error.code] || 'The request was refused.';
  return `${words} (${error.code}: ${error.message})`;
}
