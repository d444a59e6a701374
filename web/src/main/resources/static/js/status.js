// Publication status: web's /api/publication-status (topic counts, dead letters, the manifest's transactionTime,
// ingest-service's /admin/feeds), refreshed every 10 s.
'use strict';

(() => {
  const S = Slotstream;
  const $ = id => document.getElementById(id);
  const num = n => Number(n || 0).toLocaleString('en-US');

  function table(caption, head, rows, numeric = []) {
    return S.el('table', {}, S.el('caption', { class: 'skip' }, caption),
      S.el('thead', {}, S.el('tr', {}, head.map((h, i) => S.el('th', { scope: 'col', class: numeric.includes(i) ? 'num' : null }, h)))),
      S.el('tbody', {}, rows.map(r => S.el('tr', {}, r.map((c, i) => S.el('td', { class: numeric.includes(i) ? 'num' : null }, c))))));
  }

  const ago = iso => {
    if (!iso) return 'never';
    const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
    return `${iso} (${s < 120 ? s + ' s' : Math.round(s / 60) + ' min'} ago)`;
  };

  async function refresh() {
    const r = await fetch('api/publication-status');
    const st = await r.json();
    const p = st.publication || {};
    $('publication').replaceChildren(p.error ? S.el('p', { class: 'notice bad' }, p.error) : S.el('dl', { class: 'facts' },
      S.el('dt', {}, 'Manifest'), S.el('dd', {}, S.el('a', { href: 'api/publish/$bulk-publish' }, p.url)),
      S.el('dt', {}, 'Last transactionTime'), S.el('dd', { id: 'transaction-time' }, ago(p.transactionTime)),
      S.el('dt', {}, 'Files per type'), S.el('dd', {}, Object.entries(p.filesPerType || {}).map(([t, n]) => `${t} ${n}`).join(', ') || 'none')));
    const feeds = Array.isArray(st.feeds) ? st.feeds : [];
    $('feeds').replaceChildren(st.feeds && st.feeds.error ? S.el('p', { class: 'notice bad' }, st.feeds.error)
      : feeds.length ? table('Feeds', ['Source', 'Feed', 'Last poll', 'Last success', 'transactionTime', 'State', 'Resources', 'Rejects'],
        feeds.map(f => [f.source, f.url, ago(f.lastPoll), ago(f.lastSuccess), f.transactionTime || '–',
          S.el('span', { class: 'badge ' + (f.stale || f.withdrawn || f.lastError ? 'bad' : 'ok') },
            f.withdrawn ? 'withdrawn' : f.stale ? 'stale' : f.lastError ? 'failing' : 'fresh'),
          Object.entries(f.resources || {}).map(([t, n]) => `${t} ${num(n)}`).join(', '),
          num(f.rejects && f.rejects.total)]), [7])
      : S.el('p', {}, 'No feed subscriptions: sources send their changes to ingest-service directly.'));
    $('resources').replaceChildren(table('Resources per type', ['Type', 'Topic', 'Live resources'],
      st.topics.map(t => [t.resourceType, t.topic, num(t.live)]), [2]));
    const statuses = Object.entries(st.slotsByStatus || {});
    const total = statuses.reduce((a, [, n]) => a + n, 0);
    $('slots').replaceChildren(table('Slots per status', ['Status', 'Slots'],
      statuses.map(([s, n]) => [s, num(n)]).concat([['all published', num(total)]]), [1]));
    const dead = st.deadLetters;
    $('dead').replaceChildren(S.el('p', {}, `${num(dead.total)} on ${dead.topic} (14-day retention).`),
      dead.byReason.length ? table('Dead letters', ['Source', 'Rule or reason', 'Count', 'Last'],
        dead.byReason.map(g => [g.source, g.reason, num(g.count), g.lastAt]), [2]) : '');
    $('updated').textContent = `Updated ${new Date(st.generatedAt).toLocaleTimeString('en-US')}` + (st.caughtUp ? '.' : ' (still reading the topics: counts are growing).');
  }

  const loop = () => refresh().catch(e => { $('updated').textContent = 'Status not available: ' + e.message; }).finally(() => setTimeout(loop, 10000));
  loop();
})();
