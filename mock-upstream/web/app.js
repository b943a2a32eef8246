/* mock-upstream inspection page: a table of recorded requests, live over SSE (polling as a fallback),
 * and a detail panel. Plain script, no build step. Every recorded value is put into the page with
 * textContent, never innerHTML: the journal holds whatever any client sent. */
/* global setInterval, setTimeout, location, navigator */
(() => {
  'use strict';

  const MAX_ROWS = 1000;
  const POLL_MS = 2000;
  const SSE_ERRORS_BEFORE_POLLING = 3;

  const state = {
    entries: [], // newest first
    selectedId: null,
    filterTerms: [],
    filterVerdict: '',
    filterMethod: '',
    filterSession: '',
    tokenHeader: 'x-my-jwt',
    requireToken: false,
    pollTimer: null,
    curlFor: null,
  };

  const $ = (id) => document.getElementById(id);
  const el = (tag, props = {}, children = []) => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (key === 'text') node.textContent = value;
      else if (key === 'class') node.className = value;
      else if (key === 'dataset') Object.assign(node.dataset, value);
      else node.setAttribute(key, value);
    }
    for (const child of children) node.append(child);
    return node;
  };

  // ---- data -------------------------------------------------------------------------------------

  const claimsOf = (entry) => (entry.token && entry.token.claims) || {};
  const payloadOf = (entry) => {
    const payload = claimsOf(entry).payload;
    return payload && typeof payload === 'object' ? payload : {};
  };
  const show = (value) => (typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value));

  /**
   * valid, invalid, or unsigned as expected (issue 23): the mock marks a request without a token whose
   * method the proxy does not sign (MOCK_SIGNED_METHODS) with `expected: false`; that is the proxy
   * keeping its promise, not a failure. A signed method without a token stays invalid.
   */
  function verdictOf(entry) {
    if (entry.token.valid) return 'valid';
    return entry.token.expected === false ? 'unsigned' : 'invalid';
  }

  const VERDICT_CLASS = { valid: 'ok', invalid: 'bad', unsigned: 'unsigned' };

  function verdictClass(entry) {
    return VERDICT_CLASS[verdictOf(entry)];
  }

  function searchText(entry) {
    const payload = payloadOf(entry);
    return [entry.method, entry.url, entry.token.code, show(payload.user), show(payload.date), entry.id]
      .join(' ')
      .toLowerCase();
  }

  function matches(entry) {
    return (state.filterVerdict === '' || verdictOf(entry) === state.filterVerdict) && matchesOtherThanVerdict(entry);
  }

  /** Every filter but the verdict: the summary counts each verdict among these. */
  function matchesOtherThanVerdict(entry) {
    if (state.filterMethod !== '' && entry.method !== state.filterMethod) return false;
    if (state.filterSession !== '' && entry.session !== state.filterSession) return false;
    return state.filterTerms.every((term) => searchText(entry).includes(term));
  }

  /** Keeps a <select>'s options equal to the values seen in the journal, the choice kept. */
  function syncOptions(id, values) {
    const select = $(id);
    const known = new Set([...select.options].map((option) => option.value));
    for (const value of [...values].sort()) {
      if (!known.has(value)) select.append(el('option', { value, text: value }));
    }
  }

  function syncFilters() {
    syncOptions('filter-method', new Set(state.entries.map((entry) => entry.method)));
    syncOptions('filter-session', new Set(state.entries.map((entry) => entry.session).filter((s) => typeof s === 'string')));
  }

  async function getJson(url) {
    const response = await fetch(url, { headers: { accept: 'application/json' }, cache: 'no-store' });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return response.json();
  }

  async function reload() {
    const { requests } = await getJson(`requests?limit=${MAX_ROWS}`);
    // An entry pushed over SSE after the server built this list is newer than all of it: keep it.
    const listed = new Set(requests.map((entry) => entry.id));
    const newest = requests.length > 0 ? requests[0].receivedAt : '';
    const pushed = state.entries.filter((entry) => !listed.has(entry.id) && entry.receivedAt >= newest);
    state.entries = [...pushed, ...requests].slice(0, MAX_ROWS);
    renderAll();
  }

  function add(entry) {
    if (state.entries.some((known) => known.id === entry.id)) return;
    state.entries.unshift(entry);
    if (state.entries.length > MAX_ROWS) {
      const dropped = state.entries.pop();
      const row = rowFor(dropped.id);
      if (row) row.remove();
    }
    if (matches(entry)) {
      const row = renderRow(entry);
      row.classList.add('fresh');
      $('rows').prepend(row);
    }
    syncFilters();
    renderSummary();
    renderEmpty();
    if (entry.stubId !== undefined) loadStubs().catch(() => undefined);
  }

  function clearAll() {
    state.entries = [];
    closeDetail();
    renderAll();
  }

  // ---- live updates -----------------------------------------------------------------------------

  function setLive(mode, label) {
    const live = $('live');
    live.dataset.state = mode;
    live.textContent = label;
  }

  function connect() {
    if (typeof EventSource !== 'function') {
      startPolling();
      return;
    }
    let errors = 0;
    const source = new EventSource('events');
    source.addEventListener('open', () => {
      // Fetch what was recorded before the stream opened (or while it was down): entries are
      // recorded between the first list and the subscription too. Duplicates are merged by id.
      reload().catch(() => undefined);
      errors = 0;
      setLive('live', 'live');
    });
    source.addEventListener('entry', (event) => add(JSON.parse(event.data)));
    source.addEventListener('clear', () => clearAll());
    source.addEventListener('error', () => {
      errors += 1;
      if (errors >= SSE_ERRORS_BEFORE_POLLING) {
        source.close();
        startPolling();
      } else {
        setLive('connecting', 'reconnecting…');
      }
    });
  }

  function startPolling() {
    if (state.pollTimer !== null) return;
    setLive('polling', 'polling');
    state.pollTimer = setInterval(() => {
      reload().then(
        () => setLive('polling', 'polling'),
        () => setLive('offline', 'offline'),
      );
    }, POLL_MS);
  }

  // ---- rendering --------------------------------------------------------------------------------

  function formatTime(iso) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso;
    const pad = (n, width = 2) => String(n).padStart(width, '0');
    return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
  }

  function badge(entry) {
    if (verdictOf(entry) === 'unsigned') {
      const why = entry.token.detail ? entry.token.detail.summary : 'unsigned, as configured';
      // Short enough for the verdict column at 390 px; the summary and the detail say "as configured".
      return el('span', { class: 'badge unsigned', text: 'UNSIGNED', title: `${entry.token.code}: ${why}` });
    }
    return el('span', { class: `badge ${verdictClass(entry)}`, text: entry.token.code, title: entry.token.message });
  }

  function cellOrDash(value, extraClass = '') {
    const text = show(value);
    return el('td', { class: `${text === '' ? 'cell-empty' : ''} ${extraClass}`.trim(), text: text === '' ? '—' : text, title: text });
  }

  function renderRow(entry) {
    const payload = payloadOf(entry);
    const path = el('td', { class: 'cell-path mono', title: entry.url }, [entry.path]);
    if (entry.query !== '') path.append(el('span', { class: 'query', text: `?${entry.query}` }));
    const row = el(
      'tr',
      {
        tabindex: '0',
        'aria-selected': String(entry.id === state.selectedId),
        dataset: { id: entry.id, code: entry.token.code },
      },
      [
        el('td', { class: 'cell-time mono', text: formatTime(entry.receivedAt), title: entry.receivedAt }),
        el('td', {}, [el('span', { class: 'method', text: entry.method, dataset: { method: entry.method } })]),
        path,
        el('td', {}, [badge(entry)]),
        cellOrDash(payload.user, 'mono cell-user'),
        cellOrDash(payload.date, 'mono cell-date'),
      ],
    );
    return row;
  }

  function rowFor(id) {
    for (const row of $('rows').children) if (row.dataset.id === id) return row;
    return null;
  }

  function renderAll() {
    syncFilters();
    const rows = state.entries.filter(matches).map(renderRow);
    $('rows').replaceChildren(...rows);
    renderSummary();
    renderEmpty();
    if (state.selectedId !== null) {
      const entry = state.entries.find((candidate) => candidate.id === state.selectedId);
      if (entry) renderDetail(entry);
      else closeDetail();
    }
  }

  /** Counts per verdict among the entries the other filters select, so they add up to the total shown. */
  function renderSummary() {
    const counts = { valid: 0, invalid: 0, unsigned: 0 };
    const selected = state.entries.filter(matchesOtherThanVerdict);
    for (const entry of selected) counts[verdictOf(entry)] += 1;
    const filtered = selected.length !== state.entries.length;
    $('count-total-label').textContent = filtered ? 'matching' : 'recorded';
    $('count-total').textContent = filtered ? `${selected.length} of ${state.entries.length}` : String(selected.length);
    $('count-valid').textContent = String(counts.valid);
    $('count-invalid').textContent = String(counts.invalid);
    $('count-unsigned').textContent = String(counts.unsigned);
  }

  function renderEmpty() {
    const empty = $('empty');
    const visibleRows = $('rows').children.length;
    empty.hidden = visibleRows > 0;
    empty.querySelector('.empty-title').textContent =
      state.entries.length === 0 ? 'No requests recorded yet' : 'No request matches the filter';
  }

  function renderInfo(info) {
    const parts = [
      ['verifying ', info.header],
      [' · HS512 · max age ', `${info.maxAgeS} s`],
      [' · skew ', `${info.clockSkewS} s`],
      [' · POST needs a token: ', info.requireToken ? 'yes' : 'no'],
      [' · keeps ', `${info.journalSize}${info.journalFile ? ' (on disk)' : ''}`],
    ];
    $('info').replaceChildren(...parts.flatMap(([label, value]) => [label, el('code', { text: value })]));
  }

  function select(id, focusRow = false) {
    const entry = state.entries.find((candidate) => candidate.id === id);
    if (!entry) return;
    state.selectedId = id;
    for (const row of $('rows').children) row.setAttribute('aria-selected', String(row.dataset.id === id));
    renderDetail(entry);
    // Stacked layout: the panel is below the table, so bring it into view.
    if (window.matchMedia('(max-width: 980px)').matches) $('detail').scrollIntoView({ block: 'start' });
    if (focusRow) {
      const row = rowFor(id);
      if (row) row.focus();
    }
  }

  function closeDetail() {
    state.selectedId = null;
    $('detail').hidden = true;
    for (const row of $('rows').children) row.setAttribute('aria-selected', 'false');
  }

  function field(name) {
    return $('detail').querySelector(`[data-field="${name}"]`);
  }

  function setField(name, value, fallback = '—') {
    const text = show(value);
    field(name).textContent = text === '' ? fallback : text;
  }

  function renderDetail(entry) {
    const detail = $('detail');
    const claims = claimsOf(entry);
    const payload = payloadOf(entry);
    $('detail-method').textContent = entry.method;
    $('detail-method').dataset.method = entry.method;
    $('detail-url').textContent = entry.url;
    $('detail-meta').textContent = `${entry.receivedAt} · HTTP/${entry.httpVersion} · id ${entry.id}`;

    const verdict = $('detail-verdict');
    verdict.className = `verdict-box ${verdictClass(entry)}`;
    const message = el('p', { text: entry.token.message });
    verdict.replaceChildren(badge(entry), message);
    if (entry.replayed) message.append(' (replayed)');
    // The diagnosis in words (issue 13): which check failed and what would fix it.
    const diagnosis = $('detail-diagnosis');
    const summary = entry.token.detail ? entry.token.detail.summary : '';
    diagnosis.textContent = summary;
    diagnosis.dataset.verdict = verdictOf(entry);
    diagnosis.hidden = summary === '';
    const extra = [];
    if (entry.session !== undefined) extra.push(`session ${entry.session}`);
    if (entry.stubId !== undefined) extra.push(`answered by stub ${entry.stubId}`);
    if (entry.fault !== undefined) extra.push(`fault ${describeFault(entry.fault)}`);
    $('detail-extra').textContent = extra.join(' · ');
    const id = encodeURIComponent(entry.id);
    const download = $('download-body');
    download.href = `requests/${id}/body`;
    download.setAttribute('download', `${entry.id}.body`);
    download.hidden = entry.body.truncated;
    $('entry-json').href = `requests/${id}`;
    if (state.curlFor !== entry.id) {
      $('curl-text').hidden = true;
      $('curl-text').textContent = '';
    }

    // An empty string is shown as "" so it is not mistaken for a missing claim.
    setField('user', payload.user === '' ? '""' : payload.user);
    setField('date', payload.date === '' ? '""' : payload.date);
    setField('iat', claims.iat === undefined ? '' : `${claims.iat}${typeof claims.iat === 'number' ? `  (${isoOfSeconds(claims.iat)})` : ''}`);
    setField('jti', claims.jti);
    setField('token-header', entry.token.header ? JSON.stringify(entry.token.header, null, 2) : '', '(not decodable)');
    setField('token-claims', entry.token.claims ? JSON.stringify(entry.token.claims, null, 2) : '', '(not decodable)');
    const raw = entry.headers[state.tokenHeader];
    setField('token-raw', Array.isArray(raw) ? raw.join('\n') : raw, `(no ${state.tokenHeader} header)`);

    const headerRows = [];
    for (let i = 0; i + 1 < entry.rawHeaders.length; i += 2) {
      const name = entry.rawHeaders[i];
      const row = el('tr', {}, [el('th', { scope: 'row', text: name }), el('td', { text: entry.rawHeaders[i + 1] })]);
      if (name.toLowerCase() === state.tokenHeader) row.className = 'token-header';
      headerRows.push(row);
    }
    $('detail-headers').replaceChildren(...headerRows);

    const body = entry.body;
    $('detail-body-size').textContent = `${body.bytes} byte${body.bytes === 1 ? '' : 's'}`;
    if (body.truncated) {
      setField('body', `(${body.bytes} bytes: larger than the body limit, not kept)`);
    } else if (body.base64 !== undefined) {
      setField('body', `(binary, base64)\n${body.base64}`);
    } else {
      setField('body', body.text, '(empty)');
    }
    setField('sha256', `sha256 ${body.sha256}`);
    detail.hidden = false;
  }

  function describeFault(fault) {
    return Object.entries(fault)
      .filter(([key]) => key !== 'type')
      .reduce((text, [key, value]) => `${text}; ${key}=${value}`, fault.type);
  }

  /** Shows the curl command and copies it; the clipboard may be refused (permissions), the text stays. */
  async function copyCurl() {
    const id = state.selectedId;
    if (id === null) return;
    const response = await fetch(`requests/${encodeURIComponent(id)}/curl`, { cache: 'no-store' });
    if (!response.ok) return;
    const text = await response.text();
    state.curlFor = id;
    const pre = $('curl-text');
    pre.textContent = text;
    pre.hidden = false;
    const button = $('copy-curl');
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = 'Copied';
    } catch {
      button.textContent = 'Select and copy below';
    }
    setTimeout(() => (button.textContent = 'Copy as curl'), 2000);
  }

  // ---- stubs ------------------------------------------------------------------------------------

  function describeMatch(stub) {
    const parts = [stub.method || 'any', stub.path || (stub.pathPrefix ? `${stub.pathPrefix}*` : '*')];
    if (stub.session) parts.push(`session ${stub.session}`);
    return parts.join(' ');
  }

  function describeAnswer(stub) {
    const parts = [String(stub.status)];
    if (stub.fault) parts.push(`fault ${describeFault(stub.fault)}`);
    if (stub.delayMs > 0) parts.push(`+${stub.delayMs} ms`);
    parts.push(stub.body === undefined ? 'echo' : typeof stub.body === 'string' ? 'text body' : 'binary body');
    return parts.join(' · ');
  }

  async function loadStubs() {
    const { stubs } = await getJson('stubs');
    const rows = stubs.map((stub) =>
      el('tr', { dataset: { stub: stub.id } }, [
        el('td', { class: 'mono', text: stub.id }),
        el('td', { class: 'mono', text: describeMatch(stub) }),
        el('td', { text: describeAnswer(stub) }),
        el('td', { class: 'mono', text: stub.remaining === null ? `${stub.used}` : `${stub.used} of ${stub.times}` }),
      ]),
    );
    $('stub-rows').replaceChildren(...rows);
    $('stubs').hidden = rows.length === 0;
  }

  function isoOfSeconds(seconds) {
    const date = new Date(seconds * 1000);
    return Number.isNaN(date.getTime()) ? 'out of range' : `${date.toISOString().replace('.000Z', 'Z')}`;
  }

  // ---- wiring -----------------------------------------------------------------------------------

  function bind() {
    $('rows').addEventListener('click', (event) => {
      const row = event.target.closest('tr[data-id]');
      if (row) select(row.dataset.id);
    });
    $('rows').addEventListener('keydown', (event) => {
      const row = event.target.closest('tr[data-id]');
      if (!row) return;
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        select(row.dataset.id);
      } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const next = event.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling;
        if (next) select(next.dataset.id, true);
      }
    });
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') closeDetail();
      if (event.key === '/' && document.activeElement !== $('filter')) {
        event.preventDefault();
        $('filter').focus();
      }
    });
    $('detail-close').addEventListener('click', closeDetail);
    $('copy-curl').addEventListener('click', () => copyCurl().catch(() => undefined));
    for (const [id, key] of [
      ['filter-verdict', 'filterVerdict'],
      ['filter-method', 'filterMethod'],
      ['filter-session', 'filterSession'],
    ]) {
      $(id).addEventListener('change', (event) => {
        state[key] = event.target.value;
        // The HAR export follows the session filter: the same entries a test sees.
        $('export-har').href = state.filterSession === '' ? 'requests.har' : `requests.har?session=${encodeURIComponent(state.filterSession)}`;
        renderAll();
      });
    }
    $('filter').addEventListener('input', (event) => {
      state.filterTerms = event.target.value.toLowerCase().split(/\s+/).filter(Boolean);
      renderAll();
    });
    $('clear').addEventListener('click', async () => {
      const button = $('clear');
      button.disabled = true;
      try {
        const response = await fetch('requests', { method: 'DELETE' });
        if (response.ok) clearAll();
      } finally {
        button.disabled = false;
      }
    });
    $('empty-example').textContent =
      `curl -X POST ${location.origin}/hello \\\n  -H 'content-type: application/json' -d '{"hello":"world"}'`;
  }

  async function start() {
    bind();
    try {
      const info = await getJson('info');
      state.tokenHeader = info.header;
      state.requireToken = info.requireToken;
      renderInfo(info);
    } catch {
      // The page still works without the settings line.
    }
    try {
      await reload();
    } catch {
      setLive('offline', 'offline');
    }
    loadStubs().catch(() => undefined);
    connect();
  }

  start();
})();
