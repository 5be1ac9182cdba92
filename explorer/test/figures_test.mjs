// Runs figures.mjs on a data document and checks every SVG parses (resvg
// renders it), is labelled synthetic when the data are, and holds its marks
// and labels; also checks the shared model against what the files store
// (sweep/spec_curve/n_substitution, sweep/regime_at_default_thresholds,
// bootstrap/regime_probability, indices/regime) so the page and the figures
// classify exactly as the C++ does; and checks the page's precompiled V-G
// plane (build.mjs; specs.cjs planeVega, planeRuntime) equals the Vega that
// Vega-Lite compiles from the same spec, and vega.parse of it, for the page's
// states.
//
//   node explorer/test/figures_test.mjs DATA.json OUTDIR [--existing]
//
// With --existing, OUTDIR already holds the figures (as `chokepoint figures`
// wrote them) and is checked as it is instead of being rendered again.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import { precompiledPlane } from '../build.mjs';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const M = require(path.join(here, '../src/model.cjs'));
const S = require(path.join(here, '../src/specs.cjs'));
const vl = require('vega-lite');
const vega = require('vega');

const [dataPath, outDir, mode] = process.argv.slice(2);
if (!dataPath || !outDir || (mode !== undefined && mode !== '--existing')) {
  process.stderr.write('usage: node figures_test.mjs DATA.json OUTDIR [--existing]\n');
  process.exit(2);
}
const failures = [];
const check = (cond, msg) => { process.stdout.write((cond ? 'ok: ' : 'FAIL: ') + msg + '\n'); if (!cond) failures.push(msg); };

const doc = JSON.parse(fs.readFileSync(dataPath, 'utf8'));
const model = new M.Model(doc);
const synthetic = model.isSynthetic();

// ---- the model against the stored results ----------------------------------------------
{
  const stored = model.run.data('indices/regime');
  const st = model.groupStates(-1, model.defaults);
  check(st.every((s, i) => s.regimeName === stored[i]), 'regimes at the default thresholds equal indices/regime');
  const rp = model.run.data('bootstrap/regime_probability');
  if (rp && model.hasReplicates()) {
    let md = 0;
    for (let i = 0; i < model.n; ++i) {
      const p = model.regimeProbabilities(i, model.defaults);
      if (p) for (let k = 0; k < 3; ++k) md = Math.max(md, Math.abs(p.p[k] - rp[3 * i + k]));
    }
    check(md === 0, 'bootstrap regime probabilities recomputed from the replicates equal bootstrap/regime_probability (max diff ' + md + ')');
  }
  if (model.hasSweep()) {
    const sw = model.sw;
    const rad = model.sweep.data('sweep/regime_at_default_thresholds');
    let bad = 0;
    for (let r = 0; r < sw.nSpecs; ++r) {
      const p = model.points(r);
      for (let i = 0; i < model.n; ++i) {
        const c = M.regimeCode(p.V[i], p.G[i], model.semiconductor[i], model.defaults);
        if (c !== rad[r * sw.ng + sw.colOf[i]]) bad++;
      }
    }
    check(bad === 0, 'regimes at every specification equal sweep/regime_at_default_thresholds (' + bad + ' differ)');
    bad = 0;
    let n = 0;
    for (const g of sw.growth) {
      const rows = model.specCurve(Object.assign({}, model.defaults, { gstar: g }), 'count', { regime: 'substitution' });
      for (const r of rows) { n++; if (model.storedSubstitutionCount(r.spec, g) !== r.y) bad++; }
    }
    check(bad === 0, 'specification-curve counts equal sweep/spec_curve/n_substitution at all ' + n + ' (spec, g*) points');
  }
}

// ---- the precompiled plane against Vega-Lite's compile -------------------------------------
{
  const pre = precompiledPlane();
  const d = model.defaults;
  const states = [];
  const page = { width: 720, height: 500, liveThresholds: true };
  for (const unc of ['cloud', 'cloud-all', 'interval', 'none']) {
    states.push([unc + ' (page)', { t: Object.assign({}, d), specRow: -1, uncertainty: unc === 'cloud-all' ? 'cloud' : unc, cloudPerGroup: unc === 'cloud' ? 250 : 0 }, page]);
  }
  states.push(['g* = 0.75, v_hi = 0.3, override off (page)', { t: Object.assign({}, d, { gstar: 0.75, vhi: 0.3, override: false }), specRow: -1, uncertainty: 'cloud', cloudPerGroup: 250 }, page]);
  states.push(['figure defaults', { t: Object.assign({}, d), specRow: -1, uncertainty: 'interval' }, {}]);
  if (model.hasSweep()) {
    const other = model.specRow(Object.assign({}, model.specChoice(model.defaultSpecRow()), { base: model.sw.axes.base[model.sw.axes.base.length - 1] }));
    if (other >= 0) states.push(['sweep row ' + other + ' (page)', { t: Object.assign({}, d), specRow: other, uncertainty: 'cloud', cloudPerGroup: 250 }, page]);
  }
  for (const [what, st, opts] of states) {
    const p = S.planeParams(model, st, opts);
    const want = vl.compile(S.planeSpecFrom(p)).spec;
    const got = S.planeVega(p, pre.vega);
    // as JSON: Vega-Lite's output holds class instances (SignalRefWrapper) where the precompiled has their plain JSON
    check(JSON.stringify(got) === JSON.stringify(want), 'precompiled plane equals the compiled Vega-Lite spec (as JSON): ' + what);
    const wantRt = vega.parse(got, {});
    const gotRt = S.planeRuntime(p, pre.runtime);
    check(JSON.stringify(gotRt) === JSON.stringify(wantRt), 'preparsed plane equals vega.parse of that spec (as JSON): ' + what);
    // and draws the same (SVG; clip-path ids count up across views)
    const svgOf = async (rt) => { const v = new vega.View(rt, { renderer: 'none' }); await v.runAsync(); const svg = await v.toSVG(); v.finalize(); return svg.replace(/clip\d+/g, 'clip'); };
    const p2 = S.planeParams(model, st, opts); // fresh rows: Vega marks the ones it ingests
    check(await svgOf(S.planeRuntime(p2, pre.runtime)) === await svgOf(wantRt), 'the preparsed plane draws the same SVG: ' + what);
  }
}

