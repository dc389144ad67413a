// OpenClaw cutover dashboard: one page, no build step, no network beyond this origin.
// Every string that comes from the API (lease ids, reasons, evidence) goes into the DOM as text (textContent),
// never as HTML. Live updates come from the orchestrator's Server-Sent Events, read with fetch() so that the
// Authorization header can be sent (EventSource cannot send headers).
(function () {
  'use strict';

  var TOKEN_KEY = 'cutover.token';
  var ME_KEY = 'cutover.me';
  var app = document.getElementById('app');
  var streams = [];

  // ---------------------------------------------------------------- DOM helpers (text only)
  function el(tag, attrs) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === 'text') { e.textContent = attrs[k] == null ? '' : String(attrs[k]); }
        else if (k === 'onclick') { e.addEventListener('click', attrs[k]); }
        else if (k === 'onchange') { e.addEventListener('change', attrs[k]); e.addEventListener('input', attrs[k]); }
        else if (attrs[k] != null) { e.setAttribute(k, String(attrs[k])); }
      });
    }
    function add(c) {
      if (c == null) { return; }
      if (Array.isArray(c)) { c.forEach(add); return; }
      e.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    }
    for (var i = 2; i < arguments.length; i++) { add(arguments[i]); }
    return e;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  function fmtTime(s) { return s ? new Date(s).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : ''; }
  function fmtMs(ms) { return ms == null ? '' : (ms < 1000 ? ms + ' ms' : (ms / 1000).toFixed(1) + ' s'); }

  // ---------------------------------------------------------------- API
  function token() { return sessionStorage.getItem(TOKEN_KEY); }
  function me() { try { return JSON.parse(sessionStorage.getItem(ME_KEY)); } catch (e) { return null; } }
  function isOperator() { var m = me(); return !!m && (m.role === 'OPERATOR' || m.role === 'ADMIN'); }

  function api(method, path, body) {
    var opts = { method: method, headers: { 'Authorization': 'Bearer ' + token(), 'Accept': 'application/json' } };
    if (body !== undefined) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    return fetch(path, opts).then(function (r) {
      if (r.status === 401) { logout(); throw new Error('signed out: the token is not valid'); }
      return r.text().then(function (t) {
        var j = null;
        try { j = t ? JSON.parse(t) : null; } catch (e) { j = null; }
        if (!r.ok) { throw new Error((j && (j.detail || j.title)) || ('HTTP ' + r.status)); }
        return j;
      });
    });
  }

  // An SSE stream over fetch(): resumes after the last id it saw when the connection drops.
  function stream(path, onEvent) {
    var s = { stopped: false, lastId: null, controller: null };
    function connect() {
      if (s.stopped) { return; }
      s.controller = new AbortController();
      var headers = { 'Authorization': 'Bearer ' + token(), 'Accept': 'text/event-stream' };
      if (s.lastId != null) { headers['Last-Event-ID'] = s.lastId; }
      fetch(path, { headers: headers, signal: s.controller.signal }).then(function (r) {
        if (!r.ok || !r.body) { throw new Error('HTTP ' + r.status); }
        setLive(true);
        var reader = r.body.getReader();
        var decoder = new TextDecoder();
        var buf = '';
        function pump() {
          return reader.read().then(function (chunk) {
            if (chunk.done) { throw new Error('stream ended'); }
            buf += decoder.decode(chunk.value, { stream: true });
            var idx;
            while ((idx = buf.indexOf('\n\n')) >= 0) {
              var block = buf.slice(0, idx);
              buf = buf.slice(idx + 2);
              var ev = { id: null, type: 'message', data: '' };
              block.split('\n').forEach(function (line) {
                if (line.indexOf('id:') === 0) { ev.id = line.slice(3).trim(); }
                else if (line.indexOf('event:') === 0) { ev.type = line.slice(6).trim(); }
                else if (line.indexOf('data:') === 0) { ev.data += line.slice(5).trim(); }
              });
              if (ev.data) {
                s.lastId = ev.id;
                try { onEvent(ev.type, JSON.parse(ev.data)); } catch (e) { console.error(e); }
              }
            }
            return pump();
          });
        }
        return pump();
      }).catch(function () {
        setLive(false);
        if (!s.stopped) { setTimeout(connect, 2000); }
      });
    }
    s.stop = function () { s.stopped = true; if (s.controller) { s.controller.abort(); } };
    streams.push(s);
    connect();
    return s;
  }
  function stopStreams() { streams.forEach(function (s) { s.stop(); }); streams = []; }
  function setLive(on) {
    var b = document.getElementById('live');
    if (b) { b.textContent = on ? 'live' : 'reconnecting…'; b.className = on ? 'live on' : 'live'; }
  }

  // ---------------------------------------------------------------- login
  function showLogin(message) {
    stopStreams();
    clear(app);
    document.getElementById('whoami').textContent = '';
    document.getElementById('logout').hidden = true;
    var input = el('input', { id: 'token', type: 'password', autocomplete: 'off', placeholder: 'API token' });
    var err = el('p', { id: 'login-error', class: 'error', text: message || '' });
    var form = el('form', { id: 'login-form', class: 'card' },
      el('h1', { text: 'Sign in' }),
      el('p', { text: 'Paste an operator or viewer token (e.g. OPERATOR_TOKEN or VIEWER_TOKEN from .local/tokens.env). '
        + 'It is kept in this tab only (sessionStorage).' }),
      input, el('button', { id: 'login', type: 'submit', text: 'Sign in' }), err);
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, input.value.trim());
      api('GET', '/api/v1/me').then(function (m) {
        sessionStorage.setItem(ME_KEY, JSON.stringify(m));
        return true;
      }, function (x) {
        sessionStorage.removeItem(TOKEN_KEY);
        showLogin('Not signed in: ' + x.message);
        return false;
      }).then(function (ok) {
        if (ok) { route(); }
      });
    });
    app.appendChild(form);
  }
  function logout() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(ME_KEY);
    showLogin();
  }
  document.getElementById('logout').addEventListener('click', logout);

  function header() {
    var m = me();
    document.getElementById('whoami').textContent = m ? 'signed in as ' + m.name + ' (' + m.role.toLowerCase() + ')' : '';
    document.getElementById('logout').hidden = !m;
  }

  // ---------------------------------------------------------------- overview: fleets and cutovers with filters
  var REGIONS = ['', 'HK', 'JP', 'KR', 'SG', 'US'];
  var STATES = ['', 'PENDING', 'GATING', 'RUNNING', 'VALIDATING', 'PAUSED', 'GREEN', 'FAILED', 'ABORTED',
    'ROLLING_BACK', 'ROLLED_BACK', 'ROLLBACK_FAILED'];

  function select(id, values) {
    var s = el('select', { id: id });
    values.forEach(function (v) { s.appendChild(el('option', { value: v, text: v || 'any' })); });
    return s;
  }

  function showOverview() {
    clear(app);
    var region = select('filter-region', REGIONS);
    var state = select('filter-state', STATES);
    var version = el('input', { id: 'filter-version', placeholder: 'version, e.g. 2026.9.6' });
    var fleetBody = el('tbody', { id: 'fleets' });
    var body = el('tbody', { id: 'cutovers' });
    app.appendChild(el('section', { class: 'card' },
      el('h2', {}, 'Cutovers ', el('span', { id: 'live', class: 'live', text: '…' })),
      el('div', { class: 'filters' }, el('label', {}, 'Region ', region), el('label', {}, 'State ', state),
        el('label', {}, 'Version ', version)),
      el('table', {}, el('thead', {}, el('tr', {}, ['Cutover', 'Lease', 'Region', 'State', 'Version', 'Previous',
        'Ticket', 'Fleet', 'Updated'].map(function (h) { return el('th', { text: h }); }))), body)));
    app.appendChild(el('section', { class: 'card' }, el('h2', { text: 'Fleet cutovers' }),
      el('table', {}, el('thead', {}, el('tr', {}, ['Fleet', 'State', 'Version', 'Ticket', 'Wave', 'Counts']
        .map(function (h) { return el('th', { text: h }); }))), fleetBody)));

    var all = [];
    var fleets = [];
    function render() {
      clear(body);
      var r = region.value, st = state.value, v = version.value.trim();
      all.filter(function (c) {
        return (!r || c.region === r) && (!st || c.state === st)
          && (!v || (c.candidateVersion || '').indexOf(v) >= 0 || (c.previousVersion || '').indexOf(v) >= 0);
      }).forEach(function (c) {
        body.appendChild(el('tr', { 'data-id': c.id },
          el('td', {}, el('a', { href: '/cutovers/' + encodeURIComponent(c.id), text: c.id.slice(0, 8) })),
          el('td', { text: c.leaseId }), el('td', { text: c.region }),
          el('td', {}, el('span', { class: 'state ' + c.state, text: c.state })),
          el('td', { text: c.candidateVersion }), el('td', { text: c.previousVersion || '' }),
          el('td', { text: c.ticketId }),
          el('td', {}, c.fleetId ? el('a', { href: '/fleet-cutovers/' + encodeURIComponent(c.fleetId), text: c.fleetId.slice(0, 8) }) : ''),
          el('td', { text: fmtTime(c.updatedAt) })));
      });
      clear(fleetBody);
      fleets.filter(function (f) {
        return (!v || (f.candidateVersion || '').indexOf(v) >= 0);
      }).forEach(function (f) {
        fleetBody.appendChild(el('tr', {},
          el('td', {}, el('a', { href: '/fleet-cutovers/' + encodeURIComponent(f.id), text: f.id.slice(0, 8) })),
          el('td', {}, el('span', { class: 'state ' + f.state, text: f.state })),
          el('td', { text: f.candidateVersion }), el('td', { text: f.ticketId }),
          el('td', { text: f.currentWave == null ? '' : String(f.currentWave) }),
          el('td', { text: f.counts ? Object.keys(f.counts).map(function (k) { return k + ' ' + f.counts[k]; }).join(', ') : '' })));
      });
    }
    [region, state, version].forEach(function (x) { x.addEventListener('change', render); x.addEventListener('input', render); });
    var pending = null;
    function load() {
      pending = null;
      Promise.all([api('GET', '/api/v1/cutovers?limit=500'), api('GET', '/api/v1/fleet-cutovers?limit=100')])
        .then(function (x) { all = x[0] || []; fleets = x[1] || []; render(); })
        .catch(function (e) { console.error(e); });
    }
    load();
    stream('/api/v1/events', function (type) {
      if (type === 'CUTOVER_STATE' || type === 'FLEET_STATE' || type.indexOf('WAVE_') === 0) {
        if (!pending) { pending = setTimeout(load, 300); }
      }
    });
  }

  // ---------------------------------------------------------------- one cutover
  var CHARTS = [
    { id: 'latency', title: 'Integration latency P95 (ms) against 5x baseline', value: 'integrationP95Millis',
      limit: function (d) { return d.latencyLimitMillis != null ? d.latencyLimitMillis : d.integrationP95MaxMillis; },
      limitName: '5x baseline' },
    { id: 'errors', title: 'Synthetic failure ratio (%) against 5 %', value: 'syntheticFailurePercent',
      limit: function (d) { return d.errorRatePercentMax; }, limitName: 'limit' },
    { id: 'crashes', title: 'Crashes in the last 5 minutes against 3', value: 'crashes',
      limit: function (d) { return d.crashCount; }, limitName: 'limit' },
    { id: 'disk', title: 'Disk free (%) against 10 %', value: 'diskFreePercent',
      limit: function (d) { return d.diskFreeMinPercent; }, limitName: 'minimum' }
  ];

  function makeCharts(container) {
    var charts = {};
    CHARTS.forEach(function (c) {
      var box = el('div', { class: 'chart', id: 'chart-' + c.id, 'data-points': '0' }, el('h3', { text: c.title }));
      container.appendChild(box);
      var data = [[], [], []];
      var plot = null;
      if (window.uPlot) {
        plot = new window.uPlot({
          width: 460, height: 180,
          series: [{}, { label: c.title.split(' (')[0], stroke: '#2563eb', width: 2, spanGaps: true },
            { label: c.limitName, stroke: '#dc2626', dash: [6, 4], width: 1 }],
          axes: [{}, {}], scales: { x: { time: true } }
        }, data, box);
      }
      charts[c.id] = { def: c, data: data, plot: plot, box: box };
    });
    return {
      add: function (d) {
        var t = Date.parse(d.probedAt || d.at) / 1000;
        CHARTS.forEach(function (c) {
          var ch = charts[c.id];
          var v = d[c.value];
          ch.data[0].push(t);
          ch.data[1].push(v == null ? null : Number(v));
          var lim = c.limit(d);
          ch.data[2].push(lim == null ? null : Number(lim));
          ch.box.setAttribute('data-points', String(ch.data[0].length));
          ch.box.setAttribute('data-last', v == null ? '' : String(v));
          if (ch.plot) { ch.plot.setData(ch.data); }
        });
      }
    };
  }

  var CUTOVER_ACTIONS = ['pause', 'resume', 'abort', 'rollback'];
  var FLEET_ACTIONS = ['pause', 'resume', 'abort', 'rollback', 'promote'];

  function actionBar(base, actions, after) {
    if (!isOperator()) { return null; } // viewers see no buttons (and the API refuses them anyway)
    var reason = el('input', { id: 'action-reason', value: 'from the dashboard', size: 40 });
    var result = el('span', { id: 'action-result' });
    var bar = el('div', { class: 'actions', id: 'actions' }, el('label', {}, 'Reason ', reason));
    actions.forEach(function (a) {
      bar.appendChild(el('button', { id: 'action-' + a, class: 'action ' + a, text: a, onclick: function () {
        result.textContent = a + '…';
        api('POST', base + '/' + a, { reason: reason.value }).then(function (r) {
          result.textContent = a + ' accepted' + (r && r.state ? ': ' + r.state : '');
          after();
        }).catch(function (e) { result.textContent = a + ' refused: ' + e.message; });
      } }));
    });
    bar.appendChild(result);
    return bar;
  }

  function showCutover(id) {
    clear(app);
    var state = el('span', { id: 'cutover-state', class: 'state', text: '…' });
    var facts = el('dl', { class: 'facts' });
    var gates = el('tbody', { id: 'gates' });
    var steps = el('ol', { id: 'steps', class: 'timeline' });
    var audit = el('tbody', { id: 'audit' });
    var events = el('ol', { id: 'events', class: 'events' });
    var chartBox = el('div', { class: 'charts', id: 'charts' });
    var base = '/api/v1/cutovers/' + encodeURIComponent(id);
    app.appendChild(el('section', { class: 'card' },
      el('h2', {}, 'Cutover ', el('code', { text: id }), ' ', state, ' ', el('span', { id: 'live', class: 'live', text: '…' })),
      facts, actionBar(base, CUTOVER_ACTIONS, function () { reload(); })));
    app.appendChild(el('section', { class: 'card' }, el('h2', { text: 'Validation window' }), chartBox));
    app.appendChild(el('section', { class: 'card' }, el('h2', { text: 'Gates' }),
      el('table', {}, el('thead', {}, el('tr', {}, el('th', { text: 'Gate' }), el('th', { text: 'Verdict' }),
        el('th', { text: 'Reason' }))), gates)));
    app.appendChild(el('section', { class: 'card' }, el('h2', { text: 'Steps' }), steps));
    app.appendChild(el('section', { class: 'card' }, el('h2', { text: 'Live events' }), events));
    app.appendChild(el('section', { class: 'card' }, el('h2', { text: 'Audit trail' }),
      el('table', {}, el('thead', {}, el('tr', {}, ['When', 'Who', 'What', 'Detail'].map(function (h) {
        return el('th', { text: h });
      }))), audit)));
    var charts = makeCharts(chartBox);

    function setState(s) { state.textContent = s; state.className = 'state ' + s; }

    function render(c) {
      setState(c.state);
      clear(facts);
      [['Lease', c.leaseId], ['Region', c.region], ['Version', (c.previousVersion || '?') + ' → ' + c.candidateVersion],
        ['Ticket', c.ticketId], ['Rollback owner', c.rollbackOwner], ['Requested by', c.requestedBy],
        ['Current step', c.currentStep], ['Epoch', c.epoch], ['Reason', c.reason], ['Fleet', c.fleetId]]
        .forEach(function (p) {
          if (p[1] != null && p[1] !== '') { facts.appendChild(el('dt', { text: p[0] })); facts.appendChild(el('dd', { text: p[1] })); }
        });
      clear(gates);
      (c.steps || []).filter(function (s) { return s.kind === 'INVENTORY'; }).forEach(function (s) {
        (s.evidence || []).filter(function (e) { return e.name && e.name.indexOf('gate:') === 0; }).forEach(function (e) {
          var out = e.output || '';
          var first = out.split('\n')[0];
          var verdict = first.split(':')[0];
          gates.appendChild(el('tr', { class: e.exitCode === 0 ? 'pass' : 'fail' }, el('td', { text: e.name.slice(5) }),
            el('td', { text: verdict }), el('td', { text: first.slice(verdict.length + 1).trim() })));
        });
      });
      clear(steps);
      (c.steps || []).forEach(function (s) {
        var ev = el('details', {}, el('summary', { text: (s.evidence || []).length + ' evidence' }));
        (s.evidence || []).forEach(function (e) {
          ev.appendChild(el('div', { class: 'evidence' }, el('strong', { text: e.name }),
            e.command ? el('code', { text: ' $ ' + e.command }) : null,
            el('span', { text: ' exit ' + e.exitCode }), el('pre', { text: e.output || '' })));
        });
        steps.appendChild(el('li', { class: 'step ' + (s.outcome || s.state), 'data-kind': s.kind },
          el('strong', { text: s.kind }), ' ', el('span', { text: 'attempt ' + s.attempt }), ' ',
          el('span', { class: 'outcome', text: s.outcome || s.state }), ' ',
          el('span', { class: 'duration', text: fmtMs(s.durationMillis) }), ' ',
          el('span', { class: 'when', text: fmtTime(s.startedAt) }),
          s.reason ? el('div', { class: 'reason', text: s.reason }) : null, ev));
      });
      clear(audit);
      (c.audit || []).forEach(function (a) {
        audit.appendChild(el('tr', {}, el('td', { text: fmtTime(a.at) }), el('td', { text: a.actor }),
          el('td', { text: a.action }), el('td', { text: a.detail })));
      });
    }
    var pending = null;
    function reload() {
      pending = null;
      api('GET', base).then(render).catch(function (e) { setState('unknown: ' + e.message); });
    }
    reload();
    stream(base + '/events', function (type, d) {
      if (type === 'PROBE_ROUND') { charts.add(d); }
      if (type === 'CUTOVER_STATE') { setState(d.to); }
      var line = type + (d.to ? ' → ' + d.to : '') + (d.step ? ' ' + d.step : '') + (d.outcome ? ' ' + d.outcome : '')
        + (d.round ? ' round ' + d.round : '') + (d.action ? ' ' + d.action + ' by ' + d.actor : '')
        + (d.trigger ? ' ' + d.trigger + ': ' + d.observed : '') + (d.channel ? ' ' + d.channel + ' ' + d.kind : '');
      events.insertBefore(el('li', {}, el('span', { class: 'when', text: fmtTime(d.at) }), ' ', line), events.firstChild);
      while (events.childNodes.length > 200) { events.removeChild(events.lastChild); }
      if (type !== 'PROBE_ROUND' && !pending) { pending = setTimeout(reload, 400); }
    });
  }

  // ---------------------------------------------------------------- one fleet
  function showFleet(id) {
    clear(app);
    var state = el('span', { id: 'fleet-state', class: 'state', text: '…' });
    var waves = el('tbody', { id: 'waves' });
    var leases = el('tbody', { id: 'fleet-leases' });
    var events = el('ol', { id: 'events', class: 'events' });
    var base = '/api/v1/fleet-cutovers/' + encodeURIComponent(id);
    app.appendChild(el('section', { class: 'card' },
      el('h2', {}, 'Fleet ', el('code', { text: id }), ' ', state, ' ', el('span', { id: 'live', class: 'live', text: '…' })),
      actionBar(base, FLEET_ACTIONS, function () { reload(); })));
    app.appendChild(el('section', { class: 'card' }, el('h2', { text: 'Waves' }), el('table', {},
      el('thead', {}, el('tr', {}, ['#', 'Name', 'State', 'Leases'].map(function (h) { return el('th', { text: h }); }))), waves)));
    app.appendChild(el('section', { class: 'card' }, el('h2', { text: 'Leases' }), el('table', {},
      el('thead', {}, el('tr', {}, ['Lease', 'Wave', 'Cutover', 'Outcome'].map(function (h) { return el('th', { text: h }); }))), leases)));
    app.appendChild(el('section', { class: 'card' }, el('h2', { text: 'Live events' }), events));
    function render(f) {
      state.textContent = f.state; state.className = 'state ' + f.state;
      clear(waves);
      (f.waves || []).forEach(function (w) {
        waves.appendChild(el('tr', {}, el('td', { text: w.index }), el('td', { text: w.name }), el('td', { text: w.state }),
          el('td', { text: (w.leaseIds || []).join(', ') })));
      });
      clear(leases);
      (f.leases || []).forEach(function (l) {
        leases.appendChild(el('tr', {}, el('td', { text: l.leaseId }), el('td', { text: l.wave }),
          el('td', {}, l.cutoverId ? el('a', { href: '/cutovers/' + encodeURIComponent(l.cutoverId), text: l.cutoverId.slice(0, 8) }) : ''),
          el('td', { text: l.outcome || l.cutoverState || '' })));
      });
    }
    var pending = null;
    function reload() { pending = null; api('GET', base).then(render).catch(function (e) { state.textContent = e.message; }); }
    reload();
    stream(base + '/events', function (type, d) {
      events.insertBefore(el('li', {}, el('span', { class: 'when', text: fmtTime(d.at) }), ' ',
        type + (d.leaseId ? ' ' + d.leaseId : '') + (d.to ? ' → ' + d.to : '') + (d.waveName ? ' wave ' + d.waveName : '')
        + (d.reason ? ': ' + d.reason : '')), events.firstChild);
      if (!pending) { pending = setTimeout(reload, 400); }
    });
  }

  // ---------------------------------------------------------------- routing (/, /cutovers/<id>, /fleet-cutovers/<id>)
  function route() {
    stopStreams();
    if (!token() || !me()) { showLogin(); return; }
    header();
    var m = /^\/(cutovers|fleet-cutovers)\/([^/]+)\/?$/.exec(location.pathname);
    var h = /^#\/(cutovers|fleet-cutovers)\/([^/]+)$/.exec(location.hash);
    var match = m || h;
    if (match && match[1] === 'cutovers') { showCutover(decodeURIComponent(match[2])); }
    else if (match) { showFleet(decodeURIComponent(match[2])); }
    else { showOverview(); }
  }
  window.addEventListener('hashchange', route);
  route();
})();
