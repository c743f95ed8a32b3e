// The dashboard's live parts: the charts (uPlot, fed from /courier/api/series), the "needs attention" list and the
// topics' depths, refreshed every 5 seconds; the publish and invoke forms, sent to the REST API with the session's
// CSRF token. window.courier.charts holds each chart by its element's id (the tests read their data there).
(function () {
  const EVERY_MS = 5000;
  const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content;
  const charts = {};
  window.courier = { charts };

  const KINDS = {
    rates: [['published', '#1e88e5'], ['delivered', '#43a047'], ['failed', '#fb8c00'], ['deadLettered', '#e53935']],
    queue: [['depth', '#1e88e5'], ['inFlight', '#8e24aa'], ['dead', '#e53935']],
  };
  const LABELS = { deadLettered: 'dead-lettered', inFlight: 'in flight', dead: 'dead letters' };

  // Once the session has ended (logged out elsewhere, timed out, the server restarted), the page says so and stops
  // refreshing instead of showing figures that no longer move.
  let loggedOut = false;
  function sessionEnded() {
    if (loggedOut) {
      return;
    }
    loggedOut = true;
    const p = document.createElement('p');
    p.className = 'error';
    p.id = 'logged-out';
    const a = document.createElement('a');
    a.href = '/courier/login?next=' + encodeURIComponent(location.pathname + location.search);
    a.textContent = 'Log in again';
    p.append('Your session has ended: the figures on this page no longer refresh. ', a);
    document.querySelector('main').prepend(p);
  }

  async function getJson(url) {
    const response = await fetch(url, { credentials: 'same-origin' });
    if (response.status === 401) {
      sessionEnded();
    }
    if (!response.ok) {
      throw new Error(url + ': ' + response.status);
    }
    return response.json();
  }

  // ---- charts ----------------------------------------------------------------------------------------------

  function seriesOf(el, json) {
    switch (el.dataset.of) {
      case 'cluster': return json.cluster;
      case 'node': return (json.nodes || {})[el.dataset.node] || {};
      default: return json.series;
    }
  }

  function draw(el, json) {
    const kind = KINDS[el.dataset.kind];
    const figures = seriesOf(el, json);
    const data = [json.at.map(t => t / 1000)].concat(kind.map(([name]) => figures[name] || json.at.map(() => null)));
    const chart = charts[el.id];
    if (chart) {
      chart.setData(data);
      return;
    }
    const opts = {
      width: Math.max(320, el.clientWidth || 480), height: 200,
      series: [{}].concat(kind.map(([name, color]) => ({
        label: LABELS[name] || name, stroke: color, width: 1.5, spanGaps: false,
        value: (u, v) => v == null ? '-' : (el.dataset.kind === 'rates' ? v.toFixed(1) + '/s' : String(v)),
      }))),
      axes: [{}, { size: 60 }],
      scales: { y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
      legend: { live: true },
    };
    charts[el.id] = new uPlot(opts, data, el);
  }

  const chartGroups = document.querySelectorAll('[data-series]');
  let chartNumber = 0;
  chartGroups.forEach(group => group.querySelectorAll('.chart').forEach(el => {
    if (!el.id) {
      el.id = 'chart-' + (++chartNumber);
    }
  }));

  async function refreshCharts() {
    for (const group of chartGroups) {
      try {
        const json = await getJson(group.dataset.series);
        group.querySelectorAll('.chart').forEach(el => draw(el, json));
      } catch (e) {
        // the server is restarting or unreachable: the next round tries again
      }
    }
  }

  // ---- needs attention, topics' depths ---------------------------------------------------------------------

  const attention = document.getElementById('attention');
  async function refreshAttention() {
    try {
      const items = await getJson('/courier/api/attention');
      attention.replaceChildren(...items.map(item => {
        const li = document.createElement('li');
        li.className = item.kind;
        const a = document.createElement('a');
        a.href = item.href;
        a.textContent = item.text;
        li.appendChild(a);
        return li;
      }));
      document.getElementById('all-well').hidden = items.length > 0;
    } catch (e) {
      // tried again next round
    }
  }

  const depths = document.querySelectorAll('[data-depth]');
  async function refreshDepths() {
    try {
      const byName = new Map((await getJson('/courier/api/topics')).map(t => [t.name, t.depth]));
      depths.forEach(td => {
        if (byName.has(td.dataset.depth)) {
          td.textContent = byName.get(td.dataset.depth);
        }
      });
    } catch (e) {
      // tried again next round
    }
  }

  async function refresh() {
    if (chartGroups.length > 0) {
      await refreshCharts();
    }
    if (attention) {
      await refreshAttention();
    }
    if (depths.length > 0) {
      await refreshDepths();
    }
    if (!loggedOut) {
      setTimeout(refresh, EVERY_MS);
    }
  }
  if (chartGroups.length > 0 || attention || depths.length > 0) {
    refresh();
  }

  // ---- publish and invoke ----------------------------------------------------------------------------------

  document.querySelectorAll('form[data-api]').forEach(form => form.addEventListener('submit', async event => {
    event.preventDefault();
    const result = form.querySelector('.result');
    const params = new URLSearchParams();
    form.querySelectorAll('[data-param]').forEach(input => {
      if (input.value.trim() !== '') {
        params.set(input.dataset.param, input.value.trim());
      }
    });
    const url = form.dataset.api + (params.toString() ? '?' + params : '');
    result.className = 'result';
    result.textContent = '…';
    try {
      const response = await fetch(url, {
        method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
        body: form.querySelector('textarea').value,
      });
      if (response.status === 401) {
        sessionEnded();
      }
      const text = await response.text();
      let json = null;
      try {
        json = JSON.parse(text);
      } catch (e) {
        // not JSON: shown as it came
      }
      result.replaceChildren();
      if (!response.ok) {
        result.className = 'result error';
        result.textContent = json && json.error ? json.error : response.status + ' ' + text;
      } else if (form.dataset.call === 'publish') {
        result.className = 'result flash';
        const a = document.createElement('a');
        a.href = '/courier/message?id=' + encodeURIComponent(json.msgId);
        a.className = 'msg-id';
        a.textContent = json.msgId;
        result.append('Published: ', a);
      } else {
        result.className = 'result flash';
        const pre = document.createElement('pre');
        pre.className = 'response';
        pre.textContent = JSON.stringify(json, null, 2);
        result.append('Response:', pre);
      }
    } catch (e) {
      result.className = 'result error';
      result.textContent = 'No answer from the server: ' + e.message;
    }
  }));
})();
