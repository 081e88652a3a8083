// The operator's page: plain DOM and fetch, no framework. Every string from the API reaches the
// page through text nodes (el() below), never through innerHTML, so data cannot become markup.
// Authentication is the browser's: /admin answers 401 + WWW-Authenticate: Basic, the browser asks
// for the token once and sends it with every same-origin fetch.

const STATUSES = ['delivered', 'failed', 'in_doubt', 'in_flight', 'pending'];
const STATUS_LABELS = {
  delivered: 'delivered', failed: 'failed', in_doubt: 'in doubt', in_flight: 'in flight', pending: 'pending',
};
const REPLAYABLE = new Set(['delivered', 'failed', 'in_doubt']);
const SETTLING = new Set(['pending', 'in_flight']);
const PAGE_SIZE = 50;
const SVG_NS = 'http://www.w3.org/2000/svg';

// applied: the filters of the table as last loaded, which a bulk action acts on (not unapplied edits).
const state = {
  cursor: null, selected: null, followTimer: null, applied: new URLSearchParams(), eventCursor: null,
};

// ---- DOM helpers -------------------------------------------------------------------------

/** Creates an element; attrs are set with setAttribute (or as listeners for on*), children appended as text or nodes. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

function setAttrs(node, attrs) {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
}

function append(node, children) {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

const $ = (id) => document.getElementById(id);

function statusBadge(status) {
  return el('span', { class: `badge status-${status}`, 'data-testid': 'status' }, STATUS_LABELS[status] ?? status);
}

/** An ISO instant as "2026-11-01 10:03:12" (UTC) inside a <time>. */
function time(iso) {
  if (!iso) return el('span', { class: 'muted' }, '—');
  return el('time', { datetime: iso, title: iso }, iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ''));
}

function orDash(value) {
  return value === null || value === undefined || value === '' ? el('span', { class: 'muted' }, '—') : String(value);
}

// ---- API ---------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, code, detail) {
    super(detail);
    this.status = status;
    this.code = code;
  }
}

async function api(path, options = {}) {
  let response;
  try {
    // X-Candybridge-Request: the server refuses a state-changing request made with the browser's
    // login that does not come from this page; a browser without Origin/Sec-Fetch-Site needs this mark.
    // Resolved against location.origin: a page opened as http://user:token@host/admin has the
    // credentials in its own URL, and fetch refuses a relative URL that inherits them.
    response = await fetch(new URL(path, window.location.origin), {
      credentials: 'same-origin', ...options,
      headers: { Accept: 'application/json', 'X-Candybridge-Request': '1', ...(options.headers ?? {}) },
    });
  } catch (e) {
    throw new ApiError(0, 'unreachable', `Candybridge did not answer (${e.message}).`);
  }
  if (response.status === 401) {
    throw new ApiError(401, 'unauthorized',
      'Not signed in: reload the page and enter the admin token (CANDYBRIDGE_ADMIN_TOKEN) as the password; any user name works.');
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(response.status, body?.error ?? 'http_' + response.status,
      body?.detail ?? `${options.method ?? 'GET'} ${path} answered HTTP ${response.status}.`);
  }
  return body;
}

function notify(message, kind = 'info') {
  const box = $('notice');
  box.replaceChildren(el('span', {}, message),
    el('button', { type: 'button', class: 'link', 'aria-label': 'Dismiss message', onclick: () => { box.hidden = true; } }, '×'));
  box.className = `notice notice-${kind}`;
  box.hidden = false;
}

function report(error) {
  notify(error instanceof ApiError ? error.message : `Unexpected error: ${error}`, 'error');
  if (!(error instanceof ApiError)) console.error(error);
}

// ---- filters and the table ---------------------------------------------------------------

function filterParams() {
  const form = new FormData($('filters'));
  const params = new URLSearchParams();
  for (const name of ['status', 'type', 'workflow', 'q', 'from']) {
    const v = String(form.get(name) ?? '').trim();
    if (v) params.set(name, v);
  }
  // The API's "to" is exclusive (created before that instant); the form's date is inclusive.
  const to = String(form.get('to') ?? '').trim();
  if (to) params.set('to', nextDay(to));
  return params;
}

