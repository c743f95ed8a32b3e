// The topics page: polls the API every 2 seconds and draws each topic's recent depths as a sparkline.
(function () {
  const sparks = document.querySelectorAll('svg[data-spark]');
  if (sparks.length === 0) {
    return;
  }
  const POINTS = 60;
  const history = new Map();

  function draw(svg, values) {
    const w = svg.width.baseVal.value, h = svg.height.baseVal.value;
    const max = Math.max(1, ...values);
    const step = w / (POINTS - 1);
    if (values.length === 1) {
      values = [values[0], values[0]]; // a first, flat stroke
    }
    const offset = POINTS - values.length;
    const points = values.map((v, i) => ((offset + i) * step).toFixed(1) + ',' + (h - 1 - (v / max) * (h - 2)).toFixed(1));
    let line = svg.querySelector('polyline');
    if (!line) {
      line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
      svg.appendChild(line);
    }
    line.setAttribute('points', points.join(' '));
    svg.setAttribute('aria-label', 'depth now ' + values[values.length - 1] + ', at most ' + max);
  }

  async function poll() {
    try {
      const response = await fetch('/courier/api/topics', { credentials: 'same-origin' });
      if (response.ok) {
        for (const topic of await response.json()) {
          const values = history.get(topic.name) || [];
          values.push(topic.depth);
          if (values.length > POINTS) {
            values.shift();
          }
          history.set(topic.name, values);
          document.querySelectorAll('[data-depth]').forEach(td => {
            if (td.dataset.depth === topic.name) {
              td.textContent = topic.depth;
            }
          });
          sparks.forEach(svg => {
            if (svg.dataset.spark === topic.name) {
              draw(svg, values);
            }
          });
        }
      }
    } catch (e) {
      // the server is restarting or unreachable: the next poll tries again
    }
    setTimeout(poll, 2000);
  }
  poll();
})();
