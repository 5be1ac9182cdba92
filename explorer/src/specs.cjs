// Vega-Lite specifications of every chart, shared by the page (global
// ChokepointSpecs) and figures.mjs (CommonJS require). Each builder takes the
// model (model.cjs), a state {t: thresholds, specRow, ...} and options, and
// returns a complete Vega-Lite spec with its data inline under `datasets`, so
// the page can swap a named dataset (view.data(name, rows)) when a threshold
// moves and figures.mjs can render the very same spec to SVG.
(function (root, factory) {
  const api = factory(root);
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.ChokepointSpecs = api;
})(typeof globalThis !== 'undefined' ? globalThis : this, function (root) {
  'use strict';

  const M = (typeof module === 'object' && module.exports) ? require('./model.cjs') : root.ChokepointModel;
  const REGIMES = M.REGIMES;
  const COLORS = { stockpiling: '#d95f02', no_effect: '#7570b3', substitution: '#1b9e77', undefined: '#999999' };
  const REGIME_SCALE = { domain: REGIMES, range: REGIMES.map((r) => COLORS[r]) };
  const FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';
  const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

  function config() {
    return {
      font: FONT,
      title: { anchor: 'start', fontSize: 15, subtitleFontSize: 11, subtitlePadding: 4 },
      axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: '#eeeeee' },
      legend: { labelFontSize: 11, titleFontSize: 11, symbolOpacity: 1 },
      view: { stroke: '#cccccc' },
      background: 'white',
    };
  }

  // Title with the provenance line (red when the data are synthetic).
  function title(model, text, extra, includeSweep) {
    const sub = [model.provenanceLabel(!!includeSweep)].concat(extra || []);
    return {
      text,
      subtitle: sub,
      subtitleColor: model.isSynthetic() ? '#b00020' : '#555555',
      subtitleFontWeight: 'bold',
    };
  }

  // The outer title carries the chart's name and the provenance (red when
  // synthetic); the details (specification, thresholds, what marks mean) go to
  // the inner view's title, so every figure says what it shows.
  function finish(spec) {
    const t = spec.title;
    const details = t.subtitle.slice(1);
    const outer = {
      $schema: spec.$schema, title: Object.assign({}, t, { subtitle: [t.subtitle[0]] }),
      config: spec.config, datasets: spec.datasets,
    };
    const inner = {};
    for (const k of Object.keys(spec)) if (!(k in outer)) inner[k] = spec[k];
    if (details.length) inner.title = { text: details, fontSize: 11, fontWeight: 'normal', color: '#444444', anchor: 'start', offset: 8 };
    outer.vconcat = [inner];
    return outer;
  }

  function isNum(x) { return typeof x === 'number' && Number.isFinite(x); }
  function fmtT(t) {
    return 'g* = ' + t.gstar + ', v_hi = ' + t.vhi + ', v_lo = ' + t.vlo +
      ', semiconductor override ' + (t.override ? 'on' : 'off');
  }
  function short(name) {
    return String(name).replace(' Equipment', '').replace(' and ', ' & ').replace(' Process', '')
      .replace(' Measurement Devices', '').replace(' Precision', '').replace(' for Electronics', '')
      .replace(' and Components', '').replace(' Systems', '');
  }

  // ---------------------------------------------------------------------------
  // 1. The V-G plane
  // ---------------------------------------------------------------------------
  // A fixed domain (so the axes do not jump while a threshold moves): the
  // point estimates, their intervals, the default thresholds, padded.
  function planeDomain(model, specRow) {
    const pts = model.points(specRow);
    const xs = [model.defaults.gstar], ys = [model.defaults.vhi, model.defaults.vlo, 0];
    for (let i = 0; i < model.n; ++i) {
      if (isNum(pts.G[i])) xs.push(pts.G[i]);
      if (isNum(pts.V[i])) ys.push(pts.V[i]);
      const iv = pts.source === 'run' ? model.interval(i) : null;
      if (iv) { xs.push(iv.Glo, iv.Ghi); ys.push(iv.Vlo, iv.Vhi); }
    }
    // the run's points too, so switching specs keeps them comparable
    const r = model.points(-1);
    for (let i = 0; i < model.n; ++i) { if (isNum(r.G[i])) xs.push(r.G[i]); if (isNum(r.V[i])) ys.push(r.V[i]); }
    const pad = (lo, hi, f) => { const d = (hi - lo) || 1; return [lo - f * d, hi + f * d]; };
    const x = pad(Math.min.apply(null, xs), Math.max.apply(null, xs), 0.06);
    const y = pad(Math.min.apply(null, ys), Math.max.apply(null, ys), 0.06);
    y[0] = Math.max(0, y[0]);
    return { x: x.map((v) => Math.round(v * 1000) / 1000), y: y.map((v) => Math.round(v * 1000) / 1000) };
  }

  // The six cells as rectangles, shaded by the regime a non-semiconductor
  // group gets there (docs/method.md §3.3); semiconductor groups with high
  // growth are stockpiling when the override is on (§3.4).
  function planeCells(t, dom) {
    const clampX = (v) => Math.min(dom.x[1], Math.max(dom.x[0], v));
    const clampY = (v) => Math.min(dom.y[1], Math.max(dom.y[0], v));
    const ys = [[t.vhi, dom.y[1]], [t.vlo, t.vhi], [dom.y[0], t.vlo]];
    const xs = [[t.gstar, dom.x[1]], [dom.x[0], t.gstar]];
    const out = [];
    for (let v = 0; v < 3; ++v) {
      for (let g = 0; g < 2; ++g) {
        const regime = M.regimeOf(v, g, false, t);
        const semiRegime = M.regimeOf(v, g, true, t);
        out.push({
          cell: M.CELL_NAMES[2 * v + g],
          label: M.VOLATILITY[v] + ' vol. / ' + M.GROWTH[g] + ' growth',
          regime: M.regimeName(regime),
          note: semiRegime !== regime ? 'semiconductor groups: ' + M.regimeName(semiRegime) : '',
          x: clampX(xs[g][0]), x2: clampX(xs[g][1]), y: clampY(ys[v][0]), y2: clampY(ys[v][1]),
          lx: clampX(g === 0 ? xs[g][1] : xs[g][0]), ly: clampY(ys[v][1]),
          align: g === 0 ? 'right' : 'left',
        });
      }
    }
    return out.filter((c) => c.x2 > c.x && c.y2 > c.y);
  }

  function planeRules(model, t) {
    const d = model.defaults;
    const rules = [
      { axis: 'x', value: t.gstar, label: 'g* = ' + t.gstar, kind: 'current' },
      { axis: 'y', value: t.vhi, label: 'v_hi = ' + t.vhi, kind: 'current' },
      { axis: 'y', value: t.vlo, label: 'v_lo = ' + t.vlo, kind: 'current-low' },
    ];
    if (d.gstar !== t.gstar) rules.push({ axis: 'x', value: d.gstar, label: 'default g* = ' + d.gstar, kind: 'default' });
    if (d.vhi !== t.vhi) rules.push({ axis: 'y', value: d.vhi, label: 'default v_hi = ' + d.vhi, kind: 'default' });
    if (d.vlo !== t.vlo) rules.push({ axis: 'y', value: d.vlo, label: 'default v_lo = ' + d.vlo, kind: 'default' });
    return rules;
  }

  function planePoints(model, state) {
    const states = model.groupStates(state.specRow, state.t);
    return states.filter((s) => isNum(s.V) && isNum(s.G)).map((s) => {
      const pr = state.specRow < 0 || model.isRunSpec(state.specRow) ? model.regimeProbabilities(s.i, state.t) : null;
      return {
        group: s.name, label: short(s.name), V: s.V, G: s.G, regime: s.regimeName,
        default_regime: s.defaultRegimeName,
        flipped: s.flipped ? 'flipped' : 'unchanged',
        semiconductor: s.semiconductor ? 'semiconductor-related' : 'other',
        tipping: s.tipping.map((x) => x.text).join('; '),
        p_regime: pr ? Math.round(pr.p[s.regime] * 1000) / 1000 : null,
      };
    });
  }

  function planeIntervals(model, state) {
    if (!(state.specRow < 0 || model.isRunSpec(state.specRow))) return [];
    const out = [];
    const pts = model.points(-1);
    for (let i = 0; i < model.n; ++i) {
      const iv = model.interval(i);
      if (!iv || !isNum(pts.V[i]) || !isNum(pts.G[i])) continue;
      out.push({ group: model.groups[i], V: pts.V[i], G: pts.G[i], Vlo: iv.Vlo, Vhi: iv.Vhi, Glo: iv.Glo, Ghi: iv.Ghi });
    }
    return out;
  }

  // The named datasets of the plane (what changes when a threshold moves).
  function planeData(model, state, dom) {
    const runSpec = state.specRow < 0 || model.isRunSpec(state.specRow);
    const showCloud = state.uncertainty === 'cloud' && runSpec;
    const showIv = state.uncertainty === 'interval' && runSpec;
    return {
      cells: planeCells(state.t, dom),
      rules: planeRules(model, state.t),
      cloud: showCloud ? model.cloud(state.t, state.cloudPerGroup || 0).filter(
        (c) => c.G >= dom.x[0] && c.G <= dom.x[1] && c.V >= dom.y[0] && c.V <= dom.y[1]) : [],
      intervals: showIv ? planeIntervals(model, state) : [],
      points: planePoints(model, state),
    };
  }

  // Everything of the plane's spec that depends on the data and the state;
  // planeSpecFrom(params) is a pure function of these, so build.mjs can
  // compile it to Vega once, with stand-in values (planeVega below).
  function planeParams(model, state, opts) {
    opts = opts || {};
    const dom = state.domain || planeDomain(model, state.specRow);
    const runSpec = state.specRow < 0 || model.isRunSpec(state.specRow);
    const b = model.bootstrap;
    const unc = !runSpec ? 'bootstrap clouds and intervals exist for the run\'s specification only'
      : state.uncertainty === 'cloud' ? (model.hasReplicates() ? 'dots: ' + (state.cloudPerGroup && state.cloudPerGroup < b.B ? state.cloudPerGroup + ' of ' : '') + (b.B || '') + ' bootstrap replicates per group (' + (b.scheme || '') + ' scheme), coloured by their own regime' : 'no bootstrap replicates in the run file')
        : state.uncertainty === 'interval' ? (b && b.interval ? 'bars: ' + Math.round((b.level || 0.9) * 100) + '% bootstrap intervals (' + b.interval.name + ')' : 'no bootstrap intervals in the run file')
          : '';
    const t = title(model, 'Volatility V against growth G, every group',
      [model.specDescription(state.specRow) + (opts.liveThresholds ? ' | thresholds as labelled on the lines' : ' | ' + fmtT(state.t)), unc].filter(Boolean), !runSpec);
    return {
      subtitle: t.subtitle[0], subtitleColor: t.subtitleColor, details: t.subtitle.slice(1),
      xdom: dom.x, ydom: dom.y, width: opts.width || 720, height: opts.height || 480,
      data: planeData(model, state, dom),
    };
  }

  function planeSpec(model, state, opts) {
    return planeSpecFrom(planeParams(model, state, opts));
  }

  function planeSpecFrom(p) {
    const data = p.data;
    const x = { field: 'G', type: 'quantitative', title: 'growth index G', scale: { domain: p.xdom, nice: false, zero: false } };
    const y = { field: 'V', type: 'quantitative', title: 'volatility index V', scale: { domain: p.ydom, nice: false, zero: false } };
    const spec = {
      $schema: SCHEMA,
      title: { text: 'Volatility V against growth G, every group', subtitle: [p.subtitle].concat(p.details), subtitleColor: p.subtitleColor, subtitleFontWeight: 'bold' },
      width: p.width, height: p.height,
      config: config(),
      datasets: data,
      layer: [
        {
          data: { name: 'cells' }, mark: { type: 'rect', opacity: 0.13 },
          encoding: {
            x: Object.assign({}, x, { field: 'x' }), x2: { field: 'x2' }, y: Object.assign({}, y, { field: 'y' }), y2: { field: 'y2' },
            color: { field: 'regime', type: 'nominal', scale: REGIME_SCALE },
            tooltip: [{ field: 'cell' }, { field: 'regime', title: 'regime (other groups)' }, { field: 'note' }],
          },
        },
        {
          data: { name: 'cells' }, transform: [{ filter: "datum.align === 'right'" }],
          mark: { type: 'text', baseline: 'top', align: 'right', dx: -4, dy: 4, fontSize: 10, color: '#555' },
          encoding: { x: Object.assign({}, x, { field: 'lx' }), y: Object.assign({}, y, { field: 'ly' }), text: { field: 'label' } },
        },
        {
          data: { name: 'cells' }, transform: [{ filter: "datum.align === 'left'" }],
          mark: { type: 'text', baseline: 'top', align: 'left', dx: 4, dy: 4, fontSize: 10, color: '#555' },
          encoding: { x: Object.assign({}, x, { field: 'lx' }), y: Object.assign({}, y, { field: 'ly' }), text: { field: 'label' } },
        },
        {
          data: { name: 'cloud' }, mark: { type: 'circle', size: 5, opacity: 0.22, clip: true },
          encoding: {
            x, y, color: { field: 'regime', type: 'nominal', scale: REGIME_SCALE },
          },
        },
        {
          data: { name: 'intervals' }, mark: { type: 'rule', strokeWidth: 1.2, color: '#333', clip: true },
          encoding: { x: Object.assign({}, x, { field: 'Glo' }), x2: { field: 'Ghi' }, y },
        },
        {
          data: { name: 'intervals' }, mark: { type: 'rule', strokeWidth: 1.2, color: '#333', clip: true },
          encoding: { x, y: Object.assign({}, y, { field: 'Vlo' }), y2: { field: 'Vhi' } },
        },
        {
          data: { name: 'rules' }, transform: [{ filter: "datum.axis === 'x'" }],
          mark: { type: 'rule', clip: true },
          encoding: {
            x: Object.assign({}, x, { field: 'value' }),
            strokeDash: { condition: { test: "datum.kind === 'default'", value: [2, 3] }, value: [1, 0] },
            color: { condition: { test: "datum.kind === 'default'", value: '#999' }, value: '#222' },
            strokeWidth: { condition: { test: "datum.kind === 'default'", value: 1 }, value: 2 },
          },
        },
        {
          data: { name: 'rules' }, transform: [{ filter: "datum.axis === 'y'" }],
          mark: { type: 'rule', clip: true },
          encoding: {
            y: Object.assign({}, y, { field: 'value' }),
            strokeDash: { condition: { test: "datum.kind === 'default'", value: [2, 3] }, value: { expr: "datum.kind === 'current-low' ? [6, 3] : [1, 0]" } },
            color: { condition: { test: "datum.kind === 'default'", value: '#999' }, value: '#222' },
            strokeWidth: { condition: { test: "datum.kind === 'default'", value: 1 }, value: 2 },
          },
        },
        {
          data: { name: 'rules' }, transform: [{ filter: "datum.axis === 'x'" }],
          mark: { type: 'text', angle: 270, align: 'right', baseline: 'bottom', dx: -4, dy: -3, fontSize: 10 },
          encoding: {
            x: Object.assign({}, x, { field: 'value' }), y: { value: 0 }, text: { field: 'label' },
            color: { condition: { test: "datum.kind === 'default'", value: '#888' }, value: '#222' },
          },
        },
        {
          data: { name: 'rules' }, transform: [{ filter: "datum.axis === 'y'" }],
          mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 3, dy: -2, fontSize: 10 },
          encoding: {
            y: Object.assign({}, y, { field: 'value' }), x: { value: 0 }, text: { field: 'label' },
            color: { condition: { test: "datum.kind === 'default'", value: '#888' }, value: '#222' },
          },
        },
        {
          data: { name: 'points' },
          mark: { type: 'point', filled: true, size: 110, opacity: 1 },
          encoding: {
            x, y,
            color: { field: 'regime', type: 'nominal', scale: REGIME_SCALE, title: 'regime' },
            shape: { field: 'semiconductor', type: 'nominal', scale: { domain: ['semiconductor-related', 'other'], range: ['diamond', 'circle'] }, title: 'group' },
            stroke: { condition: { test: "datum.flipped === 'flipped'", value: '#e7298a' }, value: '#222' },
            strokeWidth: { condition: { test: "datum.flipped === 'flipped'", value: 4 }, value: 0.8 },
            tooltip: [
              { field: 'group' }, { field: 'V', format: '.4f' }, { field: 'G', format: '.4f' },
              { field: 'regime' }, { field: 'default_regime', title: 'at default thresholds' },
              { field: 'p_regime', title: 'bootstrap P(regime)', format: '.3f' },
              { field: 'tipping', title: 'tipping value' },
            ],
          },
        },
        {
          data: { name: 'points' }, transform: [{ filter: "datum.flipped !== 'flipped'" }],
          mark: { type: 'text', align: 'left', dx: 8, dy: -6, fontSize: 10, color: '#222' },
          encoding: { x, y, text: { field: 'label' } },
        },
        {
          data: { name: 'points' }, transform: [{ filter: "datum.flipped === 'flipped'" }],
          mark: { type: 'text', align: 'left', dx: 8, dy: -6, fontSize: 11, fontWeight: 'bold', color: '#e7298a' },
          encoding: { x, y, text: { field: 'label' } },
        },
        {
          data: { name: 'points' }, transform: [{ filter: "datum.flipped === 'flipped'" }],
          mark: { type: 'text', align: 'left', dx: 8, dy: 7, fontSize: 9, color: '#e7298a' },
          encoding: { x, y, text: { field: 'tipping' } },
        },
      ],
      resolve: { scale: { color: 'shared' } },
    };
    return finish(spec);
  }

  // The plane compiled to Vega ahead of time. Compiling the Vega-Lite spec is
  // most of the cost of the page's first chart (a cold Vega-Lite compile takes
  // 250 ms or more), and the plane's Vega-Lite spec varies only in
  // planeParams, so build.mjs compiles planeSpecFrom once with stand-in values
  // (PLANE_STANDINS) and marks where each lands ({$chk: key});
  // planeVega(params, pre) puts the real values there. test/figures_test.mjs
  // checks the result equals vegaLite.compile(planeSpecFrom(params)).spec.
  const PLANE_DATASETS = ['cells', 'rules', 'cloud', 'intervals', 'points'];
  const PLANE_STANDINS = {
    subtitle: '\u0001chk:subtitle', subtitleColor: '\u0001chk:subtitleColor', details: '\u0001chk:details',
    xdom0: -1234567.125, xdom1: 7654321.875, ydom0: -2345678.25, ydom1: 8765432.5, width: 3331.0625, height: 4441.0625,
  };
  function precompilePlane(vl) {
    const S = PLANE_STANDINS;
    const data = {};
    for (const k of PLANE_DATASETS) data[k] = [];
    const vg = vl.compile(planeSpecFrom({
      subtitle: S.subtitle, subtitleColor: S.subtitleColor, details: [S.details],
      xdom: [S.xdom0, S.xdom1], ydom: [S.ydom0, S.ydom1], width: S.width, height: S.height, data,
    })).spec;
    const byValue = new Map(Object.keys(S).map((k) => [S[k], k]));
    const used = {};
    const mark = (key) => { used[key] = (used[key] || 0) + 1; return { $chk: key }; };
    const walk = (node) => {
      if (Array.isArray(node)) {
        if (node.length === 1 && node[0] === S.details) return mark('details');
        return node.map(walk);
      }
      if (node && typeof node === 'object') {
        const out = {};
        for (const k of Object.keys(node)) {
          if (k === 'values' && PLANE_DATASETS.includes(node.name) && Array.isArray(node.values) && node.values.length === 0) out[k] = mark('data.' + node.name);
          else out[k] = walk(node[k]);
        }
        return out;
      }
      if (byValue.has(node)) return mark(byValue.get(node));
      return node;
    };
    const pre = walk(vg);
    // every stand-in must have landed as a whole value exactly once (not
    // inside an expression or a string, where it could not be replaced)
    const text = JSON.stringify(pre);
    for (const k of Object.keys(S).concat(PLANE_DATASETS.map((d) => 'data.' + d))) {
      if (used[k] !== 1) throw new Error('precompiled plane: stand-in ' + k + ' found ' + (used[k] || 0) + ' times, expected 1');
    }
    for (const k of Object.keys(S)) {
      const needle = typeof S[k] === 'string' ? S[k].slice(1) : String(Math.abs(S[k]));
      if (text.includes(needle)) throw new Error('precompiled plane: stand-in ' + k + ' left inside a value');
    }
    return pre;
  }

  // The plane's Vega spec from the precompiled one (a fresh object each time).
  function planeVega(p, pre) {
    const vals = {
      subtitle: p.subtitle, subtitleColor: p.subtitleColor, details: p.details,
      xdom0: p.xdom[0], xdom1: p.xdom[1], ydom0: p.ydom[0], ydom1: p.ydom[1], width: p.width, height: p.height,
    };
    for (const k of PLANE_DATASETS) vals['data.' + k] = p.data[k];
    const fill = (node) => {
      if (Array.isArray(node)) return node.map(fill);
      if (node && typeof node === 'object') {
        if (typeof node.$chk === 'string') {
          if (!(node.$chk in vals) || vals[node.$chk] === undefined) throw new Error('precompiled plane: no value for ' + node.$chk);
          return vals[node.$chk];
        }
        const out = {};
        for (const k of Object.keys(node)) out[k] = fill(node[k]);
        return out;
      }
      return node;
    };
    if (!p.details.length) throw new Error('precompiled plane: the inner title needs at least one line');
    return fill(pre);
  }

  // One step further: the plane's Vega spec parsed to Vega's runtime dataflow
  // (vega.parse; another 70-100 ms of a cold first load), with the stand-ins
  // marked again. The runtime holds the title lines and the colour as
  // JavaScript code ({code: '["..."]'}): marked {$chkcode: key}, filled with
  // the value as a code literal (vega-util stringValue). test/figures_test.mjs
  // checks planeRuntime(params, pre) equals vega.parse(planeVega(params, ...)).
  function codeLiteral(x) {
    return Array.isArray(x) ? '[' + x.map(codeLiteral).join(',') + ']'
      : (x !== null && typeof x === 'object') || typeof x === 'string' ? JSON.stringify(x).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')
        : x;
  }
  function preparsePlane(vegaSpecPre, vega) {
    const S = PLANE_STANDINS;
    const data = {};
    for (const k of PLANE_DATASETS) data[k] = [{ $chkdata: k }];
    const spec = planeVega({
      subtitle: S.subtitle, subtitleColor: S.subtitleColor, details: [S.details],
      xdom: [S.xdom0, S.xdom1], ydom: [S.ydom0, S.ydom1], width: S.width, height: S.height, data,
    }, vegaSpecPre);
    const rt = JSON.parse(JSON.stringify(vega.parse(spec, {})));
    const vals = { subtitle: S.subtitle, subtitleColor: S.subtitleColor, details: [S.details] };
    const codes = new Map();
    for (const k of Object.keys(vals)) {
      codes.set(String(codeLiteral(vals[k])), { $chkcode: k });
      codes.set(String(codeLiteral([vals[k]])), { $chkcode: k, wrap: 1 });
    }
    const byValue = new Map(Object.keys(S).map((k) => [S[k], k]));
    const used = {};
    const count = (key) => { used[key] = (used[key] || 0) + 1; };
    const walk = (node) => {
      if (Array.isArray(node)) {
        if (node.length === 1 && node[0] && typeof node[0] === 'object' && typeof node[0].$chkdata === 'string') {
          count('data.' + node[0].$chkdata);
          return { $chk: 'data.' + node[0].$chkdata };
        }
        return node.map(walk);
      }
      if (node && typeof node === 'object') {
        const out = {};
        for (const k of Object.keys(node)) {
          if (k === 'code' && typeof node[k] === 'string' && codes.has(node[k])) {
            const m = codes.get(node[k]);
            count(m.$chkcode);
            out[k] = Object.assign({}, m);
          } else out[k] = walk(node[k]);
        }
        return out;
      }
      if (byValue.has(node)) { count(byValue.get(node)); return { $chk: byValue.get(node) }; }
      return node;
    };
    const pre = walk(rt);
    const text = JSON.stringify(pre);
    for (const k of Object.keys(S).concat(PLANE_DATASETS.map((d) => 'data.' + d))) {
      if (!used[k]) throw new Error('preparsed plane: stand-in ' + k + ' not found');
    }
    for (const k of Object.keys(S)) {
      const needle = typeof S[k] === 'string' ? 'chk:' + k : String(Math.abs(S[k]));
      if (text.includes(needle)) throw new Error('preparsed plane: stand-in ' + k + ' left inside a value or expression');
    }
    if (text.includes('$chkdata')) throw new Error('preparsed plane: a dataset stand-in left inside a value');
    return pre;
  }

  // The plane's Vega runtime (for new vega.View) from the preparsed one.
  function planeRuntime(p, pre) {
    const vals = {
      subtitle: p.subtitle, subtitleColor: p.subtitleColor, details: p.details,
      xdom0: p.xdom[0], xdom1: p.xdom[1], ydom0: p.ydom[0], ydom1: p.ydom[1], width: p.width, height: p.height,
    };
    for (const k of PLANE_DATASETS) vals['data.' + k] = p.data[k];
    const get = (key) => {
      if (!(key in vals) || vals[key] === undefined) throw new Error('preparsed plane: no value for ' + key);
      return vals[key];
    };
    const fill = (node) => {
      if (Array.isArray(node)) return node.map(fill);
      if (node && typeof node === 'object') {
        if (typeof node.$chk === 'string') return get(node.$chk);
        const out = {};
        for (const k of Object.keys(node)) {
          const v = node[k];
          if (k === 'code' && v && typeof v === 'object' && typeof v.$chkcode === 'string') {
            const x = get(v.$chkcode);
            out[k] = codeLiteral(v.wrap ? [x] : x);
          } else out[k] = fill(v);
        }
        return out;
      }
      return node;
    };
    if (!p.details.length) throw new Error('preparsed plane: the inner title needs at least one line');
    return fill(pre);
  }

  // ---------------------------------------------------------------------------
  // 2. Index specification: the chosen spec's points against the run's
  // ---------------------------------------------------------------------------
  function specShiftSpec(model, state, opts) {
    opts = opts || {};
    const run = model.points(-1);
    const cur = model.points(state.specRow);
    const t = state.t;
    const rows = [];
    for (let i = 0; i < model.n; ++i) {
      const c0 = M.classify(run.V[i], run.G[i], model.semiconductor[i], t);
      const c1 = M.classify(cur.V[i], cur.G[i], model.semiconductor[i], t);
      rows.push({
        group: model.groups[i], label: short(model.groups[i]),
        V0: run.V[i], G0: run.G[i], V: cur.V[i], G: cur.G[i],
        regime0: c0 ? M.REGIMES[c0.regime] : 'undefined', regime: c1 ? M.REGIMES[c1.regime] : 'undefined',
        status: cur.status[i],
      });
    }
    const ok = rows.filter((r) => isNum(r.V) && isNum(r.G));
    const xs = [t.gstar], ys = [t.vhi, t.vlo];
    rows.forEach((r) => { [r.G0, r.G].forEach((v) => isNum(v) && xs.push(v)); [r.V0, r.V].forEach((v) => isNum(v) && ys.push(v)); });
    const pad = (a) => { const lo = Math.min.apply(null, a), hi = Math.max.apply(null, a), d = (hi - lo) || 1; return [lo - 0.06 * d, hi + 0.06 * d]; };
    const dx = pad(xs), dy = pad(ys);
    dy[0] = Math.max(0, dy[0]);
    const x = { field: 'G', type: 'quantitative', title: 'growth index G', scale: { domain: dx, nice: false, zero: false } };
    const y = { field: 'V', type: 'quantitative', title: 'volatility index V', scale: { domain: dy, nice: false, zero: false } };
    return finish({
      $schema: SCHEMA,
      title: title(model, 'Point estimates: chosen specification against the run\'s',
        ['hollow grey: ' + model.specDescription(-1) + ' (run); filled: ' + model.specDescription(state.specRow) + ' (sweep)', fmtT(t)], true),
      width: opts.width || 720, height: opts.height || 440,
      config: config(),
      datasets: { shift: ok, thr: [{ axis: 'x', value: t.gstar }, { axis: 'y', value: t.vhi }, { axis: 'y', value: t.vlo }] },
      layer: [
        { data: { name: 'thr' }, transform: [{ filter: "datum.axis === 'x'" }], mark: { type: 'rule', color: '#444', strokeDash: [4, 3] }, encoding: { x: Object.assign({}, x, { field: 'value' }) } },
        { data: { name: 'thr' }, transform: [{ filter: "datum.axis === 'y'" }], mark: { type: 'rule', color: '#444', strokeDash: [4, 3] }, encoding: { y: Object.assign({}, y, { field: 'value' }) } },
        {
          data: { name: 'shift' }, mark: { type: 'rule', color: '#999', strokeWidth: 1 },
          encoding: { x: Object.assign({}, x, { field: 'G0' }), y: Object.assign({}, y, { field: 'V0' }), x2: { field: 'G' }, y2: { field: 'V' } },
        },
        {
          data: { name: 'shift' }, mark: { type: 'point', filled: false, size: 70, color: '#888' },
          encoding: { x: Object.assign({}, x, { field: 'G0' }), y: Object.assign({}, y, { field: 'V0' }), tooltip: [{ field: 'group' }, { field: 'G0', title: 'G (run)', format: '.4f' }, { field: 'V0', title: 'V (run)', format: '.4f' }, { field: 'regime0', title: 'regime (run spec)' }] },
        },
        {
          data: { name: 'shift' }, mark: { type: 'point', filled: true, size: 90 },
          encoding: {
            x, y, color: { field: 'regime', type: 'nominal', scale: REGIME_SCALE, title: 'regime (chosen spec)' },
            tooltip: [{ field: 'group' }, { field: 'G', format: '.4f' }, { field: 'V', format: '.4f' }, { field: 'regime' }, { field: 'regime0', title: 'regime (run spec)' }],
          },
        },
        { data: { name: 'shift' }, mark: { type: 'text', align: 'left', dx: 7, dy: -5, fontSize: 10 }, encoding: { x, y, text: { field: 'label' } } },
      ],
    });
  }

  // ---------------------------------------------------------------------------
  // 3. Specification curve
  // ---------------------------------------------------------------------------
  const AXIS_TITLES = { weighting: 'weighting', window_start: 'window start', window_end: 'window end', frequency: 'frequency', base: 'base' };

  function specCurveSpec(model, state, opts) {
    opts = opts || {};
    const mode = opts.mode || 'count';
    const regime = opts.regime || 'substitution';
    const rows = model.specCurve(state.t, mode, { group: opts.group, regime, variable: opts.variable || 'G' });
    const sw = model.sw;
    const order = ['weighting', 'window_start', 'window_end', 'frequency', 'base'];
    const indicators = [];
    const labels = [];
    for (const a of order) for (const v of sw.axes[a]) labels.push(AXIS_TITLES[a] + ': ' + v);
    for (const r of rows) {
      for (const a of order) {
        indicators.push({ rank: r.rank, choice: AXIS_TITLES[a] + ': ' + r.choice[a], axis: AXIS_TITLES[a], isDefault: r.isDefault });
      }
    }
    const width = opts.width || 900;
    const xEnc = { field: 'rank', type: 'quantitative', title: null, scale: { domain: [0, rows.length + 1], nice: false, zero: false }, axis: { labels: false, ticks: false, grid: false } };
    const n = rows.length;
    let top, subtitle;
    if (mode === 'group') {
      const gname = model.groups[opts.group];
      const variable = opts.variable === 'V' ? 'V' : 'G';
      const thr = variable === 'G' ? state.t.gstar : state.t.vhi;
      subtitle = [gname + ': ' + variable + ' at each of ' + n + ' coherent index specifications, sorted; colour = regime at ' + fmtT(state.t) + '; black = the run\'s specification'];
      top = {
        width, height: 260,
        layer: [
          { data: { values: [{ v: thr }] }, mark: { type: 'rule', strokeDash: [4, 3], color: '#444' }, encoding: { y: { field: 'v', type: 'quantitative' } } },
          {
            data: { name: 'curve' }, mark: { type: 'point', filled: true, size: 18 },
            encoding: {
              x: xEnc,
              y: { field: 'y', type: 'quantitative', title: (variable === 'G' ? 'growth index G' : 'volatility index V') + ' of ' + short(gname), scale: { zero: false } },
              color: { field: 'regime', type: 'nominal', scale: REGIME_SCALE, title: 'regime' },
              tooltip: [{ field: 'description', title: 'specification' }, { field: 'G', format: '.4f' }, { field: 'V', format: '.4f' }, { field: 'regime' }],
            },
          },
          {
            data: { name: 'curve' }, transform: [{ filter: 'datum.isDefault' }],
            mark: { type: 'point', filled: true, size: 90, color: 'black', shape: 'diamond' },
            encoding: { x: xEnc, y: { field: 'y', type: 'quantitative' } },
          },
        ],
      };
    } else {
      subtitle = ['groups classified ' + regime + ' at each of ' + n + ' coherent index specifications, sorted; ' + fmtT(state.t) + '; black = the run\'s specification; point estimates'];
      top = {
        width, height: 240,
        layer: [
          {
            data: { name: 'curve' }, mark: { type: 'point', filled: true, size: 18, color: COLORS[regime] },
            encoding: {
              x: xEnc,
              y: { field: 'y', type: 'quantitative', title: 'groups in ' + regime + ' (of ' + model.n + ')', scale: { domain: [0, model.n] } },
              tooltip: [{ field: 'description', title: 'specification' }, { field: 'y', title: 'groups in ' + regime }],
            },
          },
          {
            data: { name: 'curve' }, transform: [{ filter: 'datum.isDefault' }],
            mark: { type: 'point', filled: true, size: 90, color: 'black', shape: 'diamond' },
            encoding: { x: xEnc, y: { field: 'y', type: 'quantitative' }, tooltip: [{ field: 'description' }, { field: 'y' }] },
          },
        ],
      };
    }
    const bottom = {
      width, height: labels.length * 11,
      data: { name: 'indicators' },
      mark: { type: 'tick', orient: 'vertical', thickness: 1, size: 9 },
      encoding: {
        x: Object.assign({}, xEnc, { title: 'specifications, sorted (rank)', axis: { grid: false } }),
        y: { field: 'choice', type: 'nominal', sort: labels, title: null, axis: { labelFontSize: 9 } },
        color: { field: 'axis', type: 'nominal', legend: null, scale: { scheme: 'dark2' } },
      },
    };
    return finish({
      $schema: SCHEMA,
      title: title(model, 'Specification curve' + (mode === 'group' ? ': ' + model.groups[opts.group] : ''), subtitle, true),
      config: config(),
      datasets: { curve: rows.map((r) => Object.assign({}, r, { choice: undefined })), indicators },
      vconcat: [top, bottom],
      spacing: 6,
      resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
    });
  }

  // ---------------------------------------------------------------------------
  // 4. Stability heatmap over (g*, v_hi)
  // ---------------------------------------------------------------------------
  function midEdges(a) {
    const e = [];
    for (let k = 0; k < a.length; ++k) {
      const lo = k === 0 ? a[0] - (a[1] - a[0]) / 2 : (a[k - 1] + a[k]) / 2;
      const hi = k === a.length - 1 ? a[k] + (a[k] - a[k - 1]) / 2 : (a[k] + a[k + 1]) / 2;
      e.push([lo, hi]);
    }
    return e;
  }

  function stabilitySpec(model, state, opts) {
    opts = opts || {};
    const source = opts.source || 'bootstrap';
    const target = opts.target || 'point';
    const st = model.stability(state.t, source, target);
    if (!st) return null;
    const ax = st.axes;
    const ge = midEdges(ax.growth), he = midEdges(ax.vhi);
    const gi = new Map(ax.growth.map((g, k) => [g, k])), hi = new Map(ax.vhi.map((h, k) => [h, k]));
    const cells = st.rows.map((r) => {
      const k = gi.get(r.gstar), j = hi.get(r.vhi);
      return { group: r.group, gstar: r.gstar, vhi: r.vhi, x: ge[k][0], x2: ge[k][1], y: he[j][0], y2: he[j][1], share: r.share, point_regime: r.point_regime };
    });
    const marks = [];
    const groupsShown = Array.from(new Set(st.rows.map((r) => r.group)));
    for (const g of groupsShown) {
      marks.push({ group: g, gstar: model.defaults.gstar, vhi: model.defaults.vhi, kind: 'default' });
      marks.push({ group: g, gstar: state.t.gstar, vhi: state.t.vhi, kind: 'current' });
    }
    const what = source === 'specs'
      ? 'share of the sweep\'s ' + model.sw.coherent.length + ' coherent index specifications (point estimates)'
      : 'share of the run\'s ' + (model.bootstrap && model.bootstrap.B) + ' bootstrap replicates (' + model.specDescription(-1) + ')';
    const tgt = target === 'default' ? 'in the group\'s regime at the default thresholds' : 'in the point regime at that (g*, v_hi)';
    const x = { field: 'x', type: 'quantitative', title: 'g*', scale: { domain: [ge[0][0], ge[ge.length - 1][1]], nice: false, zero: false } };
    const y = { field: 'y', type: 'quantitative', title: 'v_hi', scale: { domain: [he[0][0], he[he.length - 1][1]], nice: false, zero: false } };
    // one dataset (a facet draws every layer from its own data): cells and markers
    const stab = cells.map((c) => Object.assign({ kind: 'cell' }, c)).concat(marks);
    return finish({
      $schema: SCHEMA,
      title: title(model, 'Stability of each group\'s regime over (g*, v_hi)',
        [what + ' ' + tgt, 'v_lo = ' + state.t.vlo + ', override ' + (state.t.override ? 'on' : 'off') + '; white cross = default thresholds, black ring = current; grid: ' + ax.source], source === 'specs'),
      config: Object.assign(config(), { view: { stroke: null } }),
      datasets: { stab },
      data: { name: 'stab' },
      facet: { field: 'group', type: 'nominal', title: null, sort: model.groups, header: { labelFontSize: 10, labelLimit: 200 } },
      columns: opts.columns || 5,
      spec: {
        width: opts.cellWidth || 150, height: opts.cellHeight || 110,
        layer: [
          {
            transform: [{ filter: "datum.kind === 'cell'" }], mark: { type: 'rect' },
            encoding: {
              x, x2: { field: 'x2' }, y, y2: { field: 'y2' },
              color: { field: 'share', type: 'quantitative', scale: { domain: [0, 1], scheme: 'viridis' }, title: 'share' },
              tooltip: [{ field: 'group' }, { field: 'gstar', title: 'g*' }, { field: 'vhi', title: 'v_hi' }, { field: 'share', format: '.3f' }, { field: 'point_regime', title: 'point regime' }],
            },
          },
          {
            transform: [{ filter: "datum.kind === 'default'" }],
            mark: { type: 'point', shape: 'cross', filled: true, color: 'white', size: 60, stroke: 'black', strokeWidth: 0.5 },
            encoding: { x: Object.assign({}, x, { field: 'gstar' }), y: Object.assign({}, y, { field: 'vhi' }) },
          },
          {
            transform: [{ filter: "datum.kind === 'current'" }],
            mark: { type: 'point', filled: false, color: 'black', size: 80, strokeWidth: 1.5 },
            encoding: { x: Object.assign({}, x, { field: 'gstar' }), y: Object.assign({}, y, { field: 'vhi' }) },
          },
        ],
      },
    });
  }

  // ---------------------------------------------------------------------------
  // 5. Monthly series with the models
  // ---------------------------------------------------------------------------
  function monthTime(m) {
    const y = +m.slice(0, 4), mo = +m.slice(5, 7);
    return Date.UTC(y, mo - 1, 1);
  }
  function nextMonthTime(m) {
    const y = +m.slice(0, 4), mo = +m.slice(5, 7);
    return Date.UTC(y, mo, 1);
  }

  function seriesSpec(model, state, opts) {
    opts = opts || {};
    const i = opts.group || 0;
    const s = model.seriesOf(i);
    const lines = [];
    const missing = [];
    s.months.forEach((m, k) => {
      const t = monthTime(m);
      const ok = s.present[k] && isNum(s.values[k]) && s.values[k] > 0;
      lines.push({ t, month: m, value: ok ? s.values[k] : null, series: 'imports (US$)' });
      if (!s.present[k]) missing.push({ t, month: m });
    });
    const extras = [];
    if (s.surge && s.surge.trend) {
      s.months.forEach((m, k) => {
        const tr = s.surge.trend[k], se = s.surge.seasonal[k], su = s.surge.surge[k];
        if (isNum(tr) && isNum(se) && isNum(su)) lines.push({ t: monthTime(m), month: m, value: Math.exp(tr + se + su), series: 'fitted: trend + season + surge' });
        if (isNum(tr)) lines.push({ t: monthTime(m), month: m, value: Math.exp(tr), series: 'fitted trend' + (s.surge.breakMonth ? ' (break ' + s.surge.breakMonth + ')' : '') });
      });
      extras.push('model: ' + s.surge.chosen + ', verdict ' + s.surge.verdict + (s.surge.reason ? ' (' + s.surge.reason + ')' : ''));
    }
    if (s.breaks && s.breaks.path) {
      s.months.forEach((m, k) => {
        const v = s.breaks.path[k];
        if (isNum(v)) lines.push({ t: monthTime(m), month: m, value: Math.exp(v), series: 'Bai-Perron segments' });
      });
      extras.push('breaks: ' + (s.breaks.dates.length ? s.breaks.dates.join(', ') : 'none') + ' (bands: ' + Math.round(100 * s.breaks.level) + '% intervals)');
    }
    const bands = s.breaks ? s.breaks.intervals.filter((b) => b.lo && b.hi).map((b) => ({
      t: monthTime(b.lo), t2: nextMonthTime(b.hi), date: b.date, interval: b.lo + '..' + b.hi, kind: 'break',
    })) : [];
    const breakRules = s.breaks ? s.breaks.intervals.map((b) => ({ t: monthTime(b.date), label: 'break ' + b.date })) : [];
    const onsets = s.surge ? s.surge.onsets.map((m) => ({ t: monthTime(m), label: 'surge ' + m })) : [];
    const first = s.months.length ? monthTime(s.months[0]) : 0, last = s.months.length ? nextMonthTime(s.months[s.months.length - 1]) : 0;
    const events = model.events.filter((e) => { const t = monthTime(e.month); return t >= first && t <= last; })
      .map((e) => ({ t: monthTime(e.month), label: e.month + ' ' + e.label }));
    const seriesNames = Array.from(new Set(lines.map((l) => l.series)));
    const palette = { 'imports (US$)': '#222222', 'Bai-Perron segments': '#7570b3' };
    const range = seriesNames.map((n) => palette[n] || (n.startsWith('fitted:') ? '#e6ab02' : '#1f78b4'));
    const dash = seriesNames.map((n) => (n.startsWith('fitted trend') ? [6, 3] : n === 'Bai-Perron segments' ? [2, 2] : [1, 0]));
    const x = { field: 't', type: 'temporal', title: 'month', scale: { type: 'utc' }, axis: { format: '%Y', tickCount: { interval: 'year', step: 1 } } };
    const yScale = opts.log === false ? { zero: false } : { type: 'log' };
    const datasets = { lines, bands, breakRules, onsets, events, missing };
    return finish({
      $schema: SCHEMA,
      title: title(model, model.groups[i] + ': monthly imports', extras.concat(['orange rules: surge onsets; purple bands: break-date intervals; grey rules: policy events' + (missing.length ? '; red ticks: missing months' : '')])),
      width: opts.width || 820, height: opts.height || 360,
      config: config(),
      datasets,
      layer: [
        { data: { name: 'bands' }, mark: { type: 'rect', color: '#7570b3', opacity: 0.18 }, encoding: { x: Object.assign({}, x, { field: 't' }), x2: { field: 't2' }, tooltip: [{ field: 'date', title: 'break' }, { field: 'interval' }] } },
        { data: { name: 'breakRules' }, mark: { type: 'rule', color: '#7570b3', strokeDash: [3, 2] }, encoding: { x, tooltip: [{ field: 'label' }] } },
        { data: { name: 'events' }, mark: { type: 'rule', color: '#888', strokeWidth: 1 }, encoding: { x, tooltip: [{ field: 'label', title: 'policy event' }] } },
        { data: { name: 'events' }, mark: { type: 'text', angle: 270, align: 'right', baseline: 'bottom', dx: -3, dy: -2, fontSize: 9, color: '#666' }, encoding: { x, y: { value: 0 }, text: { field: 'label' } } },
        { data: { name: 'onsets' }, mark: { type: 'rule', color: '#d95f02', strokeWidth: 2 }, encoding: { x, tooltip: [{ field: 'label' }] } },
        { data: { name: 'onsets' }, mark: { type: 'point', shape: 'triangle-down', filled: true, color: '#d95f02', size: 80 }, encoding: { x, y: { value: 0 } } },
        {
          data: { name: 'lines' }, mark: { type: 'line', invalid: null, strokeWidth: 1.4, interpolate: 'linear' },
          encoding: {
            x, y: { field: 'value', type: 'quantitative', title: 'imports, US$ per month' + (opts.log === false ? '' : ' (log scale)'), scale: yScale, axis: { format: '~s' } },
            color: { field: 'series', type: 'nominal', scale: { domain: seriesNames, range }, title: null, legend: { orient: 'bottom', direction: 'horizontal', columns: 2, labelLimit: 400 } },
            strokeDash: { field: 'series', type: 'nominal', scale: { domain: seriesNames, range: dash }, title: null },
            tooltip: [{ field: 'month' }, { field: 'series' }, { field: 'value', format: ',.4~s' }],
          },
        },
        { data: { name: 'missing' }, mark: { type: 'tick', color: '#d62728', thickness: 2 }, encoding: { x, y: { value: 0 } } },
      ].filter((l) => datasets[l.data.name].length > 0),
    });
  }

  // ---------------------------------------------------------------------------
  // 6. Aggregate shares of GDP
  // ---------------------------------------------------------------------------
  function aggregateSpec(model, state, opts) {
    opts = opts || {};
    const a = model.aggregate();
    if (!a) return null;
    const rows = [];
    const rolling = !!opts.rolling && a.rollingMonths;
    for (const s of a.series) {
      const name = s.category + ' ' + s.kind;
      if (rolling) {
        (s.rolling || []).forEach((v, k) => { if (isNum(v)) rows.push({ t: monthTime(a.rollingMonths[k]), period: a.rollingMonths[k], value: v, series: name, category: s.category, kind: s.kind }); });
      } else {
        s.annual.forEach((v, k) => { if (isNum(v)) rows.push({ t: Date.UTC(a.years[k], 0, 1), period: String(a.years[k]), value: v, series: name, category: s.category, kind: s.kind }); });
      }
    }
    const x = { field: 't', type: 'temporal', title: rolling ? '12 months ending' : 'year', scale: { type: 'utc' }, axis: { format: '%Y', tickCount: { interval: 'year', step: 1 } } };
    return finish({
      $schema: SCHEMA,
      title: title(model, 'Capital-goods and intermediate imports, % of GDP',
        [(rolling ? 'rolling 12-month sums' : 'annual') + '; total, semiconductor-adjusted (total minus semiconductor) and semiconductor part; GDP: ' + (a.gdpColumn || '')]),
      width: opts.width || 720, height: opts.height || 380,
      config: config(),
      datasets: { agg: rows },
      layer: [
        {
          data: { name: 'agg' }, mark: { type: 'line', strokeWidth: 2 },
          encoding: {
            x, y: { field: 'value', type: 'quantitative', title: '% of GDP' },
            color: { field: 'category', type: 'nominal', scale: { domain: ['capital', 'intermediate', 'combined'], range: ['#1f78b4', '#33a02c', '#6a3d9a'] }, title: 'imports' },
            strokeDash: { field: 'kind', type: 'nominal', scale: { domain: ['total', 'adjusted', 'semiconductor'], range: [[1, 0], [6, 3], [2, 2]] }, title: 'series', legend: { symbolType: 'stroke', symbolStrokeColor: '#333', symbolStrokeWidth: 2 } },
            detail: { field: 'series' },
            tooltip: [{ field: 'series' }, { field: 'period' }, { field: 'value', format: '.3f', title: '% of GDP' }],
          },
        },
        {
          data: { name: 'agg' }, mark: { type: 'point', filled: true, size: rolling ? 0 : 30 },
          encoding: {
            x, y: { field: 'value', type: 'quantitative' },
            color: { field: 'category', type: 'nominal', scale: { domain: ['capital', 'intermediate', 'combined'], range: ['#1f78b4', '#33a02c', '#6a3d9a'] }, title: 'imports' },
            tooltip: [{ field: 'series' }, { field: 'period' }, { field: 'value', format: '.3f', title: '% of GDP' }],
          },
        },
      ],
    });
  }

  return {
    COLORS, REGIME_SCALE, config, title, short,
    planeDomain, planeData, planeParams, planeSpec, planeSpecFrom, precompilePlane, planeVega, preparsePlane, planeRuntime, specShiftSpec, specCurveSpec, stabilitySpec, seriesSpec, aggregateSpec,
    monthTime,
  };
});