// ---- the figures ----------------------------------------------------------------------------
if (mode !== '--existing') {
  fs.rmSync(outDir, { recursive: true, force: true });
  const res = spawnSync(process.execPath, [path.join(here, '../figures.mjs'), dataPath, outDir], { encoding: 'utf8' });
  check(res.status === 0, 'figures.mjs exits 0' + (res.status ? ': ' + res.stderr : ''));
}
const index = JSON.parse(fs.readFileSync(path.join(outDir, 'figures.json'), 'utf8'));
const names = index.figures.map((f) => f.name);
const expected = ['vg_plane', 'stability_heatmap', 'aggregate_shares'].concat(model.groups.map((g) => 'series_' + g.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '')));
if (model.hasSweep()) expected.push('spec_curve', 'stability_heatmap_specs');
for (const e of expected) check(names.includes(e), 'figure ' + e + ' written');

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&#39;').replace(/"/g, '&quot;');
const has = (svg, text) => svg.includes(text) || svg.includes(esc(text));
const count = (svg, re) => (svg.match(re) || []).length;
for (const f of index.figures) {
  const svg = fs.readFileSync(path.join(outDir, f.svg), 'utf8');
  let parsed = true;
  try {
    const r = new Resvg(svg);
    const img = r.render();
    parsed = img.width > 100 && img.height > 100;
  } catch (e) { parsed = false; }
  check(svg.startsWith('<svg') && parsed, f.svg + ' is an SVG that renders');
  if (f.png || mode !== '--existing')  // figures written with --no-png list no PNG
    check(!!f.png && fs.existsSync(path.join(outDir, f.png)) && fs.statSync(path.join(outDir, f.png)).size > 1000, f.png + ' written');
  if (synthetic) check(svg.includes('SYNTHETIC data (simulated)'), f.svg + ' says the data are synthetic');
}
const read = (n) => fs.readFileSync(path.join(outDir, n + '.svg'), 'utf8');
{
  const svg = read('vg_plane');
  for (const g of ['Integrated Circuits', 'Lithography', 'Fluid Control']) check(has(svg, g), 'vg_plane labels ' + g);
  for (const t of ['g* = ' + model.defaults.gstar, 'v_hi = ' + model.defaults.vhi, 'v_lo = ' + model.defaults.vlo, 'growth index G', 'volatility index V', 'stockpiling', 'substitution', 'no_effect']) check(has(svg, t), 'vg_plane shows "' + t + '"');
  const symbols = count(svg, /<path [^>]*class="[^"]*"|role="graphics-symbol"/g);
  check(symbols >= model.n, 'vg_plane holds at least one mark per group (' + symbols + ')');
}
if (model.hasSweep()) {
  const svg = read('spec_curve');
  for (const t of ['groups in substitution', 'weighting: linear', 'base: first12', 'window start: ' + model.sw.axes.window_start[0], 'frequency: annual']) check(has(svg, t), 'spec_curve shows "' + t + '"');
  const ticks = count(svg, /role="graphics-symbol"/g);
  check(ticks > 0, 'spec_curve has marks');
}
{
  const svg = read('stability_heatmap');
  for (const g of model.groups.slice(0, 3)) check(has(svg, g), 'stability_heatmap has a panel for ' + g);
  check(has(svg, 'bootstrap replicates'), 'stability_heatmap says what its shares are of');
}
{
  const ic = model.groups.indexOf('Integrated Circuits');
  if (ic >= 0) {
    const svg = read('series_integrated_circuits');
    check(has(svg, 'imports (US$)') && has(svg, 'fitted trend'), 'series_integrated_circuits has the series and the fitted trend');
    for (const e of model.events) check(has(svg, e.month + ' ' + e.label), 'series_integrated_circuits marks the policy event ' + e.month);
    const b = model.seriesOf(ic).breaks;
    if (b) check(has(svg, 'breaks: ' + b.dates.join(', ')), 'series_integrated_circuits lists its breaks');
  }
}
{
  const svg = read('aggregate_shares');
  check(has(svg, '% of GDP') && has(svg, 'capital') && has(svg, 'intermediate') && has(svg, 'semiconductor') && has(svg, 'adjusted'), 'aggregate_shares shows capital / intermediate, total / adjusted / semiconductor');
}

process.stdout.write(failures.length ? '\nfigures_test: ' + failures.length + ' failure(s)\n' : '\nfigures_test: all checks passed\n');
process.exit(failures.length ? 1 : 0);
