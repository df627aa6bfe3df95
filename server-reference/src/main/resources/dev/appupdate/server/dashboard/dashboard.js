// The operator dashboard: reads /admin/v1/stats with the admin token and draws it.
// Every text that comes from the server (release names, halt reasons, errors) is set with
// textContent or as a Text node, never parsed as HTML.
'use strict';

(function () {
  const TOKEN_KEY = 'appupdate.admin.token';
  const SELECTION_KEY = 'appupdate.dashboard.selection';
  const REFRESH_MS = 10000;
  const REQUEST_TIMEOUT_MS = 15000;
  const HOUR_MS = 3600 * 1000;
  const WINDOW_MS = 7 * 24 * HOUR_MS;
  const SVG = 'http://www.w3.org/2000/svg';

  const $ = (id) => document.getElementById(id);
  const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
  const percent = new Intl.NumberFormat(undefined, {
    style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const rollout = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
  const localTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  const hourLabel = new Intl.DateTimeFormat(undefined, {
    weekday: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  const dayLabel = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric' });

  let stats = null;
  let loading = null;
  let timer = null;
  let pending = null;
  let refreshes = 0;
  let lastDrawn = null;
  let selection = sessionStorage.getItem(SELECTION_KEY);

  class Unauthorized extends Error {}
  class ApiError extends Error {
    constructor(status, detail) {
      super('HTTP ' + status + (detail ? ': ' + detail : ''));
    }
  }

  // --- small DOM helpers ---------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'text') e.textContent = v;
      else if (k === 'class') e.className = v;
      else e.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  }

  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function utc(date) {
    return date.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
  }

  // A <time> in the viewer's zone with the UTC instant on hover.
  function timeEl(iso) {
    if (!iso) return el('span', { class: 'muted', text: '—' });
    const d = new Date(iso);
    if (isNaN(d.getTime())) return el('span', { text: String(iso) });
    return el('time', { datetime: iso, title: utc(d), text: localTime.format(d) });
  }

  function releaseKey(product, r) {
    return JSON.stringify([product, r.update_type, r.version]);
  }

  function releaseName(product, r) {
    return product + ' ' + r.update_type + ' ' + r.version;
  }

  function setStatus(text, isError) {
    const s = $('status');
    s.textContent = text;
    s.classList.toggle('error', !!isError);
  }

  // --- talking to the admin API ---------------------------------------------------------------

  async function api(method, path) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (!token) throw new Unauthorized();
    // A request that never ends would hold every later refresh behind it.
    const abort = new AbortController();
    const timeout = setTimeout(() => abort.abort(), REQUEST_TIMEOUT_MS);
    try {
      return await send(method, path, token, abort.signal);
    } finally {
      clearTimeout(timeout);
    }
  }

  async function send(method, path, token, signal) {
    const res = await fetch(path, {
      method,
      headers: { 'Authorization': 'Bearer ' + token, 'Accept': 'application/json' },
      cache: 'no-store',
      credentials: 'omit',
      redirect: 'error',
      signal,
    });
    if (res.status === 401) throw new Unauthorized();
    if (!res.ok) {
      let detail = '';
      try {
        const problem = await res.json();
        detail = String(problem.detail || problem.title || '');
      } catch (e) {
        // not a problem document: the status says enough
      }
      throw new ApiError(res.status, detail);
    }
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  }

  function refresh() {
    if (!sessionStorage.getItem(TOKEN_KEY)) {
      showLogin('');
      return Promise.resolve();
    }
    if (loading) return loading;
    loading = (async () => {
      try {
        const since = new Date(Date.now() - WINDOW_MS).toISOString();
        stats = await api('GET', '/admin/v1/stats?since=' + encodeURIComponent(since));
        showDashboard();
        render();
        if ($('status').classList.contains('error')) setStatus('');
      } catch (e) {
        failed(e, 'Could not refresh');
      } finally {
        loading = null;
        refreshes++;
        document.body.dataset.refreshes = String(refreshes);
      }
    })();
    return loading;
  }

  function failed(e, what) {
    if (e instanceof Unauthorized) {
      sessionStorage.removeItem(TOKEN_KEY);
      showLogin('The server refused the token (401 Unauthorized). Enter the token from the'
          + ' server\'s --admin-token-file.');
    } else if (e instanceof ApiError) {
      setStatus(what + ' at ' + localTime.format(new Date()) + ': ' + e.message, true);
    } else {
      setStatus(what + ' at ' + localTime.format(new Date()) + ': the admin server did not answer ('
          + e.message + ')', true);
    }
  }

  // --- login ----------------------------------------------------------------------------------

  function showLogin(message) {
    stopTimer();
    $('dashboard').hidden = true;
    $('refresh').hidden = true;
    $('forget').hidden = true;
    $('updated').textContent = '';
    setStatus('');
    $('login').hidden = false;
    $('login-message').textContent = message;
    $('token').value = '';
    $('token').focus();
  }

  function showDashboard() {
    if (!$('dashboard').hidden) return;
    $('login').hidden = true;
    $('login-message').textContent = '';
    $('dashboard').hidden = false;
    $('refresh').hidden = false;
    $('forget').hidden = false;
    startTimer();
  }

  function startTimer() {
    if (timer === null) {
      timer = setInterval(() => {
        if (!document.hidden && !$('confirm').open) refresh();
      }, REFRESH_MS);
    }
  }

  function stopTimer() {
    if (timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  }

  // --- rendering ------------------------------------------------------------------------------

  function render() {
    ensureSelection();
    renderUpdated();
    // Most refreshes bring nothing new: leave the tables alone then, so that a button under the
    // pointer or the keyboard stays where it is.
    const drawn = JSON.stringify([stats.products, stats.catalog, stats.store, selection,
      Math.floor(parseOr(stats.since, 0) / HOUR_MS)]);
    if (drawn === lastDrawn) return;
    lastDrawn = drawn;
    // Re-rendering replaces the buttons: keep keyboard focus on the same button of the same row.
    const active = document.activeElement;
    const focus = active && active.dataset && active.dataset.action
        ? { key: active.dataset.key, action: active.dataset.action } : null;
    renderServer();
    renderAttention();
    renderProducts();
    renderChart();
    if (focus) focusButton(focus.key, focus.action);
  }

  function focusButton(key, action) {
    for (const b of document.querySelectorAll('button[data-action]')) {
      if (b.dataset.key === key && b.dataset.action === action) {
        b.focus();
        return;
      }
    }
  }

  function allReleases() {
    const out = [];
    for (const p of stats.products || []) {
      for (const r of p.releases || []) out.push({ product: p.product, release: r });
    }
    return out;
  }

  function findSelected() {
    return allReleases().find((x) => releaseKey(x.product, x.release) === selection) || null;
  }

  // The selection survives refreshes; only when its release is gone does it move to the first
  // halted release, or else to the release with the most reports.
  function ensureSelection() {
    if (findSelected()) return;
    const all = allReleases();
    const halted = all.find((x) => x.release.state === 'halted');
    let pick = halted || null;
    if (!pick) {
      for (const x of all) if (!pick || x.release.reports > pick.release.reports) pick = x;
    }
    selection = pick ? releaseKey(pick.product, pick.release) : null;
  }

  function select(key) {
    selection = key;
    sessionStorage.setItem(SELECTION_KEY, key);
    render();
  }

  function renderUpdated() {
    const u = $('updated');
    u.replaceChildren('Statistics of ', timeEl(stats.generated_at), ', reports since ',
        timeEl(stats.since));
  }

  function renderServer() {
    const catalog = stats.catalog || {};
    $('catalog-loaded').replaceChildren(timeEl(catalog.loaded_at));
    $('catalog-millis').textContent = catalog.load_millis === undefined || catalog.load_millis === null
        ? '—' : integer.format(catalog.load_millis) + ' ms';
    const error = $('catalog-error');
    if (catalog.last_error) {
      error.replaceChildren(timeEl(catalog.last_error.at), ': ',
          el('span', { class: 'error-text', text: String(catalog.last_error.message) }));
    } else {
      error.replaceChildren(el('span', { class: 'muted', text: 'none' }));
    }
    const store = stats.store || {};
    const parts = [String(store.kind || '?'), ' ',
      el('span', { class: 'badge store-' + String(store.status), text: String(store.status) })];
    if (store.reason) parts.push(' ', el('span', { class: 'reason', text: String(store.reason) }));
    $('store').replaceChildren(...parts);
  }

  function renderAttention() {
    const items = [];
    for (const { product, release } of allReleases()) {
      if (release.state !== 'halted') continue;
      const li = el('li', {}, el('strong', { text: releaseName(product, release) }), ' halted');
      appendHalt(li, release.halt);
      items.push(li);
    }
    const catalog = stats.catalog || {};
    if (catalog.last_error) {
      items.push(el('li', {}, 'The last catalog load failed at ', timeEl(catalog.last_error.at),
          ': ', el('span', { text: String(catalog.last_error.message) })));
    }
    const store = stats.store || {};
    if (store.status && store.status !== 'ok') {
      items.push(el('li', {}, 'The completion store is ' + store.status
          + (store.reason ? ': ' : ''), store.reason ? el('span', { text: String(store.reason) }) : null));
    }
    $('attention-list').replaceChildren(...items);
    $('attention').hidden = items.length === 0;
  }

  function appendHalt(parent, halt) {
    if (!halt) return;
    parent.append(halt.actor === 'operator' ? ' by an operator at ' : ' automatically at ',
        timeEl(halt.at));
    const detail = haltDetail(halt);
    if (detail) parent.append(': ', el('span', { class: 'halt-detail', text: detail }));
  }

  // The server words an operator's halt "by an operator" or "by an operator: NOTE"; the page
  // already names the actor, so only the note is left to show.
  function haltDetail(halt) {
    const detail = String(halt.detail || '');
    if (halt.actor !== 'operator') return detail;
    return detail.replace(/^by an operator(: )?/, '');
  }

  const COLUMNS = [
    ['Update type', ''], ['Version', ''], ['Channels', ''], ['Rollout', 'num'],
    ['Signed', ''], ['State', ''], ['Reports', 'num'], ['Successes', 'num'],
    ['Failures', 'num'], ['Failure rate', 'num'], ['Top failure codes', ''], ['Actions', ''],
  ];

  function renderProducts() {
    const root = $('products');
    const sections = [];
    (stats.products || []).forEach((p, i) => {
      const id = 'product-' + i;
      const table = el('table', { class: 'releases' },
          el('caption', { class: 'visually-hidden', text: 'Releases of ' + p.product }),
          el('thead', {}, el('tr', {}, ...COLUMNS.map(([name, cls]) =>
              el('th', { scope: 'col', class: cls, text: name })))));
      const body = el('tbody');
      for (const r of p.releases || []) body.append(releaseRow(p.product, r));
      table.append(body);
      // Only a very long name or version scrolls, and then only its table, not the page.
      sections.push(el('section', { class: 'product', 'aria-labelledby': id },
          el('h2', { id, text: p.product }), el('div', { class: 'table-wrap' }, table)));
    });
    if (sections.length === 0) {
      sections.push(el('p', { class: 'muted', text: 'The catalog holds no releases.' }));
    }
    root.replaceChildren(...sections);
  }

  function cell(label, cls, ...content) {
    return el('td', { 'data-label': label, class: cls || '' }, ...content);
  }

  function releaseRow(product, r) {
    const key = releaseKey(product, r);
    const selected = key === selection;
    const tr = el('tr', { 'data-key': key, class: 'state-' + r.state + (selected ? ' selected' : '') });
    const channels = r.channels && r.channels.length
        ? r.channels.join(', ') : el('span', { class: 'muted', text: 'all' });
    tr.append(
        el('th', { scope: 'row', 'data-label': 'Update type', text: String(r.update_type) }),
        cell('Version', 'version', String(r.version)),
        cell('Channels', '', channels),
        cell('Rollout', 'num', rollout.format(r.rollout_percent) + '%'),
        cell('Signed', '', r.signed ? 'yes' : 'no'),
        cell('State', 'state', ...stateContent(r)),
        cell('Reports', 'num', integer.format(r.reports)),
        cell('Successes', 'num', integer.format(r.successes)),
        cell('Failures', 'num', integer.format(r.failures)),
        cell('Failure rate', 'num', r.failure_rate === null || r.failure_rate === undefined
            || !r.reports ? '—' : percent.format(r.failure_rate)),
        cell('Top failure codes', 'codes', topCodes(r.by_code)),
        cell('Actions', 'actions', ...actions(product, r, key, selected)));
    return tr;
  }

  function stateContent(r) {
    const labels = { live: 'Live', paused: 'Paused in the catalog', halted: 'Halted' };
    const out = [el('span', { class: 'badge state-' + r.state, text: labels[r.state] || String(r.state) })];
    if (r.state === 'halted' && r.halt) {
      const why = el('div', { class: 'halt' });
      why.append(r.halt.actor === 'operator' ? 'By an operator at ' : 'Automatically at ',
          timeEl(r.halt.at));
      const detail = haltDetail(r.halt);
      if (detail) why.append(': ', el('span', { class: 'halt-detail', text: detail }));
      out.push(why);
    } else if (r.halt_threshold) {
      out.push(el('div', { class: 'muted threshold', text: 'Halts above '
          + percent.format(r.halt_threshold.max_failure_rate) + ' failures ('
          + integer.format(r.halt_threshold.min_reports) + '+ reports)' }));
    }
    return out;
  }

  // by_code counts cancelled reports too; they are no failure (the failure count leaves them out).
  function topCodes(byCode) {
    const entries = Object.entries(byCode || {}).filter(([c, n]) => n > 0 && c !== 'cancelled')
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3);
    if (entries.length === 0) return el('span', { class: 'muted', text: '—' });
    return el('ul', { class: 'code-list' }, ...entries.map(([code, n]) =>
        el('li', {}, el('code', { text: code }), ' ', el('span', { class: 'num', text: integer.format(n) }))));
  }

  function actions(product, r, key, selected) {
    const name = releaseName(product, r);
    const out = [el('button', {
      type: 'button', 'data-action': 'select', 'data-key': key,
      'aria-pressed': String(selected), 'aria-label': 'Chart of ' + name, text: 'Chart' })];
    if (r.state === 'halted' || r.state === 'live') {
      const action = r.state === 'halted' ? 'resume' : 'halt';
      out.push(el('button', {
        type: 'button', 'data-action': action, 'data-key': key,
        class: action === 'halt' ? 'danger' : 'primary',
        'aria-label': (action === 'halt' ? 'Halt ' : 'Resume ') + name,
        text: action === 'halt' ? 'Halt' : 'Resume' }));
    }
    return out;
  }

  // --- the chart ------------------------------------------------------------------------------

  function renderChart() {
    const chart = $('chart');
    const table = $('chart-table');
    const found = findSelected();
    if (!found) {
      $('chart-title').textContent = 'Reports per hour';
      $('chart-summary').textContent = 'No release to show.';
      chart.replaceChildren();
      table.replaceChildren();
      return;
    }
    const { product, release } = found;
    $('chart-title').textContent = 'Reports per hour: ' + releaseName(product, release);
    const end = parseOr(stats.generated_at, Date.now());
    const start = Math.floor(parseOr(stats.since, end - WINDOW_MS) / HOUR_MS) * HOUR_MS;
    const hours = Math.max(1, Math.ceil((end - start) / HOUR_MS));
    const buckets = (release.hourly || [])
        .map((h) => ({ t: Date.parse(h.hour), s: h.successes || 0, f: h.failures || 0 }))
        .filter((b) => !isNaN(b.t) && b.t >= start && b.t < start + hours * HOUR_MS
            && (b.s > 0 || b.f > 0))
        .sort((a, b) => a.t - b.t);
    const successes = buckets.reduce((n, b) => n + b.s, 0);
    const failures = buckets.reduce((n, b) => n + b.f, 0);
    $('chart-summary').replaceChildren(integer.format(successes) + ' successes and '
        + integer.format(failures) + ' failures in ' + integer.format(buckets.length)
        + (buckets.length === 1 ? ' hour' : ' hours') + ' with reports since ',
        timeEl(new Date(start).toISOString()), '; first report ', timeEl(release.first_report),
        ', last ', timeEl(release.last_report), '.');
    chart.replaceChildren(drawChart(buckets, start, hours));
    table.replaceChildren(hourTable(buckets));
  }

  function parseOr(iso, fallback) {
    const t = Date.parse(iso);
    return isNaN(t) ? fallback : t;
  }

  function niceMax(n) {
    if (n <= 4) return 4;
    const step = Math.pow(10, Math.floor(Math.log10(n)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * step >= n) return m * step;
    return 10 * step;
  }

  function drawChart(buckets, start, hours) {
    const W = 1000, H = 210, L = 48, R = 10, T = 12, B = 30;
    const plotW = W - L - R, plotH = H - T - B;
    const slot = plotW / hours;
    const barW = Math.max(1, slot * 0.8);
    const max = niceMax(buckets.reduce((m, b) => Math.max(m, b.s + b.f), 0));
    const y = (v) => T + plotH - (v / max) * plotH;
    const x = (t) => L + ((t - start) / HOUR_MS) * slot;
    const root = svg('svg', {
      viewBox: '0 0 ' + W + ' ' + H, role: 'img', class: 'hours',
      'aria-labelledby': 'chart-title', 'aria-describedby': 'chart-summary' });
    for (const v of [0, max / 2, max]) {
      root.append(svg('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), class: 'grid' }));
      root.append(svg('text', { x: L - 6, y: y(v) + 4, class: 'axis', 'text-anchor': 'end' },
          integer.format(v)));
    }
    // One label per local midnight in range.
    const day = new Date(start);
    day.setHours(24, 0, 0, 0);
    for (let t = day.getTime(); t < start + hours * HOUR_MS; t = nextMidnight(t)) {
      root.append(svg('line', { x1: x(t), x2: x(t), y1: T, y2: T + plotH, class: 'day' }));
      root.append(svg('text', { x: x(t) + 3, y: H - 10, class: 'axis' }, dayLabel.format(new Date(t))));
    }
    for (const b of buckets) {
      const label = hourLabel.format(new Date(b.t)) + ': ' + integer.format(b.s) + ' successes, '
          + integer.format(b.f) + ' failures';
      const g = svg('g', { class: 'hour', 'data-hour': new Date(b.t).toISOString() });
      g.append(svg('title', {}, label));
      if (b.s > 0) {
        g.append(svg('rect', { class: 'bar success', x: x(b.t) + (slot - barW) / 2, y: y(b.s),
          width: barW, height: y(0) - y(b.s) }));
      }
      if (b.f > 0) {
        g.append(svg('rect', { class: 'bar failure', x: x(b.t) + (slot - barW) / 2,
          y: y(b.s + b.f), width: barW, height: y(b.s) - y(b.s + b.f) }));
      }
      root.append(g);
    }
    return root;
  }

  function nextMidnight(t) {
    const d = new Date(t);
    d.setDate(d.getDate() + 1);
    return d.getTime();
  }

  function hourTable(buckets) {
    if (buckets.length === 0) return el('p', { class: 'muted', text: 'No reports in this period.' });
    return el('table', { class: 'hours-table' },
        el('thead', {}, el('tr', {},
            el('th', { scope: 'col', text: 'Hour' }),
            el('th', { scope: 'col', class: 'num', text: 'Successes' }),
            el('th', { scope: 'col', class: 'num', text: 'Failures' }))),
        el('tbody', {}, ...buckets.map((b) => el('tr', {},
            el('th', { scope: 'row' }, timeEl(new Date(b.t).toISOString())),
            el('td', { class: 'num', text: integer.format(b.s) }),
            el('td', { class: 'num', text: integer.format(b.f) })))));
  }

  // --- halt and resume ------------------------------------------------------------------------

  function ask(action, key) {
    const [product, updateType, version] = JSON.parse(key);
    const name = product + ' ' + updateType + ' ' + version;
    pending = { action, key, product, updateType, version, name };
    $('confirm-title').textContent = action === 'halt' ? 'Halt ' + name + '?' : 'Resume ' + name + '?';
    $('confirm-text').textContent = action === 'halt'
        ? 'Clients will no longer be offered this release until an operator resumes it.'
        : 'Clients will be offered this release again.';
    const ok = $('confirm-ok');
    ok.textContent = action === 'halt' ? 'Halt release' : 'Resume release';
    ok.className = action === 'halt' ? 'danger' : 'primary';
    const dialog = $('confirm');
    dialog.returnValue = '';
    dialog.showModal();
    // The safe choice has the focus: Enter right away cancels.
    $('confirm-cancel').focus();
  }

  async function confirmed() {
    const p = pending;
    pending = null;
    if (!p) return;
    const path = '/admin/v1/releases/' + [p.product, p.updateType, p.version]
        .map(encodeURIComponent).join('/') + '/' + p.action;
    try {
      await api('POST', path);
      setStatus((p.action === 'halt' ? 'Halted ' : 'Resumed ') + p.name + '.');
      // A refresh already under way may have read the state from before the change.
      if (loading) await loading;
      await refresh();
      focusButton(p.key, p.action === 'halt' ? 'resume' : 'halt');
    } catch (e) {
      failed(e, (p.action === 'halt' ? 'Could not halt ' : 'Could not resume ') + p.name);
    }
  }

  // --- wiring ---------------------------------------------------------------------------------

  function start() {
    $('login-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const token = $('token').value.trim();
      $('token').value = '';
      if (!token) {
        $('login-message').textContent = 'Enter the admin token.';
        return;
      }
      sessionStorage.setItem(TOKEN_KEY, token);
      refresh();
    });
    $('refresh').addEventListener('click', () => refresh());
    $('forget').addEventListener('click', () => {
      sessionStorage.removeItem(TOKEN_KEY);
      showLogin('');
    });
    $('products').addEventListener('click', (event) => {
      const button = event.target.closest('button[data-action]');
      if (!button) return;
      if (button.dataset.action === 'select') select(button.dataset.key);
      else ask(button.dataset.action, button.dataset.key);
    });
    const dialog = $('confirm');
    $('confirm-cancel').addEventListener('click', () => dialog.close('cancel'));
    $('confirm-ok').addEventListener('click', () => dialog.close('ok'));
    dialog.addEventListener('close', () => {
      const p = pending;
      if (dialog.returnValue === 'ok') {
        confirmed();
      } else {
        pending = null;
        if (p) focusButton(p.key, p.action);
      }
    });
    window.addEventListener('focus', () => refresh());
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden) refresh();
    });
    refresh();
  }

  start();
})();
