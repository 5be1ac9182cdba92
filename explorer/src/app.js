// The explorer page: controls, views, and the bookkeeping the browser test
// reads (window.__explorerReady, window.__explorerTimings).
function chokepointExplorerMain() {
  'use strict';
  const M = window.ChokepointModel;
  const S = window.ChokepointSpecs;
  const T0 = performance.now();
  const timings = { scriptStart: T0, load: null, lastMatrixUpdateMs: null, lastChartUpdateMs: null, matrixUpdates: [], renders: {} };
  window.__explorerTimings = timings;
  window.__explorerReady = false;

  const $ = (sel, el) => (el || document).querySelector(sel);
  const h = (tag, attrs, children) => {
    const e = document.createElement(tag);
    if (attrs) for (const k of Object.keys(attrs)) {
      if (k === 'class') e.className = attrs[k];
      else if (k === 'text') e.textContent = attrs[k];
      else if (k === 'html') e.innerHTML = attrs[k];
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), attrs[k]);
      else if (attrs[k] !== undefined && attrs[k] !== null && attrs[k] !== false) e.setAttribute(k, attrs[k]);
    }
    for (const c of [].concat(children || [])) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  };
  const isNum = (x) => typeof x === 'number' && Number.isFinite(x);
  const f4 = (x) => (isNum(x) ? x.toFixed(4) : '–');
  // The page draws an evenly spaced subset of each group's replicates by
  // default (drawing all 17,000 costs about 0.5 s per update on a slow
  // machine); "all replicates" draws every one. Figures use all of them.
  const CLOUD_SAMPLE = 250;
  const EMBED_OPTS = {
    renderer: 'canvas',
    actions: { export: true, source: false, compiled: false, editor: false },
    downloadFileName: 'chokepoint',
    tooltip: { theme: 'light' },
  };

  // Charts: every one goes to vega-embed as a Vega spec (its export actions and
  // tooltips). The plane's is precompiled and even preparsed by build.mjs
  // (window.ChokepointPrecompiled.planeRuntime, filled by S.planeRuntime), so
  // the first chart needs neither Vega-Lite nor vega.parse; the other views
  // compile their Vega-Lite specs with Vega-Lite, which the page runs when
  // idle after the first chart, or on first need (it sits unexecuted in
  // #chokepoint-lib-vega-lite, so it costs nothing at load).
  const VEGA_OPTS = Object.assign({}, EMBED_OPTS, { mode: 'vega', hover: false });
  async function vegaLite() {
    if (!(window.vegaLite && window.vegaLite.compile)) {
      const src = document.getElementById('chokepoint-lib-vega-lite');
      if (!src) throw new Error('the page holds no Vega-Lite');
      const t0 = performance.now();
      const s = document.createElement('script');
      s.textContent = src.textContent;
      document.head.appendChild(s); // runs now, synchronously
      timings.vegaLiteLoadMs = performance.now() - t0;
      if (!(window.vegaLite && window.vegaLite.compile)) throw new Error('Vega-Lite did not load');
    }
    return window.vegaLite;
  }
  async function embedVegaLite(el, vlSpec) {
    return vegaEmbed(el, (await vegaLite()).compile(vlSpec).spec, VEGA_OPTS);
  }

  function finishReady(kind) {
    timings.load = performance.now();
    timings.state = kind;
    window.__explorerReady = true;
    document.documentElement.setAttribute('data-explorer-ready', kind);
  }

  function showFatal(kind, message) {
    const main = $('#main');
    main.innerHTML = '';
    main.append(h('div', { class: 'message nodata' + (kind === 'no-data' ? '' : ' error'), id: 'nodata' }, [
      h('h2', { text: kind === 'no-data' ? 'No data' : 'Cannot show these data' }),
      h('p', { text: message }),
      kind === 'no-data' ? h('p', { html: 'This is the explorer template without data. Create a page with <code>chokepoint explore RUN.h5 [SWEEP.h5] --out explorer.html</code>.' }) : null,
    ]));
    $('#nav').style.display = 'none';
  }

  // ---------------------------------------------------------------------------
  // The embedded document; the unfilled template holds only the placeholder comment.
  let model;
  try {
    const el = document.getElementById('chokepoint-explore-data');
    const raw = el ? el.textContent.trim() : '';
    let doc = null;
    if (raw && !raw.startsWith('/*')) {
      try { doc = JSON.parse(raw); } catch (e) { throw new M.ModelError('bad-json', 'The embedded data are not valid JSON: ' + e.message); }
    }
    window.chokepointExploreData = doc;
    timings.parsed = performance.now();
    model = new M.Model(doc);
    timings.modelReady = performance.now();
  } catch (e) {
    if (e && e.kind) {
      showFatal(e.kind, e.message);
      finishReady(e.kind);
      return;
    }
    throw e;
  }
  window.__explorerModel = model;

  const state = {
    t: Object.assign({}, model.defaults),
    specRow: -1, // -1: the run's specification
    uncertainty: model.hasReplicates() ? 'cloud' : (model.bootstrap && model.bootstrap.interval ? 'interval' : 'none'),
    view: 'plane',
    curve: { mode: 'count', regime: 'substitution', group: Math.max(0, model.groups.indexOf('Integrated Circuits')), variable: 'G' },
    stab: { source: model.hasReplicates() ? 'bootstrap' : 'specs', target: 'point' },
    series: { group: Math.max(0, model.groups.indexOf('Integrated Circuits')), log: true },
    agg: { rolling: false },
  };
  if (model.hasSweep()) state.specRow = model.defaultSpecRow();
  window.__explorerState = state;

  // ---- header -----------------------------------------------------------------
  (function header() {
    const p = model.provenance.run;
    const prov = $('#provenance');
    const synth = model.isSynthetic();
    prov.append(h('span', { class: 'provenance ' + (synth ? 'synthetic' : 'real'), id: 'provenance-label', text: synth ? model.provenanceLabel(true) + ' — not real customs data' : model.provenanceLabel(true) }));
    const files = ['run: ' + model.run.path + (p.tool_version ? ' (' + p.tool_version + ', ' + p.created_utc + ')' : '')];
    if (model.sweep) files.push('sweep: ' + model.sweep.path + ' (' + model.provenance.sweep.tool_version + ')');
    else files.push('no sweep file: the specification pickers, the specification curve and the spec-based stability are unavailable');
    files.push('page data: ' + (model.toolVersion || '?'));
    $('#files').textContent = files.join(' · ');
    const notes = model.notes.slice();
    notes.push('Default thresholds from the ' + model.defaultsSource + ': g* = ' + model.defaults.gstar + ', v_hi = ' + model.defaults.vhi + ', v_lo = ' + model.defaults.vlo + ', semiconductor override ' + (model.defaults.override ? 'on' : 'off') + '.');
    $('#notes').textContent = notes.join(' ');
  })();

  // ---- views --------------------------------------------------------------------
  const VIEWS = [
    { id: 'plane', name: 'V–G plane & regimes' },
    { id: 'spec', name: 'Index specification' },
    { id: 'curve', name: 'Specification curve' },
    { id: 'stability', name: 'Stability heatmaps' },
    { id: 'series', name: 'Monthly series & models' },
    { id: 'aggregate', name: 'Aggregate shares of GDP' },
  ];
  const main = $('#main');
  main.innerHTML = '';
  const nav = $('#nav');
  const sections = {};
  const dirty = {};
  const views = {}; // vega views by key
  for (const v of VIEWS) {
    nav.append(h('button', { id: 'nav-' + v.id, 'data-view': v.id, onclick: () => show(v.id), text: v.name }));
    const sec = h('section', { class: 'view', id: 'view-' + v.id });
    sec.append(h('h2', { text: v.name }));
    sec.append(h('div', { class: 'provenance ' + (model.isSynthetic() ? 'synthetic' : 'real') + ' view-provenance', text: model.provenanceLabel(true) }));
    main.append(sec);
    sections[v.id] = sec;
    dirty[v.id] = true;
  }

  // ---- controls -------------------------------------------------------------------
  function thresholdControls() {
    const box = h('fieldset', { class: 'thresholds' }, [h('legend', { text: 'Thresholds' })]);
    const mk = (key, label, min, max, step) => {
      const range = h('input', { type: 'range', id: 't-' + key + '-range', 'data-threshold': key, min, max, step, value: state.t[key], 'aria-label': label + ' slider' });
      const num = h('input', { type: 'number', id: 't-' + key, 'data-threshold': key, step: 'any', value: state.t[key], 'aria-label': label });
      range.addEventListener('input', () => { num.value = range.value; setThreshold(key, parseFloat(range.value)); });
      const onNum = () => { const v = parseFloat(num.value); if (isNum(v)) { range.value = v; setThreshold(key, v); } };
      num.addEventListener('change', onNum);
      num.addEventListener('input', onNum);
      return h('label', {}, [label, range, num]);
    };
    box.append(mk('gstar', 'g*', -1, 3, 0.005));
    box.append(mk('vhi', 'v_hi', 0.005, 1, 0.005));
    box.append(mk('vlo', 'v_lo', 0, 1, 0.005));
    const ov = h('input', { type: 'checkbox', id: 't-override', checked: state.t.override ? 'checked' : null });
    ov.addEventListener('change', () => setThreshold('override', ov.checked));
    box.append(h('label', {}, [ov, 'semiconductor override']));
    box.append(h('button', { class: 'small', id: 't-reset', onclick: resetThresholds, text: 'default thresholds' }));
    box.append(h('span', { class: 'err', id: 't-error' }));
    box.append(h('span', { class: 'timing', id: 't-timing' }));
    return box;
  }

  function specControls() {
    const box = h('fieldset', { class: 'specpick' }, [h('legend', { text: 'Index specification' })]);
    if (!model.hasSweep()) {
      box.append(h('span', { class: 'small-muted', text: 'the run\'s ' + model.runIndexSpec + ' (no sweep file: other specifications unavailable)' }));
      return box;
    }
    const sw = model.sw;
    const choice = model.specChoice(state.specRow);
    for (const a of ['weighting', 'window_start', 'window_end', 'frequency', 'base']) {
      const sel = h('select', { id: 'spec-' + a, 'data-axis': a });
      for (const v of sw.axes[a]) sel.append(h('option', { value: v, text: v, selected: v === choice[a] ? 'selected' : null }));
      sel.addEventListener('change', onSpecPick);
      box.append(h('label', {}, [a.replace('_', ' '), sel]));
    }
    box.append(h('button', { class: 'small', id: 'spec-reset', onclick: resetSpec, text: 'run\'s specification' }));
    box.append(h('span', { class: 'small-muted', id: 'spec-desc' }));
    box.append(h('span', { class: 'err', id: 'spec-error' }));
    return box;
  }

  // One control bar, moved into whichever view is shown (so the values are
  // shared and every id is unique).
  const controlBar = h('div', { class: 'controls', id: 'controls' }, [thresholdControls(), specControls()]);

  function syncThresholdInputs() {
    for (const k of ['gstar', 'vhi', 'vlo']) {
      $('#t-' + k).value = state.t[k];
      $('#t-' + k + '-range').value = state.t[k];
    }
    $('#t-override').checked = !!state.t.override;
  }

  function setThreshold(key, value) {
    const t = Object.assign({}, state.t, { [key]: value });
    const err = M.thresholdsValid(t);
    $('#t-error').textContent = err ? err : '';
    if (err) return;
    if (M.sameThresholds(t, state.t)) return;
    state.t = t;
    onThresholdsChanged();
  }
  function resetThresholds() {
    state.t = Object.assign({}, model.defaults);
    syncThresholdInputs();
    $('#t-error').textContent = '';
    onThresholdsChanged();
  }

  function onSpecPick() {
    const choice = {};
    for (const a of ['weighting', 'window_start', 'window_end', 'frequency', 'base']) choice[a] = $('#spec-' + a).value;
    const row = model.specRow(choice);
    const err = $('#spec-error');
    if (row < 0) { err.textContent = 'not in the sweep'; return; }
    const status = model.sw.specStatus ? model.sw.specStatus[row] : 'ok';
    if (status !== 'ok') {
      err.textContent = 'specification skipped by the sweep: ' + status + ' (e.g. a window that is not a whole number of periods)';
      return;
    }
    err.textContent = '';
    state.specRow = row;
    onSpecChanged();
  }
  function resetSpec() {
    if (!model.hasSweep()) return;
    state.specRow = model.defaultSpecRow();
    const choice = model.specChoice(state.specRow);
    for (const a of Object.keys(choice)) $('#spec-' + a).value = choice[a];
    $('#spec-error').textContent = '';
    onSpecChanged();
  }

  // ---- the plane view: chart + matrix + regime list ---------------------------------------
  const plane = {};
  (function buildPlane() {
    const sec = sections.plane;
    sec.append(h('p', { class: 'view-note', text: 'Each group\'s volatility index V against its growth index G (docs/method.md §2), with the 2 × 3 cells of the classification (§3) shaded by the regime a non-semiconductor group gets there. Move g*, v_hi, v_lo or switch the semiconductor override: the matrix, the list and the chart update at once; a group whose regime differs from its regime at the default thresholds is outlined in pink with the exact threshold value at which it flips (its own G for g*, its own V for v_hi).' }));
    sec.append(h('div', { class: 'controls-slot' }));
    const unc = h('select', { id: 'uncertainty' }, [
      h('option', { value: 'cloud', text: 'bootstrap clouds (' + CLOUD_SAMPLE + ' replicates per group)' }),
      h('option', { value: 'cloud-all', text: 'bootstrap clouds (all replicates)' }),
      h('option', { value: 'interval', text: 'bootstrap intervals' }),
      h('option', { value: 'none', text: 'points only' }),
    ]);
    unc.value = state.uncertainty;
    unc.addEventListener('change', () => { state.uncertainty = unc.value; window.__explorerLastUpdate = renderPlane(); });
    sec.append(h('div', { class: 'small-muted' }, [h('label', {}, ['uncertainty: ', unc]), ' ', h('span', { id: 'plane-spec-note' })]));
    const row = h('div', { class: 'row' });
    plane.chart = h('div', { class: 'chart', id: 'chart-plane' });
    plane.side = h('div', { class: 'side' });
    row.append(plane.chart, plane.side);
    sec.append(row);
    plane.matrix = h('table', { class: 'matrix', id: 'matrix' });
    plane.list = h('table', { class: 'regimes', id: 'regime-list' });
    plane.side.append(h('h3', { text: '2 × 3 matrix' }), plane.matrix, h('h3', { text: 'Regime of each group' }), plane.list);
  })();

  function chip(s) {
    return h('span', {
      class: 'chip bg-' + s.regimeName + (s.flipped ? ' flipped' : ''), 'data-group': s.name, 'data-regime': s.regimeName,
      title: s.name + ': ' + s.regimeName + (s.flipped ? ' (was ' + s.defaultRegimeName + ' at the default thresholds)' : ''),
      text: S.short(s.name) + (s.semiconductor ? ' ◆' : ''),
    });
  }

  // Synchronous DOM update of the matrix and the list (measured).
  function updateMatrix() {
    const t0 = performance.now();
    const states = model.groupStates(state.specRow, state.t);
    const runSpec = model.isRunSpec(state.specRow);
    // matrix
    const m = plane.matrix;
    m.textContent = '';
    m.append(h('tr', {}, [h('th', { text: '' }), h('th', { text: 'high growth (G > ' + state.t.gstar + ')' }), h('th', { text: 'low growth (G ≤ ' + state.t.gstar + ')' })]));
    const rowLabels = ['high volatility (V > ' + state.t.vhi + ')', 'medium volatility', 'low volatility (V < ' + state.t.vlo + ')'];
    for (let v = 0; v < 3; ++v) {
      const tr = h('tr', {}, [h('th', { class: 'rowh', text: rowLabels[v] })]);
      for (let g = 0; g < 2; ++g) {
        const cell = 2 * v + g;
        const td = h('td', { 'data-cell': M.CELL_NAMES[cell] });
        for (const s of states) if (s.cell === cell) td.append(chip(s));
        tr.append(td);
      }
      m.append(tr);
    }
    const undef = states.filter((s) => s.regime < 0);
    if (undef.length) m.append(h('tr', {}, [h('th', { text: 'not classified' }), h('td', { colspan: 2 }, undef.map((s) => h('span', { class: 'chip bg-undefined', text: S.short(s.name) + ' (' + s.status + ')' })))]));
    // list
    const l = plane.list;
    l.textContent = '';
    l.append(h('tr', {}, ['group', 'V', 'G', 'regime', 'at default thresholds', 'P(regime), bootstrap', 'tipping value'].map((x) => h('th', { text: x }))));
    for (const s of states) {
      const pr = runSpec ? model.regimeProbabilities(s.i, state.t) : null;
      const tip = s.tipping.map((x) => x.text).join('; ');
      l.append(h('tr', {
        class: s.flipped ? 'flipped' : '', 'data-group': s.name, 'data-regime': s.regimeName, 'data-default-regime': s.defaultRegimeName,
        'data-flipped': s.flipped ? '1' : '0', 'data-tipping': s.tipping.length ? String(s.tipping[0].value) : null,
        'data-tipping-axis': s.tipping.length ? s.tipping[0].axis : null,
      }, [
        h('td', { text: s.name + (s.semiconductor ? ' ◆' : '') }),
        h('td', { class: 'num', text: f4(s.V) }), h('td', { class: 'num', text: f4(s.G) }),
        h('td', { class: 'reg ' + s.regimeName, text: s.regimeName + (s.regime < 0 ? ' (' + s.status + ')' : '') }),
        h('td', { class: 'reg ' + s.defaultRegimeName, text: s.defaultRegimeName }),
        h('td', { class: 'num', text: pr && s.regime >= 0 ? pr.p[s.regime].toFixed(3) : '–' }),
        h('td', { class: 'tip', text: s.flipped ? 'flips at ' + tip : '' }),
      ]));
    }
    l.append(h('tr', {}, [h('td', { colspan: 7, class: 'small-muted', text: '◆ semiconductor-related group. ' + (runSpec ? 'P(regime): share of the run\'s bootstrap replicates classified like the point estimate at these thresholds.' : 'Bootstrap probabilities exist for the run\'s specification only.') + ' Tipping value: the threshold at which the regime changes relative to the default thresholds (g* = G: growth is high only when G > g*; v_hi = V: volatility is high only when V > v_hi).' })]));
    const dt = performance.now() - t0;
    timings.lastMatrixUpdateMs = dt;
    timings.matrixUpdates.push(dt);
    return dt;
  }

  let planeDomainCache = null;
  function planeState() {
    const all = state.uncertainty === 'cloud-all';
    return Object.assign({}, state, { domain: planeDomainCache, uncertainty: all ? 'cloud' : state.uncertainty, cloudPerGroup: all ? 0 : CLOUD_SAMPLE });
  }
  async function renderPlane() {
    const t0 = performance.now();
    planeDomainCache = S.planeDomain(model, state.specRow);
    const params = S.planeParams(model, planeState(), { width: 720, height: 500, liveThresholds: true });
    const PC = window.ChokepointPrecompiled;
    // (a runtime is private to the Vega version that parsed it)
    const pre = PC && PC.planeRuntime && PC.versions && PC.versions.vega === vega.version ? PC.planeRuntime : null;
    let spec = null, opts = VEGA_OPTS;
    if (pre) {
      // vega-embed parses the (empty) spec it is given; the view class
      // builds the view from the plane's preparsed runtime instead
      const runtime = S.planeRuntime(params, pre);
      spec = { $schema: 'https://vega.github.io/schema/vega/v5.json' };
      opts = Object.assign({}, VEGA_OPTS, { viewClass: class extends vega.View { constructor(_empty, o) { super(runtime, o); } } });
    } else {
      spec = (await vegaLite()).compile(S.planeSpecFrom(params)).spec;
    }
    timings.planeSpecBuilt = performance.now();
    if (views.plane) views.plane.finalize();
    const res = await vegaEmbed(plane.chart, spec, opts);
    views.plane = res.view;
    timings.renders.plane = performance.now() - t0;
    dirty.plane = false;
  }
  async function updatePlaneChart() {
    if (!views.plane) return renderPlane();
    const t0 = performance.now();
    const data = S.planeData(model, planeState(), planeDomainCache);
    for (const k of Object.keys(data)) views.plane.data(k, data[k]);
    // the inner title states the thresholds: re-embed only the title is not
    // possible through data, so the rules' labels carry the values.
    await views.plane.runAsync();
    timings.lastChartUpdateMs = performance.now() - t0;
  }

  // ---- specification view -------------------------------------------------------------------
  const specv = {};
  (function buildSpec() {
    const sec = sections.spec;
    sec.append(h('p', { class: 'view-note', text: 'Pick the index specification (weighting, window start and end, frequency, base; docs/method.md §2, §6.1): the point estimates switch to the sweep\'s for that specification (sweep/V_point, G_point), in this table, in the V–G plane and in the matrix. Bootstrap clouds and probabilities belong to the run\'s specification and are hidden for others.' }));
    sec.append(h('div', { class: 'controls-slot' }));
    if (!model.hasSweep()) {
      sec.append(h('div', { class: 'message', id: 'spec-nosweep', text: 'No sweep file was given: only the run\'s specification (' + model.runIndexSpec + ') is available. Give a sweep file (chokepoint sweep --out SWEEP.h5) to `chokepoint explore` to switch specifications.' }));
    }
    const row = h('div', { class: 'row' });
    specv.chart = h('div', { class: 'chart', id: 'chart-spec' });
    specv.table = h('table', { id: 'spec-table' });
    row.append(h('div', { class: 'side' }, [h('h3', { id: 'spec-title' }), specv.table]), specv.chart);
    sec.append(row);
  })();

  function updateSpecTable() {
    const pts = model.points(state.specRow);
    const run = model.points(-1);
    $('#spec-title').textContent = 'Point estimates at ' + model.specDescription(state.specRow) + (pts.source === 'run' ? ' (the run\'s)' : ' (sweep row ' + state.specRow + ')');
    const tb = specv.table;
    tb.textContent = '';
    tb.setAttribute('data-spec-row', String(state.specRow));
    tb.setAttribute('data-source', pts.source);
    tb.append(h('tr', {}, ['group', 'V', 'G', 'status', 'regime', 'V (run)', 'G (run)', 'regime (run spec)'].map((x) => h('th', { text: x }))));
    const states = model.groupStates(state.specRow, state.t);
    const runStates = model.groupStates(-1, state.t);
    states.forEach((s, i) => {
      tb.append(h('tr', { 'data-group': s.name }, [
        h('td', { text: s.name }),
        h('td', { class: 'num v', 'data-value': isNum(s.V) ? String(s.V) : '', text: f4(s.V) }),
        h('td', { class: 'num g', 'data-value': isNum(s.G) ? String(s.G) : '', text: f4(s.G) }),
        h('td', { text: s.status }),
        h('td', { class: 'reg ' + s.regimeName, text: s.regimeName }),
        h('td', { class: 'num', text: f4(run.V[i]) }), h('td', { class: 'num', text: f4(run.G[i]) }),
        h('td', { class: 'reg ' + runStates[i].regimeName, text: runStates[i].regimeName }),
      ]));
    });
    const d = $('#spec-desc');
    if (d) d.textContent = model.specDescription(state.specRow) + (pts.source === 'run' ? ' (run)' : '');
    const pn = $('#plane-spec-note');
    if (pn) pn.textContent = 'specification: ' + model.specDescription(state.specRow) + (pts.source === 'run' ? ' (the run\'s)' : ' (sweep point estimates)');
  }

  async function renderSpecChart() {
    const t0 = performance.now();
    if (!model.hasSweep()) { dirty.spec = false; return; }
    const spec = S.specShiftSpec(model, state, { width: 620, height: 430 });
    if (views.spec) views.spec.finalize();
    views.spec = (await embedVegaLite(specv.chart, spec)).view;
    timings.renders.spec = performance.now() - t0;
    dirty.spec = false;
  }

  // ---- specification curve -------------------------------------------------------------------
  const curve = {};
  (function buildCurve() {
    const sec = sections.curve;
    sec.append(h('p', { class: 'view-note', text: 'A specification curve in the spirit of Simonsohn, Simmons and Nelson (2020): every coherent index specification of the sweep, sorted by the outcome, with the choices that define it marked beneath. Outcome: the number of groups in a regime (point estimates, at the current thresholds), or a chosen group\'s G or V coloured by its regime. The black diamond is the run\'s specification. Descriptive; no joint test.' }));
    sec.append(h('div', { class: 'controls-slot' }));
    if (!model.hasSweep()) {
      sec.append(h('div', { class: 'message', id: 'curve-nosweep', text: 'No sweep file was given, so there is no specification curve. Give a sweep file (chokepoint sweep --out SWEEP.h5) to `chokepoint explore`.' }));
      return;
    }
    const mode = h('select', { id: 'curve-mode' }, [h('option', { value: 'count', text: 'number of groups in a regime' }), h('option', { value: 'group', text: 'one group' })]);
    const reg = h('select', { id: 'curve-regime' }, M.REGIMES.map((r) => h('option', { value: r, text: r })));
    const grp = h('select', { id: 'curve-group' }, model.groups.map((g, i) => h('option', { value: String(i), text: g })));
    const vr = h('select', { id: 'curve-variable' }, [h('option', { value: 'G', text: 'G' }), h('option', { value: 'V', text: 'V' })]);
    mode.value = state.curve.mode; reg.value = state.curve.regime; grp.value = String(state.curve.group); vr.value = state.curve.variable;
    const upd = () => { state.curve = { mode: mode.value, regime: reg.value, group: +grp.value, variable: vr.value }; renderCurve(); };
    [mode, reg, grp, vr].forEach((e) => e.addEventListener('change', upd));
    sec.append(h('div', { class: 'controls' }, [h('label', {}, ['outcome', mode]), h('label', {}, ['regime', reg]), h('label', {}, ['group', grp]), h('label', {}, ['variable', vr])]));
    curve.chart = h('div', { class: 'chart', id: 'chart-curve' });
    sec.append(curve.chart);
  })();
  async function renderCurve() {
    const t0 = performance.now();
    if (!model.hasSweep()) { dirty.curve = false; return; }
    const spec = S.specCurveSpec(model, state, Object.assign({ width: 880 }, state.curve));
    if (views.curve) views.curve.finalize();
    views.curve = (await embedVegaLite(curve.chart, spec)).view;
    timings.renders.curve = performance.now() - t0;
    dirty.curve = false;
  }

  // ---- stability ----------------------------------------------------------------------------
  const stab = {};
  (function buildStab() {
    const sec = sections.stability;
    sec.append(h('p', { class: 'view-note', text: 'For every group and every (g*, v_hi) of the grid (the sweep\'s axes, or the method\'s referee grid without a sweep file), with v_lo and the override as set above: the share of draws classified in the target regime. Draws are either the run\'s bootstrap replicates at the run\'s specification, or the sweep\'s coherent index specifications (point estimates). The title of the chart says which.' }));
    sec.append(h('div', { class: 'controls-slot' }));
    const src = h('select', { id: 'stab-source' }, [
      h('option', { value: 'bootstrap', text: 'bootstrap replicates (run\'s specification)', disabled: model.hasReplicates() ? null : 'disabled' }),
      h('option', { value: 'specs', text: 'index specifications (sweep)', disabled: model.hasSweep() ? null : 'disabled' }),
    ]);
    const tgt = h('select', { id: 'stab-target' }, [h('option', { value: 'point', text: 'point regime at that (g*, v_hi)' }), h('option', { value: 'default', text: 'regime at the default thresholds' })]);
    src.value = state.stab.source; tgt.value = state.stab.target;
    const upd = () => { state.stab = { source: src.value, target: tgt.value }; renderStab(); };
    src.addEventListener('change', upd); tgt.addEventListener('change', upd);
    sec.append(h('div', { class: 'controls' }, [h('label', {}, ['draws', src]), h('label', {}, ['share in', tgt])]));
    if (!model.hasReplicates() && !model.hasSweep()) sec.append(h('div', { class: 'message', text: 'The run file holds no bootstrap replicates and no sweep file was given: no stability to show.' }));
    else if (!model.hasSweep()) sec.append(h('div', { class: 'message', id: 'stab-nosweep', text: 'No sweep file was given: only the bootstrap shares are available (grid: docs/method.md §6.2).' }));
    stab.chart = h('div', { class: 'chart', id: 'chart-stability' });
    sec.append(stab.chart);
  })();
  async function renderStab() {
    const t0 = performance.now();
    const spec = S.stabilitySpec(model, state, state.stab);
    if (views.stability) views.stability.finalize();
    if (!spec) { stab.chart.textContent = 'unavailable'; dirty.stability = false; return; }
    views.stability = (await embedVegaLite(stab.chart, spec)).view;
    timings.renders.stability = performance.now() - t0;
    dirty.stability = false;
  }

  // ---- series ----------------------------------------------------------------------------------
  const ser = {};
  (function buildSeries() {
    const sec = sections.series;
    sec.append(h('p', { class: 'view-note', text: 'A group\'s monthly imports (series/values; missing months marked) with the trend + surge model (fitted path and trend, surge onsets), the Bai–Perron breaks with their intervals and segment path (models/), and the policy events.' }));
    const grp = h('select', { id: 'series-group' }, model.groups.map((g, i) => h('option', { value: String(i), text: g })));
    grp.value = String(state.series.group);
    const log = h('input', { type: 'checkbox', id: 'series-log', checked: state.series.log ? 'checked' : null });
    const upd = () => { state.series = { group: +grp.value, log: log.checked }; renderSeries(); };
    grp.addEventListener('change', upd); log.addEventListener('change', upd);
    sec.append(h('div', { class: 'controls' }, [h('label', {}, ['group', grp]), h('label', {}, [log, 'log scale'])]));
    if (!model.run.has('models/surge/g01/trend') && !model.run.has('models/breaks/g01/breakdates')) {
      sec.append(h('div', { class: 'message', text: 'The run file holds no models (run with models on): only the series and the events are shown.' }));
    }
    ser.chart = h('div', { class: 'chart', id: 'chart-series' });
    ser.info = h('div', { class: 'small-muted', id: 'series-info' });
    sec.append(ser.chart, ser.info);
  })();
  async function renderSeries() {
    const t0 = performance.now();
    const spec = S.seriesSpec(model, state, { group: state.series.group, log: state.series.log, width: 900, height: 380 });
    if (views.series) views.series.finalize();
    views.series = (await embedVegaLite(ser.chart, spec)).view;
    const s = model.seriesOf(state.series.group);
    ser.info.textContent = (model.events.length ? 'Policy events: ' + model.events.map((e) => e.month + ' ' + e.label).join('; ') + '.' : 'No policy events in the run file.') +
      (s.surge ? ' Model verdict: ' + s.surge.verdict + ' (' + s.surge.chosen + ').' : '');
    timings.renders.series = performance.now() - t0;
    dirty.series = false;
  }

  // ---- aggregate -------------------------------------------------------------------------------
  const agg = {};
  (function buildAgg() {
    const sec = sections.aggregate;
    sec.append(h('p', { class: 'view-note', text: 'Capital-goods and intermediate imports as a share of GDP (aggregate/*_pct_gdp; docs/method.md §4): total, semiconductor part, and adjusted (total minus the semiconductor part).' }));
    const roll = h('input', { type: 'checkbox', id: 'agg-rolling' });
    roll.addEventListener('change', () => { state.agg.rolling = roll.checked; renderAgg(); });
    sec.append(h('div', { class: 'controls' }, [h('label', {}, [roll, 'rolling 12-month sums (monthly)'])]));
    if (!model.run.has('aggregate/years')) sec.append(h('div', { class: 'message', text: 'The run file holds no aggregates (run without --no-aggregate).' }));
    agg.chart = h('div', { class: 'chart', id: 'chart-aggregate' });
    sec.append(agg.chart);
  })();
  async function renderAgg() {
    const t0 = performance.now();
    const spec = S.aggregateSpec(model, state, { rolling: state.agg.rolling, width: 760, height: 400 });
    if (!spec) { dirty.aggregate = false; return; }
    if (views.aggregate) views.aggregate.finalize();
    views.aggregate = (await embedVegaLite(agg.chart, spec)).view;
    timings.renders.aggregate = performance.now() - t0;
    dirty.aggregate = false;
  }

  const RENDER = {
    plane: renderPlane,
    spec: async () => { updateSpecTable(); await renderSpecChart(); },
    curve: renderCurve, stability: renderStab, series: renderSeries, aggregate: renderAgg,
  };

  // ---- state changes -----------------------------------------------------------------------------
  let pendingChart = null;
  function onThresholdsChanged() {
    const dt = updateMatrix();
    $('#t-timing').textContent = 'matrix updated in ' + dt.toFixed(1) + ' ms';
    dirty.spec = dirty.curve = dirty.stability = true;
    if (state.view === 'spec') updateSpecTable();
    // charts: coalesce rapid slider moves into one update per frame
    if (!pendingChart) {
      pendingChart = requestAnimationFrame(() => {
        pendingChart = null;
        const p = state.view === 'plane' ? updatePlaneChart() : (dirty[state.view] ? RENDER[state.view]() : Promise.resolve());
        window.__explorerLastUpdate = p.catch((e) => { console.error(e); });
      });
    }
  }
  function onSpecChanged() {
    updateMatrix();
    updateSpecTable();
    for (const k of ['plane', 'spec', 'curve', 'stability']) dirty[k] = true;
    window.__explorerLastUpdate = (dirty[state.view] ? RENDER[state.view]() : Promise.resolve()).catch((e) => console.error(e));
  }

  async function show(id) {
    state.view = id;
    for (const v of VIEWS) {
      sections[v.id].classList.toggle('active', v.id === id);
      $('#nav-' + v.id).classList.toggle('active', v.id === id);
    }
    const slot = sections[id].querySelector('.controls-slot');
    if (slot) slot.append(controlBar);
    if (id === 'spec') updateSpecTable();
    if (dirty[id]) await RENDER[id]();
    document.documentElement.setAttribute('data-view', id);
    return true;
  }
  window.__explorerShow = show;
  window.__explorerViews = views;

  // ---- start -------------------------------------------------------------------------------------
  (async function start() {
    timings.modelBuilt = performance.now();
    updateMatrix();
    timings.matrixBuilt = performance.now();
    await show('plane');
    finishReady('ok');
    const msg = 'explorer ready in ' + timings.load.toFixed(0) + ' ms';
    $('#t-timing').textContent = msg;
    // load Vega-Lite for the other views while the page is idle
    const idle = window.requestIdleCallback || ((f) => setTimeout(f, 200));
    idle(() => { vegaLite().catch((e) => console.error(e)); }, { timeout: 2000 });
  })().catch((e) => {
    console.error(e);
    window.__explorerError = String(e && e.stack || e);
    showFatal('error', String(e && e.message || e));
    finishReady('error');
  });
}
// The data element follows the scripts (so the libraries compile while the
// data stream in): start when the document is parsed.
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', chokepointExplorerMain);
else chokepointExplorerMain();
