// Sign-in. `local`: a role picker, development tokens from POST /dev/token. AWS: Cognito's hosted UI,
// authorization code with PKCE; the tokens stay in memory and are refreshed before they expire.
// Only the PKCE verifier and state cross the redirect (sessionStorage): they are not tokens.

const state = { token: null, role: null, user: null, expiresAt: 0, refreshToken: null, config: null };

function b64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function claims(jwt) {
  try { return JSON.parse(atob(jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))); } catch { return {}; }
}

const roles = ['Viewer', 'Operator', 'Admin'];

export const auth = {
  configure(config) { state.config = config; },
  get role() { return state.role; },
  get user() { return state.user; },
  signedIn() { return !!state.token; },
  /** Viewer < Operator < Admin. */
  atLeast(role) { return roles.indexOf(state.role) >= roles.indexOf(role); },

  async token() {
    if (state.token && state.refreshToken && Date.now() > state.expiresAt - 60_000) await this.refresh();
    return state.token;
  },

  set(token, refreshToken, expiresIn) {
    const c = claims(token);
    const groups = c['cognito:groups'] || [];
    state.token = token;
    state.role = roles.filter((r) => groups.includes(r)).pop() || null;
    state.user = c.email || c['cognito:username'] || c.sub;
    state.expiresAt = c.exp ? c.exp * 1000 : Date.now() + (expiresIn || 3600) * 1000;
    if (refreshToken) state.refreshToken = refreshToken;
  },

  signOut() { state.token = null; state.role = null; state.user = null; state.refreshToken = null; },

  async development(role) {
    const res = await fetch('/dev/token', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ role }) });
    if (!res.ok) throw new Error(`development sign-in refused (${res.status})`);
    const body = await res.json();
    this.set(body.token);
  },

  /** Off to Cognito's hosted UI. */
  async cognito(returnTo) {
    const c = state.config.signIn;
    const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
    const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
    const nonce = b64url(crypto.getRandomValues(new Uint8Array(16)));
    sessionStorage.setItem('wecare.pkce', JSON.stringify({ verifier, nonce, returnTo }));
    const q = new URLSearchParams({ response_type: 'code', client_id: c.clientId, redirect_uri: `${location.origin}/callback`,
      scope: 'openid email profile', code_challenge: challenge, code_challenge_method: 'S256', state: nonce });
    location.assign(`https://${c.domain}/oauth2/authorize?${q}`);
  },

  /** /callback?code=…&state=…: the code and the verifier for tokens. Returns where to go next. */
  async callback(params) {
    const saved = JSON.parse(sessionStorage.getItem('wecare.pkce') || '{}');
    sessionStorage.removeItem('wecare.pkce');
    if (!params.get('code') || params.get('state') !== saved.nonce) throw new Error('the sign-in answer does not match this browser\'s request');
    const c = state.config.signIn;
    await this.exchange({ grant_type: 'authorization_code', client_id: c.clientId, code: params.get('code'),
      redirect_uri: `${location.origin}/callback`, code_verifier: saved.verifier });
    return saved.returnTo || '/dm';
  },

  async refresh() {
    const c = state.config && state.config.signIn;
    if (!c || c.mode !== 'cognito' || !state.refreshToken) return;
    try { await this.exchange({ grant_type: 'refresh_token', client_id: c.clientId, refresh_token: state.refreshToken }); }
    catch { this.signOut(); }
  },

  async exchange(form) {
    const res = await fetch(`https://${state.config.signIn.domain}/oauth2/token`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
    if (!res.ok) throw new Error(`Cognito refused the sign-in (${res.status})`);
    const t = await res.json();
    this.set(t.id_token, t.refresh_token, t.expires_in);
  },
};
