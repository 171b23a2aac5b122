// Live updates: server-sent events from `serve` (read with fetch, so the token goes in a header, not the
// URL); where the API runs on Lambda (no streaming) the open page polls instead.
import { auth } from './auth.js';

const listeners = new Set();
let mode = 'poll';
let running = false;

export function follow(listener) { listeners.add(listener); return () => listeners.delete(listener); }
function emit(event) { for (const l of [...listeners]) { try { l(event); } catch (e) { console.error(e); } } }

export function start(config) {
  mode = config.live;
  if (running) return;
  running = true;
  if (mode === 'events') stream(); else setInterval(() => { if (auth.signedIn()) emit({ kind: 'poll' }); }, 5000);
}

async function stream() {
  for (;;) {
    const token = await auth.token();
    if (!token) { await sleep(500); continue; }
    try {
      const res = await fetch('/api/events', { headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' } });
      if (res.status === 503) { mode = 'poll'; running = false; start({ live: 'poll' }); return; }
      if (!res.ok || !res.body) { await sleep(2000); continue; }
      document.documentElement.dataset.live = 'connected';
      emit({ kind: 'connected' });
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (data) { try { emit(JSON.parse(data)); } catch { /* a malformed event is skipped */ } }
        }
      }
    } catch { await sleep(1000); }
  }
}

function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }
