// graphql-http's server audit against a running server: counts by level.
import { auditServer } from 'graphql-http';
const url = process.argv[2] || 'http://127.0.0.1:18181/graphql';
const results = await auditServer({ url });
const count = {};
for (const r of results) {
  const level = r.id ? r.name.split(' ')[0] : '?';
  count[level] ??= { ok: 0, all: 0 };
  count[level].all++;
  if (r.status === 'ok') count[level].ok++;
  else console.log(`${r.status}: ${r.name}${r.reason ? ' — ' + r.reason : ''}`);
}
console.log(Object.entries(count).map(([k, v]) => `${k} ${v.ok}/${v.all}`).join(', '));