function nextDay(isoDate) {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Mirrors the form into the address bar, so a filtered view can be reloaded or shared. */
function saveFiltersToUrl() {
  const form = new FormData($('filters'));
  const params = new URLSearchParams();
  for (const [k, v] of form.entries()) if (String(v).trim()) params.set(k, String(v).trim());
  const query = params.toString();
  history.replaceState(null, '', `${location.pathname}${query ? '?' + query : ''}${location.hash}`);
}

function loadFiltersFromUrl() {
  const params = new URLSearchParams(location.search);
  const form = $('filters');
  const refused = [];
  for (const [k, v] of params.entries()) {
    const field = form.elements.namedItem(k);
    if (!field) continue;
    field.value = v;
    // A select or date input silently drops a value it does not know: say so rather than filter on nothing.
    if (field.value !== v) {
      field.value = '';
      refused.push(`${k}=${v}`);
    }
  }
  if (refused.length > 0) {
    const known = [...form.elements.namedItem('status').options].map((o) => o.value).filter(Boolean).join(' | ');
    notify(`Ignored filter ${refused.join(', ')} from the address: not a value this page knows `
      + `(status: ${known}; dates: YYYY-MM-DD). Showing deliveries without it.`, 'error');
  }
}

async function loadDeliveries({ append: more = false } = {}) {
  const params = filterParams();
  if (!more) {
    state.applied = new URLSearchParams(params);
    $('bulk-resolve').hidden = true;
    $('bulk-replay').hidden = true;
  }
  params.set('limit', String(PAGE_SIZE));
  if (more && state.cursor) params.set('cursor', state.cursor);
  const table = $('rows');
  table.closest('table').setAttribute('aria-busy', 'true');
  try {
    const page = await api(`/api/deliveries?${params}`);
    const rows = page.items.map(row);
    if (more) table.append(...rows);
    else table.replaceChildren(...rows);
    state.cursor = page.next_cursor;
    $('load-more').hidden = !page.next_cursor;
    $('empty').hidden = table.children.length > 0;
    // Bulk resolve is offered while the table lists in-doubt deliveries only, and some of them.
    $('bulk-resolve').hidden = state.applied.get('status') !== 'in_doubt' || table.children.length === 0;
    $('bulk-replay').hidden = !replayableFilter(state.applied) || table.children.length === 0;
    markSelectedRow();
  } catch (e) {
    report(e);
  } finally {
    table.closest('table').removeAttribute('aria-busy');
  }
}

function row(d) {
  const open = () => showDelivery(d.id);
  return el('tr', { 'data-testid': 'delivery-row', 'data-id': d.id, 'data-status': d.status, onclick: open },
    el('td', {}, el('button', { type: 'button', class: 'link', 'aria-label': `Open delivery ${d.id}`,
      onclick: (e) => { e.stopPropagation(); open(); } }, `#${d.id}`)),
    el('td', { class: 'nowrap' }, time(d.created_at)),
    el('td', { 'data-testid': 'email' }, orDash(d.email)),
    el('td', { class: 'num nowrap', 'data-testid': 'amount' }, d.amount ? `${d.amount} ${(d.currency ?? '').toUpperCase()}` : orDash(null)),
    el('td', {}, statusBadge(d.status)),
    el('td', {}, orDash(d.workflow)),
    el('td', { class: 'mono' }, d.dedupe_key),
    el('td', { class: 'num' }, String(d.attempts)),
    el('td', { class: 'error-cell', title: d.last_error ?? '' }, orDash(d.last_error)));
}

function markSelectedRow() {
  for (const tr of $('rows').children) {
    const selected = state.selected !== null && tr.dataset.id === String(state.selected);
    tr.classList.toggle('selected', selected);
    if (selected) tr.setAttribute('aria-current', 'true');
    else tr.removeAttribute('aria-current');
  }
}

// ---- the detail view ---------------------------------------------------------------------

async function showDelivery(id, { focus = true } = {}) {
  stopFollowing();
  state.selected = id;
  markSelectedRow();
  history.replaceState(null, '', `${location.pathname}${location.search}#delivery-${id}`);
  const section = $('detail');
  const body = $('detail-body');
  section.hidden = false;
  $('detail-title').textContent = `Delivery #${id}`;
  body.setAttribute('aria-busy', 'true');
  try {
    const d = await api(`/api/deliveries/${encodeURIComponent(id)}`);
    if (state.selected !== id) return;
    body.replaceChildren(...detail(d));
    if (focus) {
      $('detail-title').focus({ preventScroll: true });
      section.scrollIntoView({ behavior: 'smooth', block: 'start' });
    }
    loadEvent(d.event_id);
    if (SETTLING.has(d.status)) followUntilSettled(id);
  } catch (e) {
    body.replaceChildren(el('p', { class: 'error' }, e instanceof ApiError ? e.message : String(e)));
    if (!(e instanceof ApiError)) console.error(e);
  } finally {
    body.removeAttribute('aria-busy');
  }
}

function closeDetail() {
  stopFollowing();
  state.selected = null;
  $('detail').hidden = true;
  markSelectedRow();
  history.replaceState(null, '', `${location.pathname}${location.search}`);
}

function detail(d) {
  return [
    el('div', { class: 'summary' },
      el('p', { class: 'detail-status' }, statusBadge(d.status),
        SETTLING.has(d.status) ? el('span', { class: 'muted small', 'data-testid': 'following' }, ' refreshing until it settles…') : null),
      el('dl', { class: 'facts' },
        fact('Workflow', orDash(d.workflow)),
        fact('Method', el('code', {}, d.method)),
        fact('Dedupe key', el('code', {}, d.dedupe_key)),
        fact('Stripe event', el('code', {}, d.event_id)),
        fact('Attempts', String(d.attempts)),
        fact('Next attempt', time(d.next_attempt_at)),
        fact('Created', time(d.created_at)),
        fact('Updated', time(d.updated_at)),
        d.needs_lookup ? fact('Enrichment', 'waits for a Stripe lookup') : null,
        d.last_error ? fact('Last error', el('span', { class: 'error' }, d.last_error), { wide: true }) : null)),
    actions(d),
    el('h3', {}, 'Attempts'),
    timeline(d.attempt_history ?? []),
    el('h3', {}, 'Planned parameters'),
    paramsTable(d.params ?? {}),
    el('h3', {}, 'Stripe event'),
    el('div', { id: 'event', 'data-testid': 'event' }, el('p', { class: 'muted' }, 'Loading the event…')),
  ];
}

function fact(label, value, { wide = false } = {}) {
  return el('div', { class: wide ? 'wide' : null }, el('dt', {}, label), el('dd', {}, value));
}

function actions(d) {
  const buttons = [];
  if (REPLAYABLE.has(d.status)) {
    buttons.push(el('button', { type: 'button', 'data-testid': 'replay', onclick: () => replay(d) }, 'Replay'));
  }
  if (d.status === 'in_doubt') {
    buttons.push(
      el('button', { type: 'button', class: 'secondary', 'data-testid': 'resolve-sent', onclick: () => resolve(d, 'sent') },
        'Resolve: it was sent'),
      el('button', { type: 'button', class: 'secondary', 'data-testid': 'resolve-resend', onclick: () => resolve(d, 'resend') },
        'Resolve: send again'));
  }
  if (buttons.length === 0) return el('p', { class: 'muted small' }, 'No actions while the delivery is ' + (STATUS_LABELS[d.status] ?? d.status) + '.');
  return el('div', { class: 'actions', role: 'group', 'aria-label': 'Actions' }, buttons);
}

function timeline(attempts) {
  if (attempts.length === 0) return el('p', { class: 'muted', 'data-testid': 'no-attempts' }, 'Not attempted yet.');
  return el('ol', { class: 'timeline', 'data-testid': 'attempts' }, attempts.map((a) =>
    el('li', { class: `attempt verdict-${a.verdict}`, 'data-testid': 'attempt' },
      el('div', { class: 'attempt-head' },
        el('strong', {}, `#${a.number}`), ' ', time(a.started_at),
        el('span', { class: `trigger trigger-${a.trigger}` }, a.trigger),
        el('span', { class: 'verdict', title: 'outcome class: ' + (a.outcome_class ?? '') }, a.verdict.replace('_', ' ')),
        a.outcome_class ? el('span', { class: 'muted', 'data-testid': 'outcome-class' }, a.outcome_class.replaceAll('_', ' ')) : null,
        el('span', { class: 'muted' }, a.http_status === null ? 'no HTTP status' : `HTTP ${a.http_status}`),
        el('span', { class: 'muted' }, `${a.duration_ms} ms`)),
      a.error ? el('p', { class: 'error' }, a.error) : null,
      a.response_excerpt ? el('pre', { class: 'excerpt', 'aria-label': 'Response excerpt' }, a.response_excerpt) : null)));
}

function paramsTable(params) {
  const entries = Object.entries(params);
  if (entries.length === 0) return el('p', { class: 'muted' }, 'None.');
  return el('table', { class: 'params', 'data-testid': 'params' },
    el('tbody', {}, entries.map(([k, v]) => el('tr', {}, el('th', { scope: 'row' }, k), el('td', { class: 'mono' }, v)))));
}

async function loadEvent(eventId) {
  let box = $('event');
  try {
    const e = await api(`/api/events/${encodeURIComponent(eventId)}`);
    box = $('event');
    if (!box) return;
    box.replaceChildren(
      el('dl', { class: 'facts' },
        fact('Type', el('code', {}, e.type)),
        fact('Object', el('code', {}, e.object_id)),
        fact('Created at Stripe', time(new Date(e.created * 1000).toISOString())),
        fact('Received', time(e.received_at)),
        e.summary ? fact('Summary', e.summary, { wide: true }) : null),
      el('details', {},
        el('summary', {}, 'Workflow decisions'),
        el('pre', { class: 'json' }, JSON.stringify(e.decisions, null, 2))),
      el('details', { open: true },
        el('summary', {}, 'Payload'),
        e.payload === null
          ? el('p', { class: 'muted' }, 'The payload is no longer kept.')
          : el('pre', { class: 'json', 'data-testid': 'event-json' }, JSON.stringify(e.payload, null, 2))));
  } catch (err) {
    if (box) box.replaceChildren(el('p', { class: 'error' }, err instanceof ApiError ? err.message : String(err)));
  }
}

// ---- actions -----------------------------------------------------------------------------

async function replay(d) {
  const warning = d.status === 'delivered'
    ? `Delivery #${d.id} was already delivered. Replaying sends it to ReferralCandy AGAIN. Continue?`
    : `Send delivery #${d.id} (${d.dedupe_key}) to ReferralCandy again now?`;
  if (!confirm(warning)) return;
  await act(d.id, `/api/deliveries/${encodeURIComponent(d.id)}/replay`, `Delivery #${d.id} queued for replay.`);
}

async function resolve(d, as) {
  const question = as === 'sent'
    ? `Mark delivery #${d.id} as delivered without sending anything? Only do this if you checked ReferralCandy has the purchase.`
    : `Send delivery #${d.id} to ReferralCandy again? Only do this if you checked ReferralCandy does NOT have the purchase.`;
  if (!confirm(question)) return;
  await act(d.id, `/api/deliveries/${encodeURIComponent(d.id)}/resolve?as=${as}`,
    as === 'sent' ? `Delivery #${d.id} marked as delivered.` : `Delivery #${d.id} queued to be sent again.`);
}

async function act(id, path, message) {
  for (const b of document.querySelectorAll('#detail .actions button')) b.disabled = true;
  try {
    await api(path, { method: 'POST' });
    notify(message, 'ok');
  } catch (e) {
    report(e);
  }
  await refreshAll({ focus: false });
}

/**
 * Every in-doubt delivery the table's filters match, as sent or resent: asks the API how many
 * first (dry_run), shows that count in the confirmation, then acts. The server settles each one
 * only while it is still in doubt, so the count it answers may be lower than the one shown.
 */
async function resolveAll(as) {
  const buttons = document.querySelectorAll('#bulk-resolve button');
  for (const b of buttons) b.disabled = true;
  try {
    const params = new URLSearchParams(state.applied);
    params.set('status', 'in_doubt');
    params.set('as', as);
    params.set('dry_run', 'true');
    const count = (await api(`/api/deliveries/resolve?${params}`, { method: 'POST' })).would_resolve;
    if (count === 0) {
      notify('No in-doubt deliveries match these filters any more.', 'info');
      return;
    }
    const many = count === 1 ? '1 in-doubt delivery' : `${count} in-doubt deliveries`;
    const question = as === 'sent'
      ? `${many} match these filters. Mark all ${count} as delivered without sending anything? Only do this if ReferralCandy's dashboard shows these purchases.`
      : `${many} match these filters. Send all ${count} to ReferralCandy again? Only do this if ReferralCandy's dashboard does NOT show these purchases.`;
    if (!confirm(question)) return;
    params.delete('dry_run');
    const done = (await api(`/api/deliveries/resolve?${params}`, { method: 'POST' })).resolved;
    notify(as === 'sent' ? `${done} in-doubt deliveries marked as delivered.` : `${done} in-doubt deliveries queued to be sent again.`, 'ok');
    await refreshAll({ focus: false });
  } catch (e) {
    report(e);
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

/** While the open delivery is pending or in flight, re-reads it every second (up to two minutes). */
function followUntilSettled(id, deadline = Date.now() + 120_000) {
  state.followTimer = setTimeout(async () => {
    state.followTimer = null;
    if (state.selected !== id) return;
    try {
      const d = await api(`/api/deliveries/${encodeURIComponent(id)}`);
      if (state.selected !== id) return;
      if (SETTLING.has(d.status) && Date.now() < deadline) {
        followUntilSettled(id, deadline);
      } else {
        if (!SETTLING.has(d.status)) {
          notify(`Delivery #${id} is now ${STATUS_LABELS[d.status] ?? d.status}.`, d.status === 'delivered' ? 'ok' : 'error');
        }
        await refreshAll({ focus: false });
      }
    } catch (e) {
      report(e);
    }
  }, 1000);
}

function stopFollowing() {
  if (state.followTimer !== null) clearTimeout(state.followTimer);
  state.followTimer = null;
}

async function refreshAll({ focus = false } = {}) {
  await Promise.all([
    loadDeliveries(),
    loadChart(),
    loadStatus(),
    state.selected !== null ? showDelivery(state.selected, { focus }) : null,
  ]);
}

// ---- the hourly chart ---------------------------------------------------------------------

const HOUR_MS = 3_600_000;

async function loadChart() {
  const box = $('chart');
  try {
    const stats = await api('/api/stats/hourly?hours=24');
    box.replaceChildren(chart(stats));
  } catch (e) {
    box.replaceChildren(el('p', { class: 'error' }, e instanceof ApiError ? e.message : String(e)));
  }
}

function chart(stats) {
  const lastHour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
  const hours = Array.from({ length: stats.hours }, (_, i) => lastHour - (stats.hours - 1 - i) * HOUR_MS);
  const byHour = new Map(hours.map((h) => [h, Object.fromEntries(STATUSES.map((s) => [s, 0]))]));
  const totals = Object.fromEntries(STATUSES.map((s) => [s, 0]));
  for (const c of stats.counts) {
    const h = Math.floor(Date.parse(c.hour) / HOUR_MS) * HOUR_MS;
    if (!byHour.has(h)) byHour.set(h, Object.fromEntries(STATUSES.map((s) => [s, 0])));
    byHour.get(h)[c.status] = (byHour.get(h)[c.status] ?? 0) + c.count;
    totals[c.status] = (totals[c.status] ?? 0) + c.count;
  }
  const slots = [...byHour.keys()].sort((a, b) => a - b).slice(-stats.hours);
  const max = Math.max(1, ...slots.map((h) => STATUSES.reduce((n, s) => n + byHour.get(h)[s], 0)));

  const W = 1000, H = 170, left = 34, bottom = 22, top = 8;
  const plotH = H - bottom - top;
  const step = (W - left) / slots.length;
  const barW = Math.max(2, step * 0.72);
  const y = (n) => top + plotH - (n / max) * plotH;

  const summary = STATUSES.filter((s) => totals[s] > 0).map((s) => `${totals[s]} ${STATUS_LABELS[s]}`).join(', ') || 'no deliveries';
  const graphic = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'chart-svg-title chart-svg-desc', class: 'chart-svg' },
    svg('title', { id: 'chart-svg-title' }, `Deliveries per hour over the last ${stats.hours} hours`),
    svg('desc', { id: 'chart-svg-desc' }, `In total: ${summary}.`),
    svg('line', { x1: left, x2: W, y1: y(0), y2: y(0), class: 'axis' }),
    svg('line', { x1: left, x2: W, y1: y(max), y2: y(max), class: 'grid' }),
    svg('text', { x: left - 6, y: y(max) + 4, class: 'tick', 'text-anchor': 'end' }, String(max)),
    svg('text', { x: left - 6, y: y(0) + 4, class: 'tick', 'text-anchor': 'end' }, '0'),
    slots.map((h, i) => {
      const x = left + i * step + (step - barW) / 2;
      let base = 0;
      const counts = byHour.get(h);
      const label = new Date(h).toISOString().slice(11, 16);
      const tooltip = `${new Date(h).toISOString().slice(0, 16).replace('T', ' ')} UTC: `
        + (STATUSES.filter((s) => counts[s]).map((s) => `${counts[s]} ${STATUS_LABELS[s]}`).join(', ') || 'none');
      return svg('g', { 'data-testid': 'chart-hour' },
        svg('title', {}, tooltip),
        svg('rect', { x: left + i * step, y: top, width: step, height: plotH, class: 'hover-target' }),
        STATUSES.map((s) => {
          const n = counts[s];
          if (!n) return null;
          const r = svg('rect', { x, y: y(base + n), width: barW, height: y(base) - y(base + n), class: `bar status-${s}` });
          base += n;
          return r;
        }),
        i % 3 === 0 || i === slots.length - 1
          ? svg('text', { x: x + barW / 2, y: H - 6, class: 'tick', 'text-anchor': 'middle' }, label)
          : null);
    }));
  const legend = el('ul', { class: 'legend' }, STATUSES.map((s) =>
    el('li', {}, el('span', { class: `swatch status-${s}`, 'aria-hidden': 'true' }), `${STATUS_LABELS[s]} (${totals[s]})`)));
  return el('div', {}, graphic, legend);
}

// ---- bulk replay -------------------------------------------------------------------------

/** True when the applied filters name statuses and every one of them can be replayed. */
function replayableFilter(params) {
  const statuses = (params.get('status') ?? '').split(',').filter(Boolean);
  return statuses.length > 0 && statuses.every((s) => REPLAYABLE.has(s));
}

/** Every delivery the table's filters match, sent again: counts first (dry_run), confirms with the count, then acts. */
async function replayAll() {
  const button = $('bulk-replay-go');
  button.disabled = true;
  try {
    const params = new URLSearchParams(state.applied);
    params.set('dry_run', 'true');
    const count = (await api(`/api/deliveries/replay?${params}`, { method: 'POST' })).would_replay;
    if (count === 0) {
      notify('No deliveries match these filters any more.', 'info');
      return;
    }
    const many = count === 1 ? '1 delivery matches' : `${count} deliveries match`;
    const again = params.get('status').split(',').includes('delivered')
      ? ' Some were already delivered: ReferralCandy gets them AGAIN (a second reward).' : '';
    if (!confirm(`${many} these filters. Send all ${count} to ReferralCandy again?${again}`)) return;
    params.delete('dry_run');
    const done = (await api(`/api/deliveries/replay?${params}`, { method: 'POST' })).replayed;
    notify(`${done} ${done === 1 ? 'delivery' : 'deliveries'} queued for replay.`, 'ok');
    await refreshAll({ focus: false });
  } catch (e) {
    report(e);
  } finally {
    button.disabled = false;
  }
}

// ---- status panel ------------------------------------------------------------------------

const STATUS_REFRESH_MS = 15_000;

async function loadStatus() {
  const box = $('status');
  try {
    box.replaceChildren(...statusCards(await api('/api/status')));
  } catch (e) {
    box.replaceChildren(el('p', { class: 'error' }, e instanceof ApiError ? e.message : String(e)));
  }
}

/** "3 min ago" for a number of seconds. */
function ago(seconds) {
  if (seconds === null || seconds === undefined) return '';
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} days`;
}

function statusCard(testid, title, level, ...lines) {
  return el('div', { class: `status-card level-${level}`, 'data-testid': testid, 'data-level': level },
    el('h3', {}, title), lines.map((l) => el('p', {}, l)));
}

function statusCards(s) {
  const last = s.last_event;
  const rc = s.referralcandy;
  const q = s.queue;
  return [
    last.received_at
      ? statusCard('status-last-webhook', 'Last webhook', 'ok', el('code', {}, last.type), el('br'),
        time(last.received_at), ` (${ago(last.age_seconds)} ago)`)
      : statusCard('status-last-webhook', 'Last webhook', 'warn', 'None received yet: check the webhook endpoint in Stripe.'),
    statusCard('status-referralcandy', 'ReferralCandy', rc.breaker === 'closed' ? 'ok' : 'error',
      { yes: 'reachable', probing: 'probing after failures', no: 'not reachable: calls paused' }[rc.reachable] ?? rc.reachable,
      ` (breaker ${rc.breaker.replace('_', ' ')})`,
      rc.opened_at ? el('span', {}, el('br'), 'opened ', time(rc.opened_at)) : null,
      rc.next_probe_at ? el('span', {}, el('br'), 'next probe ', time(rc.next_probe_at)) : null),
    statusCard('status-queue', 'Queue', q.oldest_due_seconds > 900 ? 'warn' : 'ok',
      `${q.due_now} due now, ${q.pending} pending, ${q.in_flight} in flight`,
      q.oldest_due_seconds === null ? 'nothing overdue' : `oldest due for ${ago(q.oldest_due_seconds)}`),
    statusCard('status-in-doubt', 'In doubt', q.in_doubt > 0 ? 'warn' : 'ok',
      q.in_doubt === 0 ? 'none' : `${q.in_doubt}: check ReferralCandy, then resolve them below`),
    statusCard('status-stripe-mode', 'Stripe mode', s.stripe_mode === 'live' ? 'ok' : 'warn',
      { live: 'live: test-mode events are not sent', test: 'test: live events are not sent', any: 'any: live and test events are sent' }[s.stripe_mode] ?? s.stripe_mode),
  ];
}

function startStatus() {
  loadStatus();
  setInterval(loadStatus, STATUS_REFRESH_MS);
}

// ---- events view -------------------------------------------------------------------------

async function loadEvents({ append: more = false } = {}) {
  const form = new FormData($('event-filters'));
  const params = new URLSearchParams();
  for (const name of ['type', 'q']) {
    const v = String(form.get(name) ?? '').trim();
    if (v) params.set(name, v);
  }
  params.set('limit', String(PAGE_SIZE));
  if (more && state.eventCursor) params.set('cursor', state.eventCursor);
  const table = $('event-rows');
  try {
    const page = await api(`/api/events?${params}`);
    const rows = page.items.map(eventRow);
    if (more) table.append(...rows);
    else table.replaceChildren(...rows);
    state.eventCursor = page.next_cursor;
    $('events-more').hidden = !page.next_cursor;
    $('events-empty').hidden = table.children.length > 0;
  } catch (e) {
    report(e);
  }
}

function eventRow(e) {
  return el('tr', { 'data-testid': 'event-row', 'data-id': e.id },
    el('td', { class: 'nowrap' }, time(e.received_at)),
    el('td', {}, el('code', {}, e.type)),
    el('td', { class: 'mono' }, e.id, el('br'), el('span', { class: 'muted' }, e.object_id)),
    el('td', {}, decisionList(e.decisions ?? [])),
    el('td', {}, el('button', { type: 'button', class: 'secondary', 'data-testid': 'event-dry-run',
      'aria-label': `Dry run event ${e.id}`, onclick: () => dryRunStored(e.id) }, 'Dry run')));
}

function decisionList(decisions) {
  if (decisions.length === 0) {
    return el('span', { class: 'muted', 'data-testid': 'decision' }, 'no workflow for this event type (or its history was dropped)');
  }
  return el('ul', { class: 'decisions' }, decisions.map((d) =>
    el('li', { 'data-testid': 'decision', 'data-matched': String(d.matched) },
      el('span', { class: `badge ${d.matched ? 'status-delivered' : 'status-skipped'}` }, d.matched ? 'planned' : 'not sent'),
      ' ', el('strong', {}, d.workflow), ': ', d.reason)));
}

function startEvents() {
  const form = $('event-filters');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    loadEvents();
  });
  form.addEventListener('reset', () => setTimeout(() => form.requestSubmit(), 0));
  $('events-more').addEventListener('click', () => loadEvents({ append: true }));
  loadEvents();
}

// ---- dry run -----------------------------------------------------------------------------

async function dryRunStored(eventId) {
  try {
    const e = await api(`/api/events/${encodeURIComponent(eventId)}`);
    if (e.payload === null) {
      notify(`Event ${eventId}'s payload is no longer kept: paste the event from Stripe's dashboard instead.`, 'error');
      return;
    }
    $('dry-run-input').value = JSON.stringify(e.payload, null, 2);
    $('dry-run').scrollIntoView({ behavior: 'smooth', block: 'start' });
    await dryRun();
  } catch (err) {
    report(err);
  }
}

async function dryRun() {
  const box = $('dry-run-result');
  const text = $('dry-run-input').value.trim();
  if (!text) {
    box.replaceChildren(el('p', { class: 'error', 'data-testid': 'dry-run-error' }, 'Paste a Stripe event (JSON) first.'));
    return;
  }
  box.setAttribute('aria-busy', 'true');
  try {
    const r = await api('/api/dry-run', { method: 'POST', body: text, headers: { 'Content-Type': 'application/json' } });
    box.replaceChildren(
      el('p', {}, 'Event ', el('code', {}, r.event), ' (', el('code', {}, r.type), '): nothing stored, nothing sent.'),
      r.workflows.length === 0
        ? el('p', { class: 'muted', 'data-testid': 'dry-run-workflow' }, 'No workflow handles this event type.')
        : el('ul', { class: 'decisions' }, r.workflows.map((w) => el('li', { 'data-testid': 'dry-run-workflow', 'data-matched': String(w.matched) },
          el('span', { class: `badge ${w.matched && !w.blocked ? 'status-delivered' : 'status-skipped'}` },
            w.blocked ? 'blocked' : w.matched ? 'would send' : 'would not send'),
          ' ', el('strong', {}, w.workflow), ': ', w.reason,
          w.blocked ? el('span', { class: 'error' }, ` (${w.blocked})`) : null,
          w.params ? paramsTable(w.params) : null))));
  } catch (e) {
    box.replaceChildren(el('p', { class: 'error', 'data-testid': 'dry-run-error' },
      e instanceof ApiError ? e.message : String(e)));
  } finally {
    box.removeAttribute('aria-busy');
  }
}

function startDryRun() {
  $('dry-run-form').addEventListener('submit', (e) => {
    e.preventDefault();
    dryRun();
  });
}

// ---- start -------------------------------------------------------------------------------

function start() {
  loadFiltersFromUrl();
  const form = $('filters');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    saveFiltersToUrl();
    loadDeliveries();
  });
  form.elements.namedItem('status').addEventListener('change', () => form.requestSubmit());
  form.addEventListener('reset', () => setTimeout(() => form.requestSubmit(), 0));
  $('load-more').addEventListener('click', () => loadDeliveries({ append: true }));
  $('close-detail').addEventListener('click', closeDetail);
  $('bulk-resolve-sent').addEventListener('click', () => resolveAll('sent'));
  $('bulk-resolve-resend').addEventListener('click', () => resolveAll('resend'));
  $('bulk-replay-go').addEventListener('click', replayAll);
  startEvents();
  startDryRun();
  startStatus();

  loadDeliveries();
  loadChart();
  const opened = /^#delivery-(\d+)$/.exec(location.hash);
  if (opened) showDelivery(Number(opened[1]));
}

start();
