// Pay, Link, Forms, Docs, Invoice: the source documents name these modules and specify nothing of them.
// The sidebar links to where each lives in this environment (`ui.links` in the environment's spec); a
// module with no link lands here.
import { h, notice } from '../ui.js';

export default function external(module, label, config) {
  return {
    title: label,
    show(main) {
      const link = config.links.find((l) => l.module === module);
      main.append(h('h2', {}, label));
      if (link && link.url) {
        main.append(h('p', {}, `${label} is an external site: `, h('a', { href: link.url, target: '_blank', rel: 'noopener noreferrer' }, link.url, ' ↗')));
      } else {
        main.append(notice(`${label} is not configured for the ${config.environment} environment: no link is set (ui.links.${module} in environments/${config.environment}.yaml).`));
      }
    },
  };
}
