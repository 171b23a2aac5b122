// The API client: the token lives in this module's memory only (never in localStorage), and a 401 sends
// the user back to sign-in.
import { auth } from './auth.js';

let onUnauthorized = () => {};
export function whenUnauthorized(f) { onUnauthorized = f; }

export async function api(path, { method = 'GET', body, raw = false } = {}) {
  const headers = {};
  const token = await auth.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 401) {
    onUnauthorized();
    return { status: 401, error: { code: 'UNAUTHENTICATED', message: 'sign in again' } };
  }
  if (raw) return { status: res.status, response: res };
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok) return { status: res.status, error: data && data.error ? data.error : { code: String(res.status), message: text } };
  return { status: res.status, data };
}
