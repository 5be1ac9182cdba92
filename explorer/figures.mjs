// Publication figures from the explorer's data: the same Vega-Lite specs as
// the page (src/specs.cjs), rendered headless to SVG with Vega and to PNG with
// resvg.
//
//   node explorer/figures.mjs DATA.json OUTDIR [--scale 2] [--no-png]
//
// DATA.json is the `chokepoint-explore-1` document (scripts/explore_dump.py or
// what `chokepoint explore` embeds). Writes, with stable names:
//   vg_plane.{svg,png}                 V against G, default thresholds, bootstrap clouds
//   vg_plane_intervals.{svg,png}       the same with the bootstrap intervals
//   spec_curve.{svg,png}               groups classified substitution across specifications   (sweep)
//   spec_curve_<group>.{svg,png}       one group's G across specifications (Integrated Circuits) (sweep)
//   stability_heatmap.{svg,png}        bootstrap share in the point regime over (g*, v_hi)
//   stability_heatmap_specs.{svg,png}  share of index specifications in the default regime    (sweep)
//   series_<group>.{svg,png}           each group's monthly series with the models
//   aggregate_shares.{svg,png}         capital-goods and intermediate imports, % of GDP
// and figures.json (name, file, title) listing them. Exit 0 on success, 2 on
// bad input (message on stderr), 1 otherwise.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const M = require(path.join(here, 'src/model.cjs'));
const S = require(path.join(here, 'src/specs.cjs'));

export function slug(name) {
  return String(name).toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

// Every figure as {name, spec}; shared with the tests.
export function figureSpecs(model) {
  const t = Object.assign({}, model.defaults);
  const base = { t, specRow: -1 };
  const figs = [];
  figs.push({ name: 'vg_plane', spec: S.planeSpec(model, Object.assign({}, base, { uncertainty: model.hasReplicates() ? 'cloud' : 'interval' })) });
  if (model.bootstrap && model.bootstrap.interval) {
    figs.push({ name: 'vg_plane_intervals', spec: S.planeSpec(model, Object.assign({}, base, { uncertainty: 'interval' })) });
  }
  if (model.hasSweep()) {
    figs.push({ name: 'spec_curve', spec: S.specCurveSpec(model, base, { mode: 'count', regime: 'substitution' }) });
    const ic = model.groups.indexOf('Integrated Circuits');
    const g = ic >= 0 ? ic : 0;
    figs.push({ name: 'spec_curve_' + slug(model.groups[g]), spec: S.specCurveSpec(model, base, { mode: 'group', group: g, variable: 'G' }) });
  }
  if (model.hasReplicates()) {
    figs.push({ name: 'stability_heatmap', spec: S.stabilitySpec(model, base, { source: 'bootstrap', target: 'point' }) });
  }
  if (model.hasSweep()) {
    figs.push({ name: 'stability_heatmap_specs', spec: S.stabilitySpec(model, base, { source: 'specs', target: 'default' }) });
  }
  model.groups.forEach((nm, i) => {
    figs.push({ name: 'series_' + slug(nm), spec: S.seriesSpec(model, base, { group: i, log: true }) });
  });
  const agg = S.aggregateSpec(model, base, {});
  if (agg) figs.push({ name: 'aggregate_shares', spec: agg });
  return figs.filter((f) => f.spec);
}

export async function renderSvg(vlSpec) {
  const vega = (await import('vega')).default || (await import('vega'));
  const vl = (await import('vega-lite')).default || (await import('vega-lite'));
  const compiled = vl.compile(vlSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  await view.runAsync();
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

export async function svgToPng(svg, scale) {
  const { Resvg } = await import('@resvg/resvg-js');
  const r = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale || 2 },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return r.render().asPng();
}

async function main(argv) {
  const args = argv.slice(2);
  const pos = args.filter((a, k) => !a.startsWith('--') && args[k - 1] !== '--scale');
  if (pos.length !== 2 || args.includes('--help') || args.includes('-h')) {
    process.stderr.write('usage: node figures.mjs DATA.json OUTDIR [--scale 2] [--no-png]\n');
    return 2;
  }
  const scaleAt = args.indexOf('--scale');
  const scale = scaleAt >= 0 ? parseFloat(args[scaleAt + 1]) : 2;
  const png = !args.includes('--no-png');
  let doc;
  try {
    doc = JSON.parse(fs.readFileSync(pos[0], 'utf8'));
  } catch (e) {
    process.stderr.write('figures: cannot read ' + pos[0] + ': ' + e.message + '\n');
    return 2;
  }
  let model;
  try {
    model = new M.Model(doc);
  } catch (e) {
    process.stderr.write('figures: ' + pos[0] + ': ' + e.message + '\n');
    return 2;
  }
  const out = pos[1];
  fs.mkdirSync(out, { recursive: true });
  const index = [];
  for (const f of figureSpecs(model)) {
    const svg = await renderSvg(f.spec);
    fs.writeFileSync(path.join(out, f.name + '.svg'), svg);
    const entry = { name: f.name, svg: f.name + '.svg', title: f.spec.title && f.spec.title.text };
    if (png) {
      fs.writeFileSync(path.join(out, f.name + '.png'), await svgToPng(svg, scale));
      entry.png = f.name + '.png';
    }
    index.push(entry);
  }
  const notes = [];
  if (!model.hasSweep()) notes.push('no sweep file: spec_curve*, stability_heatmap_specs not written');
  if (!model.hasReplicates()) notes.push('no bootstrap replicates: stability_heatmap not written');
  fs.writeFileSync(path.join(out, 'figures.json'), JSON.stringify({
    format: 'chokepoint-figures-1', provenance: model.provenanceLabel(true), synthetic: model.isSynthetic(),
    figures: index, notes,
  }, null, 2) + '\n');
  for (const n of notes) process.stderr.write('figures: ' + n + '\n');
  process.stdout.write('wrote ' + index.length + ' figures to ' + out + '\n');
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv).then((rc) => process.exit(rc), (e) => { process.stderr.write('figures: ' + (e && e.stack || e) + '\n'); process.exit(1); });
}
