// The explorer's data model: reads the `chokepoint-explore-1` JSON (a dump of a
// run file and optionally a sweep file, explorer/README.md), classifies exactly
// as core/src/classify.cc (docs/method.md §3), and computes everything the views
// need (regimes at any thresholds, tipping values, bootstrap shares, the
// specification curve, stability grids).
//
// Shared by the page (inlined as a classic script: global ChokepointModel),
// figures.mjs and the tests (CommonJS require).
(function (root, factory) {
  const api = factory();
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.ChokepointModel = api;
})(typeof globalThis !== 'undefined' ? globalThis : this, function () {
  'use strict';

  const FORMAT = 'chokepoint-explore-1';
  // Column order everywhere (HDF5, reports): stockpiling, no_effect, substitution.
  const REGIMES = ['stockpiling', 'no_effect', 'substitution'];
  const VOLATILITY = ['high', 'medium', 'low'];
  const GROWTH = ['high', 'low'];
  const CELL_NAMES = [0, 1, 2, 3, 4, 5].map(
    (c) => VOLATILITY[Math.floor(c / 2)] + '_volatility/' + GROWTH[c % 2] + '_growth');
  // docs/method.md §3.1 (used only when neither file records the thresholds).
  const METHOD_DEFAULT_THRESHOLDS = { gstar: 0.5, vhi: 0.3, vlo: 0.24, override: true };
  // docs/method.md §6.2 (the stability grid when there is no sweep file).
  const METHOD_GRID = {
    growth: range(0.2, 1.0, 0.025),
    volatility_high: range(0.2, 0.45, 0.01),
  };

  function range(a, b, step) {
    const out = [];
    const n = Math.round((b - a) / step);
    for (let i = 0; i <= n; ++i) out.push(Math.round((a + i * step) * 1e9) / 1e9);
    return out;
  }

  // ---- classification: core/src/classify.cc, docs/method.md §3 ----------------
  // volatility: 0 high (V > v_hi), 1 medium (v_lo <= V <= v_hi), 2 low (V < v_lo)
  function classifyVolatility(V, t) {
    if (V > t.vhi) return 0;
    if (V >= t.vlo) return 1;
    return 2;
  }
  // growth: 0 high (G > g*), 1 low (G = g* is low)
  function classifyGrowth(G, t) { return G > t.gstar ? 0 : 1; }
  // 1. growth low -> substitution; 2. growth high, volatility high -> stockpiling;
  // 3. growth high, semiconductor group, override on -> stockpiling; 4. no_effect.
  function regimeOf(v, g, semiconductor, t) {
    if (g === 1) return 2;
    if (v === 0) return 0;
    if (semiconductor && t.override) return 0;
    return 1;
  }
  function isNum(x) { return typeof x === 'number' && Number.isFinite(x); }
  // null when V or G is undefined (the group is not classified, §2.6).
  function classify(V, G, semiconductor, t) {
    if (!isNum(V) || !isNum(G)) return null;
    const v = classifyVolatility(V, t);
    const g = classifyGrowth(G, t);
    return { volatility: v, growth: g, cell: 2 * v + g, regime: regimeOf(v, g, semiconductor, t) };
  }
  function regimeCode(V, G, semiconductor, t) {
    if (!isNum(V) || !isNum(G)) return -1;
    return regimeOf(classifyVolatility(V, t), classifyGrowth(G, t), semiconductor, t);
  }
  function regimeName(code) { return code >= 0 && code < 3 ? REGIMES[code] : 'undefined'; }
  function sameThresholds(a, b) {
    return a.gstar === b.gstar && a.vhi === b.vhi && a.vlo === b.vlo && !!a.override === !!b.override;
  }
  function thresholdsValid(t) {
    if (!isNum(t.gstar)) return 'g* must be a finite number';
    if (!(isNum(t.vhi) && t.vhi > 0)) return 'v_hi must be a positive number';
    if (!(isNum(t.vlo) && t.vlo >= 0)) return 'v_lo must be >= 0';
    if (t.vlo > t.vhi) return 'v_lo must not exceed v_hi';
    return null;
  }

  // ---- one dumped HDF5 file ---------------------------------------------------
  class H5 {
    constructor(file) {
      this.path = file.path || '';
      this.attributes = file.attributes || {};
      this.datasets = file.datasets || {};
      this.omitted = file.omitted || [];
    }
    has(name) { return Object.prototype.hasOwnProperty.call(this.datasets, name); }
    ds(name) { return this.has(name) ? this.datasets[name] : null; }
    data(name) { const d = this.ds(name); return d ? d.data : null; }
    shape(name) { const d = this.ds(name); return d ? d.shape : null; }
    attr(obj, name) {
      const a = this.attributes[obj];
      return a && Object.prototype.hasOwnProperty.call(a, name) ? a[name] : undefined;
    }
    // row i of a 2-D dataset (or slice of the leading index of an N-D one)
    row(name, i) {
      const d = this.ds(name);
      if (!d) return null;
      const inner = d.shape.slice(1).reduce((a, b) => a * b, 1);
      return d.data.slice(i * inner, (i + 1) * inner);
    }
    isOmitted(name) { return this.omitted.some((o) => o.name === name); }
    provenance() {
      const synthetic = this.attr('/', 'synthetic');
      return {
        synthetic: synthetic === 1 || synthetic === true || synthetic === '1' || synthetic === 'true',
        recorded: synthetic !== undefined,
        label: this.attr('/', 'data_label') || '',
        tool_version: this.attr('/', 'tool_version') || '',
        created_utc: this.attr('/', 'created_utc') || '',
      };
    }
  }

  function toBool(x) { return x === true || x === 1 || x === '1' || x === 'true' || x === 'on'; }

  // Reads `[thresholds]` from a resolved config TOML (a fallback only).
  function thresholdsFromToml(toml) {
    if (typeof toml !== 'string') return null;
    const m = toml.match(/\[thresholds\]([\s\S]*?)(\n\[|$)/);
    if (!m) return null;
    const get = (k) => {
      const r = m[1].match(new RegExp('\\n' + k + '\\s*=\\s*([^\\n]+)'));
      return r ? r[1].trim() : undefined;
    };
    const g = parseFloat(get('growth'));
    const vh = parseFloat(get('volatility_high'));
    const vl = parseFloat(get('volatility_low'));
    const ov = get('semiconductor_override');
    if (!isNum(g) || !isNum(vh) || !isNum(vl)) return null;
    return { gstar: g, vhi: vh, vlo: vl, override: ov === undefined ? true : ov === 'true' };
  }

  // ---- the model ---------------------------------------------------------------
  class Model {
    constructor(doc) {
      if (doc === null || doc === undefined) throw new ModelError('no-data', 'No data embedded.');
      if (typeof doc !== 'object' || doc.format !== FORMAT) {
        throw new ModelError('bad-format', 'Embedded data are not ' + FORMAT + ' (format: ' +
          (doc && doc.format) + ').');
      }
      if (!doc.files || !doc.files.run) throw new ModelError('bad-format', 'The data hold no run file.');
      this.doc = doc;
      this.toolVersion = doc.tool_version || '';
      this.run = new H5(doc.files.run);
      this.sweep = doc.files.sweep ? new H5(doc.files.sweep) : null;
      this.notes = [];
      const run = this.run;
      if (!run.has('indices/V') || !run.has('indices/G') || !run.has('groups/name')) {
        throw new ModelError('bad-format', 'The run file holds no /indices or /groups: not a chokepoint run file.');
      }
      if (run.has('sweep/V_point') || run.attributes.sweep) {
        throw new ModelError('bad-format', 'The run file is a sweep file (it holds /sweep): give the run file first and the sweep file second.');
      }
      this.groups = run.data('groups/name').slice();
      this.n = this.groups.length;
      this.semiconductor = (run.data('groups/semiconductor') || this.groups.map(() => 0)).map(toBool);
      this.category = run.data('groups/category') || this.groups.map(() => '');
      this.runV = run.data('indices/V').slice();
      this.runG = run.data('indices/G').slice();
      this.runStatus = run.data('indices/status') || this.groups.map((_, i) =>
        isNum(this.runV[i]) && isNum(this.runG[i]) ? 'ok' : 'undefined');
      this.runRegimeStored = run.data('indices/regime') || null;
      this.runIndexSpec = run.attr('indices', 'index_spec') || '';
      this.months = run.data('series/months') || [];
      this.provenance = { run: run.provenance(), sweep: this.sweep ? this.sweep.provenance() : null };
      this._initThresholds();
      this._initBootstrap();
      this._initSweep();
      this._initModels();
    }

    // Default thresholds: what the run file records (/indices attributes), then
    // the sweep's reference point, then the resolved config, then §3.1.
    _initThresholds() {
      const r = this.run;
      const g = r.attr('indices', 'growth_threshold');
      const vh = r.attr('indices', 'volatility_high');
      const vl = r.attr('indices', 'volatility_low');
      const ov = r.attr('indices', 'semiconductor_override');
      if (isNum(g) && isNum(vh) && isNum(vl)) {
        this.defaults = { gstar: g, vhi: vh, vlo: vl, override: ov === undefined ? true : toBool(ov) };
        this.defaultsSource = 'run file /indices attributes';
        return;
      }
      const s = this.sweep;
      if (s && s.has('sweep/axes/default_threshold_position')) {
        const p = s.data('sweep/axes/default_threshold_position');
        this.defaults = {
          gstar: s.data('sweep/axes/growth')[p[0]], vhi: s.data('sweep/axes/volatility_high')[p[1]],
          vlo: s.data('sweep/axes/volatility_low')[p[2]],
          override: toBool(s.data('sweep/axes/semiconductor_override')[p[3]]),
        };
        this.defaultsSource = 'sweep file reference point';
        return;
      }
      const t = thresholdsFromToml(r.attr('/', 'config_toml'));
      if (t) { this.defaults = t; this.defaultsSource = 'run file config_toml [thresholds]'; return; }
      this.defaults = Object.assign({}, METHOD_DEFAULT_THRESHOLDS);
      this.defaultsSource = 'docs/method.md §3.1 (the file records none)';
      this.notes.push('The run file records no thresholds; using the method defaults.');
    }

    _initBootstrap() {
      const r = this.run;
      this.bootstrap = null;
      if (!r.has('bootstrap/V_point')) return;
      const names = r.data('bootstrap/group_names') || this.groups;
      const pos = names.map((nm) => this.groups.indexOf(nm));
      const b = {
        pos, // bootstrap row -> group position
        rowOf: this.groups.map((nm) => names.indexOf(nm)),
        ok: (r.data('bootstrap/ok') || names.map(() => 1)).map(toBool),
        level: r.attr('bootstrap', 'level'),
        replicates: r.attr('bootstrap', 'replicates'),
        scheme: r.attr('bootstrap', 'scheme'),
        indexSpec: r.attr('bootstrap', 'index_spec') || this.runIndexSpec,
        V: null, G: null, B: 0,
      };
      const vs = r.ds('bootstrap/V_replicates');
      const gs = r.ds('bootstrap/G_replicates');
      if (vs && gs && vs.shape.length === 2) {
        b.B = vs.shape[1];
        b.V = vs.data; b.G = gs.data;
      } else if (r.isOmitted('bootstrap/V_replicates')) {
        this.notes.push('Bootstrap replicates were too large to embed; clouds and bootstrap shares are unavailable.');
      }
      // The run's default interval (docs/method.md §5.13): estimand x method.
      const est = r.attr('bootstrap', 'default_estimand') || 'observed';
      const meth = r.attr('bootstrap', 'default_estimand_method') || 'log_centred';
      const iv = r.ds('bootstrap/estimands/' + est + '/V_' + meth);
      const ig = r.ds('bootstrap/estimands/' + est + '/G_' + meth);
      if (iv && ig) {
        b.interval = { name: est + ' ' + meth.replace('_', '-'), V: iv.data, G: ig.data, stride: 2, lo: 0, hi: 1 };
      } else {
        const rep = r.attr('bootstrap', 'report_interval') || 'percentile';
        const d = r.ds('bootstrap/intervals/' + rep);
        if (d) b.interval = { name: rep, V: d.data, G: d.data, stride: 4, lo: 0, hi: 1, goff: 2 };
      }
      this.bootstrap = b;
    }

    _initSweep() {
      const s = this.sweep;
      this.sw = null;
      if (!s) return;
      if (!s.has('sweep/V_point') || !s.has('sweep/specs/axes')) {
        throw new ModelError('bad-format', 'The sweep file holds no /sweep/V_point or /sweep/specs: not a chokepoint sweep file.');
      }
      const axesNames = ['window_start', 'window_end', 'frequency', 'weighting', 'base'];
      const axes = {};
      for (const a of axesNames) axes[a] = s.data('sweep/axes/' + a) || [];
      const specAxes = s.data('sweep/specs/axes');
      const nSpecs = s.shape('sweep/specs/axes')[0];
      const key = (arr) => arr.join(',');
      const specIndex = new Map();
      for (let i = 0; i < nSpecs; ++i) specIndex.set(key(specAxes.slice(5 * i, 5 * i + 5)), i);
      const sweepGroups = s.data('sweep/groups/name') || s.data('groups/name') || this.groups;
      const colOf = this.groups.map((nm) => sweepGroups.indexOf(nm));
      const ng = sweepGroups.length;
      const sw = {
        axesNames, axes, specAxes, nSpecs, specIndex, key, colOf, ng,
        V: s.data('sweep/V_point'), G: s.data('sweep/G_point'),
        status: s.data('sweep/point/status'),
        statusNames: s.data('sweep/point/status_names') || ['ok'],
        specStatus: s.data('sweep/specs/status'),
        description: s.data('sweep/specs/description'),
        defaultSpec: s.attr('sweep', 'default_spec'),
        growth: s.data('sweep/axes/growth'),
        vhi: s.data('sweep/axes/volatility_high'),
        vlo: s.data('sweep/axes/volatility_low'),
        nSubstitution: s.ds('sweep/spec_curve/n_substitution'),
      };
      if (!Number.isInteger(sw.defaultSpec)) sw.defaultSpec = 0;
      sw.coherent = [];
      for (let i = 0; i < nSpecs; ++i) {
        if (!sw.specStatus || sw.specStatus[i] === 'ok') sw.coherent.push(i);
      }
      this.sw = sw;
      const missing = this.groups.filter((_, i) => colOf[i] < 0);
      if (missing.length) this.notes.push('The sweep file lacks groups: ' + missing.join(', ') + '.');
      // Do the run and the sweep describe the same data at the reference spec?
      let maxDiff = 0;
      for (let i = 0; i < this.n; ++i) {
        const c = colOf[i];
        if (c < 0) continue;
        const dv = Math.abs(sw.V[sw.defaultSpec * ng + c] - this.runV[i]);
        const dg = Math.abs(sw.G[sw.defaultSpec * ng + c] - this.runG[i]);
        if (isNum(dv)) maxDiff = Math.max(maxDiff, dv);
        if (isNum(dg)) maxDiff = Math.max(maxDiff, dg);
      }
      sw.runMatchesDefault = maxDiff <= 1e-12;
      if (!sw.runMatchesDefault) {
        this.notes.push('The sweep\'s point estimates at its reference specification differ from the run\'s (max |diff| ' +
          maxDiff.toPrecision(3) + '): the two files describe different data or settings.');
      }
      const pr = this.provenance.run, ps = this.provenance.sweep;
      if (pr.label !== ps.label) {
        this.notes.push('Run and sweep carry different data labels: "' + pr.label + '" vs "' + ps.label + '".');
      }
    }

    _initModels() {
      // Policy events: a dataset if the file has one, else the models report's list.
      const r = this.run;
      let events = [];
      for (const base of ['events', 'models/events']) {
        const m = r.data(base + '/month'), l = r.data(base + '/label');
        if (m && l) { events = m.map((mm, i) => ({ month: mm, label: l[i] })); break; }
      }
      if (!events.length) {
        const md = r.attr('models', 'report_markdown');
        if (typeof md === 'string') {
          const line = md.split('\n').find((s) => s.startsWith('Policy events'));
          if (line) {
            const body = line.slice(line.indexOf('):') + 2);
            for (const part of body.split(';')) {
              const m = part.trim().match(/^(\d{4}-\d{2})\s+(.+)$/);
              if (m) events.push({ month: m[1], label: m[2].trim() });
            }
          }
        }
      }
      this.events = events;
    }

    // ---- specifications --------------------------------------------------------
    hasSweep() { return !!this.sw; }
    // spec choice {window_start, window_end, frequency, weighting, base} (values) -> row or -1
    specRow(choice) {
      const sw = this.sw;
      if (!sw) return -1;
      const idx = sw.axesNames.map((a) => sw.axes[a].indexOf(choice[a]));
      if (idx.some((i) => i < 0)) return -1;
      const r = sw.specIndex.get(sw.key(idx));
      return r === undefined ? -1 : r;
    }
    specChoice(row) {
      const sw = this.sw;
      const out = {};
      sw.axesNames.forEach((a, k) => { out[a] = sw.axes[a][sw.specAxes[5 * row + k]]; });
      return out;
    }
    specDescription(row) {
      if (!this.sw || row < 0) return this.runIndexSpec;
      return this.sw.description ? this.sw.description[row] : JSON.stringify(this.specChoice(row));
    }
    defaultSpecRow() { return this.sw ? this.sw.defaultSpec : -1; }
    isRunSpec(row) { return row < 0 || (this.sw && row === this.sw.defaultSpec && this.sw.runMatchesDefault); }

    // Point estimates at a specification row (-1 or the reference spec: the run's).
    points(row) {
      if (row === undefined || row < 0 || this.isRunSpec(row)) {
        return {
          V: this.runV, G: this.runG, status: this.runStatus, source: 'run',
          description: this.runIndexSpec,
        };
      }
      const sw = this.sw;
      const V = [], G = [], status = [];
      for (let i = 0; i < this.n; ++i) {
        const c = sw.colOf[i];
        if (c < 0) { V.push(null); G.push(null); status.push('not in sweep'); continue; }
        const k = row * sw.ng + c;
        const st = sw.status ? sw.status[k] : 0;
        const ok = st === 0;
        V.push(ok ? sw.V[k] : null);
        G.push(ok ? sw.G[k] : null);
        status.push(sw.statusNames[st] || String(st));
      }
      return { V, G, status, source: 'sweep', description: this.specDescription(row) };
    }

    // ---- regimes, flips, tipping values -------------------------------------------
    classifyAll(pts, t) {
      return pts.V.map((V, i) => classify(V, pts.G[i], this.semiconductor[i], t));
    }
    // The exact threshold values between t0 (default) and t at which group i's
    // regime changes, with the point estimate that sets each (docs/method.md §6.7).
    tipping(i, pts, t0, t) {
      const V = pts.V[i], G = pts.G[i], semi = this.semiconductor[i];
      const r0 = regimeCode(V, G, semi, t0), r1 = regimeCode(V, G, semi, t);
      const out = [];
      if (r0 < 0 || r0 === r1) return out;
      // g*: growth is high iff G > g*; the boundary is g* = G.
      if ((G > t0.gstar) !== (G > t.gstar)) {
        const r = regimeCode(V, G, semi, Object.assign({}, t0, { gstar: t.gstar }));
        if (r !== r0) {
          out.push({ axis: 'g*', key: 'gstar', value: G, from: regimeName(r0), to: regimeName(r),
            text: 'g* = G = ' + fmt(G, 4) + ' (' + regimeName(r0) + (t.gstar > t0.gstar ? ' while g* < ' : ' while g* >= ') +
              fmt(G, 4) + ')' });
        }
      }
      if ((V > t0.vhi) !== (V > t.vhi)) {
        const r = regimeCode(V, G, semi, Object.assign({}, t0, { vhi: t.vhi }));
        if (r !== r0) {
          out.push({ axis: 'v_hi', key: 'vhi', value: V, from: regimeName(r0), to: regimeName(r),
            text: 'v_hi = V = ' + fmt(V, 4) + ' (' + regimeName(r0) + (t.vhi > t0.vhi ? ' while v_hi < ' : ' while v_hi >= ') +
              fmt(V, 4) + ')' });
        }
      }
      if (!!t0.override !== !!t.override) {
        const r = regimeCode(V, G, semi, Object.assign({}, t0, { override: t.override }));
        if (r !== r0) {
          out.push({ axis: 'override', key: 'override', value: t.override ? 1 : 0, from: regimeName(r0), to: regimeName(r),
            text: 'semiconductor override ' + (t.override ? 'on' : 'off') });
        }
      }
      if (!out.length) {
        // only a combination of moves flips it: report every boundary crossed
        if ((G > t0.gstar) !== (G > t.gstar)) out.push({ axis: 'g*', key: 'gstar', value: G, text: 'g* = G = ' + fmt(G, 4) + ' (jointly)' });
        if ((V > t0.vhi) !== (V > t.vhi)) out.push({ axis: 'v_hi', key: 'vhi', value: V, text: 'v_hi = V = ' + fmt(V, 4) + ' (jointly)' });
        if (!!t0.override !== !!t.override) out.push({ axis: 'override', key: 'override', value: t.override ? 1 : 0, text: 'override ' + (t.override ? 'on' : 'off') + ' (jointly)' });
      }
      return out;
    }

    // One row per group: everything the matrix, the list and the plane need.
    groupStates(row, t) {
      const pts = this.points(row);
      const t0 = this.defaults;
      const run0 = this.points(-1);
      const out = [];
      for (let i = 0; i < this.n; ++i) {
        const c = classify(pts.V[i], pts.G[i], this.semiconductor[i], t);
        const c0 = classify(pts.V[i], pts.G[i], this.semiconductor[i], t0);
        const cr = classify(run0.V[i], run0.G[i], this.semiconductor[i], t0);
        const regime = c ? c.regime : -1;
        const regime0 = c0 ? c0.regime : -1;
        const flipped = regime >= 0 && regime0 >= 0 && regime !== regime0;
        out.push({
          i, name: this.groups[i], semiconductor: this.semiconductor[i], category: this.category[i],
          V: pts.V[i], G: pts.G[i], status: pts.status[i],
          regime, regimeName: regimeName(regime), cell: c ? c.cell : -1,
          defaultRegime: regime0, defaultRegimeName: regimeName(regime0), defaultCell: c0 ? c0.cell : -1,
          runRegime: cr ? cr.regime : -1,
          flipped, cellChanged: !!c && !!c0 && c.cell !== c0.cell,
          specChanged: (cr ? cr.regime : -1) !== regime0,
          tipping: flipped ? this.tipping(i, pts, t0, t) : [],
        });
      }
      return out;
    }

    // ---- bootstrap ---------------------------------------------------------------
    hasReplicates() { return !!(this.bootstrap && this.bootstrap.V); }
    // P(regime) over valid replicates of group i at thresholds t (docs/method.md §5.11).
    regimeProbabilities(i, t) {
      const b = this.bootstrap;
      if (!b || !b.V) return null;
      const r = b.rowOf[i];
      if (r < 0 || !b.ok[r]) return null;
      const counts = [0, 0, 0];
      let n = 0;
      const semi = this.semiconductor[i];
      for (let k = r * b.B, e = (r + 1) * b.B; k < e; ++k) {
        const code = regimeCode(b.V[k], b.G[k], semi, t);
        if (code >= 0) { counts[code]++; n++; }
      }
      return n ? { p: counts.map((c) => c / n), n } : null;
    }
    interval(i) {
      const b = this.bootstrap;
      if (!b || !b.interval) return null;
      const r = b.rowOf[i];
      if (r < 0) return null;
      const iv = b.interval;
      const s = iv.stride, go = iv.goff || 0;
      const out = {
        name: iv.name,
        Vlo: iv.V[s * r + iv.lo], Vhi: iv.V[s * r + iv.hi],
        Glo: iv.G[s * r + go + iv.lo], Ghi: iv.G[s * r + go + iv.hi],
      };
      return [out.Vlo, out.Vhi, out.Glo, out.Ghi].every(isNum) ? out : null;
    }
    // Replicate cloud rows for the plane: {g, V, G, regime} (valid pairs only).
    cloud(t, maxPerGroup) {
      const b = this.bootstrap;
      if (!b || !b.V) return [];
      const out = [];
      const step = maxPerGroup && b.B > maxPerGroup ? b.B / maxPerGroup : 1;
      for (let i = 0; i < this.n; ++i) {
        const r = b.rowOf[i];
        if (r < 0 || !b.ok[r]) continue;
        const semi = this.semiconductor[i];
        for (let q = 0; q < b.B; q += step) {
          const k = r * b.B + Math.floor(q);
          const V = b.V[k], G = b.G[k];
          const code = regimeCode(V, G, semi, t);
          if (code >= 0) out.push({ group: this.groups[i], V, G, regime: REGIMES[code] });
        }
      }
      return out;
    }

    // ---- stability over (g*, v_hi) -------------------------------------------------
    stabilityAxes() {
      if (this.sw && this.sw.growth && this.sw.vhi) return { growth: this.sw.growth, vhi: this.sw.vhi, source: 'sweep axes' };
      return { growth: METHOD_GRID.growth, vhi: METHOD_GRID.volatility_high, source: 'docs/method.md §6.2 grid' };
    }
    // For every group and grid point (g*, v_hi), with v_lo and the override at t:
    // the share of draws in `target` ('point': the point regime at that grid
    // point; 'default': the point regime at the default thresholds).
    // source 'bootstrap': the run's replicates; 'specs': the sweep's coherent
    // index specifications (point estimates).
    stability(t, source, target) {
      const ax = this.stabilityAxes();
      const gs = ax.growth, vh = ax.vhi;
      const nG = gs.length, nH = vh.length;
      const rows = [];
      const run0 = this.points(-1);
      for (let i = 0; i < this.n; ++i) {
        const semi = this.semiconductor[i];
        // draws for group i
        let Vs, Gs;
        if (source === 'specs') {
          if (!this.sw || this.sw.colOf[i] < 0) continue;
          const sw = this.sw, c = sw.colOf[i];
          Vs = []; Gs = [];
          for (const r of sw.coherent) {
            const k = r * sw.ng + c;
            if (sw.status && sw.status[k] !== 0) continue;
            Vs.push(sw.V[k]); Gs.push(sw.G[k]);
          }
        } else {
          const b = this.bootstrap;
          if (!b || !b.V) return null;
          const r = b.rowOf[i];
          if (r < 0 || !b.ok[r]) continue;
          Vs = b.V.slice(r * b.B, (r + 1) * b.B);
          Gs = b.G.slice(r * b.B, (r + 1) * b.B);
        }
        // histogram counts[a][h]: a = #{k: g*_k < G}, h = #{j: v_hi_j < V} (§6.5)
        const cnt = new Float64Array((nG + 1) * (nH + 1));
        let n = 0;
        for (let q = 0; q < Vs.length; ++q) {
          const V = Vs[q], G = Gs[q];
          if (!isNum(V) || !isNum(G)) continue;
          cnt[countBelow(gs, G) * (nH + 1) + countBelow(vh, V)]++;
          n++;
        }
        if (!n) continue;
        // for each (k, j): highGrowth = sum_{a>k} ; highVol(high growth) = sum_{a>k, h>j}
        const sufA = new Float64Array((nG + 2) * (nH + 2)); // sufA[a][h] = sum_{a'>=a, h'>=h}
        const W = nH + 2;
        for (let a = nG; a >= 0; --a) {
          for (let h = nH; h >= 0; --h) {
            sufA[a * W + h] = cnt[a * (nH + 1) + h] + sufA[(a + 1) * W + h] + sufA[a * W + h + 1] - sufA[(a + 1) * W + h + 1];
          }
        }
        const V0 = run0.V[i], G0 = run0.G[i];
        for (let k = 0; k < nG; ++k) {
          for (let j = 0; j < nH; ++j) {
            const tk = { gstar: gs[k], vhi: vh[j], vlo: Math.min(t.vlo, vh[j]), override: t.override };
            const high = sufA[(k + 1) * W + 0];
            const highVolHigh = sufA[(k + 1) * W + (j + 1)];
            const stock = semi && t.override ? high : highVolHigh;
            const shares = [stock / n, (high - stock) / n, (n - high) / n];
            const ptT = target === 'default' ? this.defaults : tk;
            let pr;
            if (source === 'specs') pr = regimeCode(V0, G0, semi, ptT);
            else pr = regimeCode(V0, G0, semi, ptT);
            rows.push({
              group: this.groups[i], gstar: gs[k], vhi: vh[j],
              share: pr >= 0 ? shares[pr] : null,
              point_regime: regimeName(pr),
            });
          }
        }
      }
      return { rows, axes: ax };
    }

    // ---- specification curve (Simonsohn, Simmons & Nelson 2020) -----------------------
    // mode 'count': per coherent spec, number of groups in `regime` at thresholds t.
    // mode 'group': per coherent spec, the chosen group's G (or V) and regime.
    specCurve(t, mode, opts) {
      const sw = this.sw;
      if (!sw) return null;
      opts = opts || {};
      const rows = [];
      for (const r of sw.coherent) {
        const choice = this.specChoice(r);
        if (mode === 'group') {
          const i = opts.group;
          const c = sw.colOf[i];
          if (c < 0) continue;
          const k = r * sw.ng + c;
          if (sw.status && sw.status[k] !== 0) continue;
          const V = sw.V[k], G = sw.G[k];
          const code = regimeCode(V, G, this.semiconductor[i], t);
          if (code < 0) continue;
          rows.push({ spec: r, y: opts.variable === 'V' ? V : G, V, G, regime: REGIMES[code], choice,
            description: this.specDescription(r), isDefault: r === sw.defaultSpec });
        } else {
          const target = REGIMES.indexOf(opts.regime || 'substitution');
          let count = 0, classified = 0;
          for (let i = 0; i < this.n; ++i) {
            const c = sw.colOf[i];
            if (c < 0) continue;
            const k = r * sw.ng + c;
            if (sw.status && sw.status[k] !== 0) continue;
            const code = regimeCode(sw.V[k], sw.G[k], this.semiconductor[i], t);
            if (code >= 0) { classified++; if (code === target) count++; }
          }
          rows.push({ spec: r, y: count, classified, choice, description: this.specDescription(r), isDefault: r === sw.defaultSpec });
        }
      }
      rows.sort((a, b) => (a.y - b.y) || (a.spec - b.spec));
      rows.forEach((row, k) => { row.rank = k + 1; });
      return rows;
    }
    // The stored count (sweep/spec_curve/n_substitution) at a grid g*, for checks.
    storedSubstitutionCount(row, gstar) {
      const sw = this.sw;
      if (!sw || !sw.nSubstitution || !sw.growth) return null;
      const k = sw.growth.indexOf(gstar);
      if (k < 0) return null;
      return sw.nSubstitution.data[row * sw.growth.length + k];
    }

    // ---- series and models ----------------------------------------------------------
    seriesOf(i) {
      const r = this.run;
      const vals = r.row('series/values', i) || [];
      const present = r.row('series/present', i) || vals.map(() => 1);
      const nn = String(i + 1).padStart(2, '0');
      const sp = 'models/surge/g' + nn, bp = 'models/breaks/g' + nn;
      const out = { months: this.months, values: vals, present, surge: null, breaks: null, adjusted: null };
      if (r.has(sp + '/trend')) {
        const at = (k) => r.attr(sp, k);
        const onsets = [];
        if (at('onset_month')) onsets.push(at('onset_month'));
        for (const m of r.data(sp + '/further_surge_onsets') || []) if (m && onsets.indexOf(m) < 0) onsets.push(m);
        out.surge = {
          trend: r.data(sp + '/trend'), seasonal: r.data(sp + '/seasonal'), surge: r.data(sp + '/surge'),
          chosen: at('chosen_model'), verdict: at('verdict'), reason: at('verdict_reason'),
          breakMonth: at('break_month') || '', onsets,
        };
      }
      if (r.has(bp + '/breakdates')) {
        const ci = r.data(bp + '/confidence_intervals') || [];
        const dates = r.data(bp + '/breakdates');
        out.breaks = {
          dates,
          intervals: dates.map((d, k) => ({
            date: d,
            lo: this.months[ci[3 * k] - 1], mid: this.months[ci[3 * k + 1] - 1], hi: this.months[ci[3 * k + 2] - 1],
          })),
          path: r.data(bp + '/segment_log_path'),
          level: r.attr(bp, 'ci_level') || 0.95,
        };
      }
      const adj = r.ds('models/adjusted/adjusted_series');
      if (adj) out.adjusted = r.row('models/adjusted/adjusted_series', i);
      return out;
    }
    aggregate() {
      const r = this.run;
      const years = r.data('aggregate/years');
      if (!years) return null;
      const series = [];
      const want = [
        ['capital', 'total'], ['capital', 'adjusted'], ['capital', 'semiconductor'],
        ['intermediate', 'total'], ['intermediate', 'adjusted'], ['intermediate', 'semiconductor'],
        ['combined', 'adjusted'],
      ];
      for (const [cat, kind] of want) {
        const d = r.data('aggregate/' + cat + '_' + kind + '_pct_gdp');
        if (d) series.push({ category: cat, kind, annual: d, rolling: r.data('aggregate/rolling/' + cat + '_' + kind + '_pct_gdp') });
      }
      return { years, series, rollingMonths: r.data('aggregate/rolling/months'),
        gdpColumn: r.attr('aggregate', 'gdp_column'), synthetic: toBool(r.attr('aggregate', 'synthetic')) };
    }

    // A label for every chart: says when data are synthetic.
    provenanceLabel(includeSweep) {
      const parts = [];
      const p = this.provenance.run;
      parts.push(p.synthetic ? 'SYNTHETIC data (simulated): ' + p.label : (p.recorded ? 'data: ' + p.label : 'provenance not recorded'));
      if (includeSweep && this.provenance.sweep) {
        const s = this.provenance.sweep;
        if (s.label !== p.label || s.synthetic !== p.synthetic) {
          parts.push('sweep: ' + (s.synthetic ? 'SYNTHETIC data (simulated): ' : '') + s.label);
        }
      }
      return parts.join(' | ');
    }
    isSynthetic() {
      return this.provenance.run.synthetic || !!(this.provenance.sweep && this.provenance.sweep.synthetic);
    }
  }

  // #{k : a[k] < x} for sorted a (binary search)
  function countBelow(a, x) {
    let lo = 0, hi = a.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (a[m] < x) lo = m + 1; else hi = m; }
    return lo;
  }

  function fmt(x, digits) {
    if (!isNum(x)) return '–';
    return x.toFixed(digits === undefined ? 4 : digits);
  }

  class ModelError extends Error {
    constructor(kind, message) { super(message); this.kind = kind; }
  }

  return {
    FORMAT, REGIMES, VOLATILITY, GROWTH, CELL_NAMES, METHOD_DEFAULT_THRESHOLDS,
    classify, classifyVolatility, classifyGrowth, regimeOf, regimeCode, regimeName,
    sameThresholds, thresholdsValid, thresholdsFromToml, countBelow, fmt,
    Model, ModelError, H5,
  };
});
