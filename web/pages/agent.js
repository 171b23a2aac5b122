// Agent: the AI suggestions queue (Req 15) once the API has it. Until then the page lists what the API
// has about AI, read from its own /openapi.json, and says plainly when that is nothing.
import { h, notice } from '../ui.js';

export default {
  title: 'Agent',
  async show(main, { api }) {
    main.append(h('h2', {}, 'Agent'));
    const res = await api('/openapi.json');
    const paths = Object.keys((res.data && res.data.paths) || {}).filter((p) => /\/ai(\/|$)|suggestion|agent/i.test(p));
    if (paths.length === 0) {
      main.append(notice('The API has no AI interactions yet: AI suggestions (requirement 15) are not built in this version. Nothing to review.'));
      return;
    }
    main.append(h('p', {}, 'The API offers these AI operations:'), h('ul', { class: 'list' }, paths.map((p) => h('li', {}, p))));
    for (const p of paths.filter((p) => !p.includes('{'))) {
      const r = await api(p);
      if (r.data) main.append(h('div', { class: 'card' }, h('h3', {}, p), h('pre', { class: 'scroll' }, JSON.stringify(r.data, null, 2))));
    }
  },
};
