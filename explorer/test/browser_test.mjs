// The explorer in a real browser: Debian's chromium, headless, driven by
// puppeteer-core (never downloads a browser).
//
//   node explorer/test/browser_test.mjs PAGE.html SCREENSHOT_DIR [--expect-no-data] [--settle-ms N]
//
// Fails (exit 1) on: a console error, a page error or any network request;
// time to window.__explorerReady over 2 s on the cold load (the first
// navigation in a fresh browser; a second, warm load of the same page in the
// same browser is measured and reported too); a matrix update after a threshold
// change over 100 ms; a page over 5 MB; g* = 0.75 (set through the page's
// g* input) not giving the regimes the sweep's own tipping table gives
// (sweep/tipping/growth/*; Integrated Circuits stockpiling -> substitution,
// with its exact tipping value G between the two grid points); base = first12
// (set through the base picker) not showing the sweep's V_point / G_point of
// that specification (row found via sweep/specs/axes); a view without its
// chart or without the synthetic-data label. Writes a PNG of every view to
// SCREENSHOT_DIR and prints the measured times (SUMMARY cold_load_ms=...
// warm_load_ms=... matrix_update_ms=... chart_update_ms=... page_bytes=...).
// Exit 2: bad usage or no browser (CHROMIUM overrides /usr/bin/chromium) —
// never a silent skip.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';

const args = process.argv.slice(2);
const expectNoData = args.includes('--expect-no-data');
// --settle-ms N: wait N ms after the browser starts before the cold load. A
// fresh Chromium spends about its first second on its own start-up work (e.g.
// preloading its omnibox WebUI in another renderer), which on a 2-core
// machine competes with the page; the load stays the first in the browser.
const settleAt = args.indexOf('--settle-ms');
const settleMs = settleAt >= 0 ? parseInt(args[settleAt + 1], 10) : 0;
const pos = args.filter((a, k) => !a.startsWith('--') && !(settleAt >= 0 && k === settleAt + 1));
if (pos.length !== 2 || !(settleMs >= 0)) {
  process.stderr.write('usage: node browser_test.mjs PAGE.html SCREENSHOT_DIR [--expect-no-data] [--settle-ms N]\n');
  process.exit(2);
}
const [pagePath, shotDir] = pos;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const LOAD_LIMIT_MS = 2000, UPDATE_LIMIT_MS = 100, SIZE_LIMIT = 5 * 1000 * 1000;
if (!fs.existsSync(CHROMIUM)) {
  process.stderr.write('browser_test: FAIL: no browser at ' + CHROMIUM + ' (apt-get install chromium, or set CHROMIUM)\n');
  process.exit(2);
}
if (!fs.existsSync(pagePath)) {
  process.stderr.write('browser_test: FAIL: no page ' + pagePath + '\n');
  process.exit(2);
}
fs.mkdirSync(shotDir, { recursive: true });

const failures = [];
const fail = (msg) => { failures.push(msg); process.stdout.write('FAIL: ' + msg + '\n'); };
const ok = (msg) => process.stdout.write('ok: ' + msg + '\n');
const check = (cond, msg) => (cond ? ok(msg) : fail(msg));

const size = fs.statSync(pagePath).size;
process.stdout.write('page size: ' + size + ' bytes (' + (size / 1e6).toFixed(2) + ' MB)\n');
check(size <= SIZE_LIMIT, 'page size ' + size + ' <= ' + SIZE_LIMIT + ' bytes');

const browser = await puppeteer.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check'],
  defaultViewport: { width: 1500, height: 1000 },
});
let exitCode = 0;
try {
  const page = await browser.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') fail('console error: ' + m.text());
    else if (m.type() === 'warning' || m.type() === 'warn') process.stdout.write('console warning: ' + m.text() + '\n');
  });
  page.on('pageerror', (e) => fail('page error: ' + (e && e.message || e)));
  await page.setRequestInterception(true);
  page.on('request', (req) => {
    const u = req.url();
    if (u.startsWith('file:') || u.startsWith('data:') || u.startsWith('blob:') || u.startsWith('about:')) req.continue();
    else { fail('network request: ' + u); req.abort(); }
  });

  const url = pathToFileURL(path.resolve(pagePath)).href;
  if (settleMs > 0) {
    process.stdout.write('waiting ' + settleMs + ' ms for the browser to settle before the cold load\n');
    await new Promise((resolve) => setTimeout(resolve, settleMs));
  }
  // The cold load: the first navigation in this fresh browser (nothing
  // compiled or cached yet); the 2 s limit applies to it.
  const cold = await loadPage(page, url, 'cold load');
  check(cold.timings.load <= LOAD_LIMIT_MS, 'cold load ready within ' + LOAD_LIMIT_MS + ' ms (' + cold.timings.load.toFixed(0) + ' ms)');

  let summary = {};
  if (expectNoData) {
    check(cold.timings.state === 'no-data', 'unfilled template reports no data (state ' + cold.timings.state + ')');
    const txt = await page.$eval('#nodata', (e) => e.textContent).catch(() => '');
    check(/No data/.test(txt), 'the no-data message is shown');
    await page.screenshot({ path: path.join(shotDir, 'no_data.png'), fullPage: true });
  } else {
    check(cold.timings.state === 'ok', 'page state ok (' + cold.timings.state + ')');
    summary = await runDataChecks(page);
  }

  // The warm load: the same page navigated again in the same browser (for
  // comparison; reported, not limited).
  const warm = await loadPage(page, url, 'warm load');
  check(warm.timings.state === cold.timings.state, 'the warm load reaches the same state (' + warm.timings.state + ')');
  process.stdout.write('SUMMARY cold_load_ms=' + cold.timings.load.toFixed(0) + ' warm_load_ms=' + warm.timings.load.toFixed(0) +
    (summary.matrixUpdateMs !== undefined ? ' matrix_update_ms=' + summary.matrixUpdateMs.toFixed(2) + ' chart_update_ms=' + (summary.chartUpdateMs || 0).toFixed(1) : '') +
    ' page_bytes=' + size + '\n');
} catch (e) {
  fail('exception: ' + (e && e.stack || e));
} finally {
  await browser.close();
}
if (failures.length) {
  process.stdout.write('\nbrowser_test: ' + failures.length + ' failure(s)\n');
  exitCode = 1;
} else {
  process.stdout.write('\nbrowser_test: all checks passed\n');
}
process.exit(exitCode);

// ---------------------------------------------------------------------------------
// Navigates to url and waits for window.__explorerReady; prints the time to
// ready (ms after navigation start, measured by the page) and its breakdown.
async function loadPage(page, url, what) {
  const wall0 = Date.now();
  await page.goto(url, { waitUntil: 'load', timeout: 30000 });
  await page.waitForFunction(() => window.__explorerReady === true, { timeout: 30000 });
  const wall = Date.now() - wall0;
  const timings = await page.evaluate(() => window.__explorerTimings);
  process.stdout.write(what + ': ready ' + timings.load.toFixed(0) + ' ms after navigation start (wall clock from goto: ' + wall + ' ms)\n');
  const nav = await page.evaluate(() => performance.getEntriesByType('navigation')[0].toJSON());
  process.stdout.write('  breakdown (ms after navigation start): file read ' + nav.responseEnd.toFixed(0) + ', document parsed (scripts run) ' + nav.domInteractive.toFixed(0) +
    (timings.parsed ? ', data parsed ' + timings.parsed.toFixed(0) : '') + (timings.matrixBuilt ? ', matrix and regime list shown ' + timings.matrixBuilt.toFixed(0) : '') +
    (timings.planeSpecBuilt ? ', plane spec built ' + timings.planeSpecBuilt.toFixed(0) : '') + ', first chart drawn = ready ' + timings.load.toFixed(0) + '\n');
  return { timings, wall, nav };
}

async function shot(page, name) {
  const file = path.join(shotDir, name + '.png');
  await page.screenshot({ path: file, fullPage: true });
  ok('screenshot ' + file);
}

async function showView(page, id) {
  await page.click('#nav-' + id);
  await page.waitForFunction((v) => document.documentElement.getAttribute('data-view') === v, { timeout: 20000 }, id);
}

async function regimeRows(page) {
  return page.$$eval('#regime-list tr[data-group]', (rows) => rows.map((r) => ({
    group: r.getAttribute('data-group'), regime: r.getAttribute('data-regime'),
    flipped: r.getAttribute('data-flipped') === '1', tipping: r.getAttribute('data-tipping'),
    axis: r.getAttribute('data-tipping-axis'), V: r.children[1].textContent, G: r.children[2].textContent,
  })));
}

async function runDataChecks(page) {
  const data = await page.evaluate(() => window.chokepointExploreData);
  const run = data.files.run, sweep = data.files.sweep;
  const synthetic = run.attributes['/'] && run.attributes['/'].synthetic === 1;
  const REG = ['stockpiling', 'no_effect', 'substitution'];
  const groups = run.datasets['groups/name'].data;
  const IC = 'Integrated Circuits';

  // --- every view renders, with its label -------------------------------------------
  await shot(page, 'view_plane_default');
  const rows0 = await regimeRows(page);
  const ic0 = rows0.find((r) => r.group === IC);
  check(!!ic0, 'regime list has ' + IC);
  check(ic0 && ic0.regime === 'stockpiling', IC + ' is stockpiling at the default thresholds (' + (ic0 && ic0.regime) + ')');
  // the page's default regimes are the run file's
  const stored = run.datasets['indices/regime'].data;
  check(rows0.every((r) => r.regime === stored[groups.indexOf(r.group)]), 'default regimes equal the run file\'s indices/regime');

  // --- g* = 0.75 through the UI --------------------------------------------------------
  // expected from the sweep's own one-axis table (not from the page's code)
  let expected = null, icLo = null, icHi = null, icG = null;
  if (sweep) {
    const tv = sweep.datasets['sweep/tipping/growth/numeric'].data;
    const treg = sweep.datasets['sweep/tipping/growth/regime'].data;
    const sg = sweep.datasets['sweep/groups/name'].data;
    const k = tv.indexOf(0.75);
    check(k >= 0, 'the sweep\'s growth axis holds 0.75');
    expected = {};
    sg.forEach((g, j) => { expected[g] = REG[treg[k * sg.length + j]]; });
    const jIC = sg.indexOf(IC);
    const d = sweep.attributes['sweep/tipping/growth'].default_position;
    // the grid interval in which IC tips: last grid g* with the default regime, first without
    for (let q = d; q < tv.length; ++q) {
      if (treg[q * sg.length + jIC] !== treg[d * sg.length + jIC]) { icHi = tv[q]; icLo = tv[q - 1]; break; }
    }
    const ds = sweep.attributes.sweep.default_spec;
    icG = sweep.datasets['sweep/G_point'].data[ds * sg.length + jIC];
    process.stdout.write('sweep: ' + IC + ' tips between g* = ' + icLo + ' and ' + icHi + ' (exact boundary G = ' + icG + ')\n');
  } else {
    icG = run.datasets['indices/G'].data[groups.indexOf(IC)];
    process.stdout.write('no sweep in the page: expected regimes at g* = 0.75 from the run\'s V, G\n');
  }

  const input = await page.$('#t-gstar');
  await input.click({ clickCount: 3 });
  await page.keyboard.press('Backspace');
  await page.keyboard.type('0.75');
  await page.keyboard.press('Enter');
  await page.$eval('#t-gstar', (e) => e.dispatchEvent(new Event('change', { bubbles: true })));
  await page.waitForFunction(() => {
    const r = document.querySelector('#regime-list tr[data-group="Integrated Circuits"]');
    return window.__explorerState.t.gstar === 0.75 && r;
  }, { timeout: 5000 });
  await page.evaluate(() => window.__explorerLastUpdate);
  const t1 = await page.evaluate(() => window.__explorerTimings);
  const maxUpd = Math.max.apply(null, t1.matrixUpdates);
  process.stdout.write('matrix update after the threshold change: ' + t1.lastMatrixUpdateMs.toFixed(2) + ' ms (max over ' + t1.matrixUpdates.length + ' updates: ' + maxUpd.toFixed(2) + ' ms); chart update: ' + (t1.lastChartUpdateMs === null ? 'n/a' : t1.lastChartUpdateMs.toFixed(1) + ' ms') + '\n');
  check(t1.lastMatrixUpdateMs <= UPDATE_LIMIT_MS, 'matrix update ' + t1.lastMatrixUpdateMs.toFixed(2) + ' ms <= ' + UPDATE_LIMIT_MS + ' ms');
  check(maxUpd <= UPDATE_LIMIT_MS, 'every matrix update <= ' + UPDATE_LIMIT_MS + ' ms (max ' + maxUpd.toFixed(2) + ')');

  const rows1 = await regimeRows(page);
  const ic1 = rows1.find((r) => r.group === IC);
  check(ic1.regime === 'substitution', IC + ' is substitution at g* = 0.75 (' + ic1.regime + ')');
  check(ic1.flipped, IC + ' is highlighted as flipped');
  check(ic1.axis === 'g*' && parseFloat(ic1.tipping) === icG, IC + ' shows its exact tipping value g* = G = ' + icG + ' (page: ' + ic1.tipping + ')');
  if (icLo !== null) check(icLo < icG && icG <= icHi, 'the exact tipping value lies in the sweep\'s grid interval (' + icLo + ', ' + icHi + ']');
  const chip = await page.$eval('#matrix td[data-cell="medium_volatility/low_growth"]', (td) => Array.from(td.querySelectorAll('.chip')).map((c) => c.getAttribute('data-group')));
  check(chip.includes(IC), IC + ' sits in the medium-volatility / low-growth cell of the matrix');
  if (expected) {
    const wrong = rows1.filter((r) => expected[r.group] !== undefined && expected[r.group] !== r.regime);
    check(wrong.length === 0, 'every group\'s regime at g* = 0.75 equals sweep/tipping/growth/regime' + (wrong.length ? ': ' + wrong.map((w) => w.group + ' ' + w.regime + ' vs ' + expected[w.group]).join(', ') : ''));
    const flippedExpected = rows1.filter((r) => expected[r.group] !== rows0.find((x) => x.group === r.group).regime).map((r) => r.group);
    const flippedShown = rows1.filter((r) => r.flipped).map((r) => r.group);
    check(JSON.stringify(flippedExpected) === JSON.stringify(flippedShown), 'flipped groups highlighted: ' + flippedShown.join(', '));
  }
  const flipInChart = await page.evaluate(() => {
    const v = window.__explorerViews.plane;
    return v ? v.data('points').filter((p) => p.flipped === 'flipped').map((p) => p.group) : null;
  });
  check(flipInChart && flipInChart.includes(IC), 'the V-G chart highlights ' + IC);
  await shot(page, 'view_plane_gstar_0.75');

  // SVG export of the plane carries the synthetic label
  const svg = await page.evaluate(() => window.__explorerViews.plane.toSVG());
  check(svg.startsWith('<svg') && (!synthetic || svg.includes('SYNTHETIC')), 'the plane exports to SVG' + (synthetic ? ' with the synthetic label' : ''));
  const actions = await page.$$eval('#chart-plane .vega-actions a', (as) => as.map((a) => a.textContent));
  check(actions.some((a) => /SVG/.test(a)) && actions.some((a) => /PNG/.test(a)), 'export actions (SVG, PNG): ' + actions.join(', '));

  await page.click('#t-reset');
  await page.waitForFunction(() => window.__explorerState.t.gstar === 0.5 || window.__explorerState.t.gstar === window.__explorerModel.defaults.gstar);

  // --- base = first12 through the picker ---------------------------------------------
  await showView(page, 'spec');
  if (sweep) {
    const axesRows = sweep.datasets['sweep/specs/axes'].data;
    const ds = sweep.attributes.sweep.default_spec;
    const want = axesRows.slice(5 * ds, 5 * ds + 5);
    const bases = sweep.datasets['sweep/axes/base'].data;
    want[4] = bases.indexOf('first12');
    const nSpecs = sweep.datasets['sweep/specs/axes'].shape[0];
    let row = -1;
    for (let r = 0; r < nSpecs; ++r) if (axesRows.slice(5 * r, 5 * r + 5).every((v, k) => v === want[k])) row = r;
    check(row >= 0, 'the sweep has the reference specification with base first12 (row ' + row + ': ' + sweep.datasets['sweep/specs/description'].data[row] + ')');
    await page.select('#spec-base', 'first12');
    await page.waitForFunction((r) => document.querySelector('#spec-table').getAttribute('data-spec-row') === String(r), { timeout: 5000 }, row);
    await page.evaluate(() => window.__explorerLastUpdate);
    const shown = await page.$$eval('#spec-table tr[data-group]', (trs) => trs.map((tr) => ({
      group: tr.getAttribute('data-group'),
      V: tr.querySelector('td.v').getAttribute('data-value'), G: tr.querySelector('td.g').getAttribute('data-value'),
      Vt: tr.querySelector('td.v').textContent, Gt: tr.querySelector('td.g').textContent,
    })));
    const sg = sweep.datasets['sweep/groups/name'].data;
    const VP = sweep.datasets['sweep/V_point'].data, GP = sweep.datasets['sweep/G_point'].data;
    let bad = [];
    for (const s of shown) {
      const j = sg.indexOf(s.group);
      const V = VP[row * sg.length + j], G = GP[row * sg.length + j];
      const okV = V === null ? s.V === '' : parseFloat(s.V) === V && s.Vt === V.toFixed(4);
      const okG = G === null ? s.G === '' : parseFloat(s.G) === G && s.Gt === G.toFixed(4);
      if (!okV || !okG) bad.push(s.group + ' shows ' + s.V + ', ' + s.G + ' vs ' + V + ', ' + G);
    }
    check(shown.length === groups.length && bad.length === 0, 'base = first12 shows sweep/V_point, G_point of row ' + row + ' for all ' + shown.length + ' groups' + (bad.length ? ': ' + bad.join('; ') : ''));
    // and the plane's regime list follows
    const rows2 = await regimeRows(page);
    const badList = rows2.filter((r) => { const j = sg.indexOf(r.group); const V = VP[row * sg.length + j]; return V !== null && r.V !== V.toFixed(4); });
    check(badList.length === 0, 'the regime list shows the first12 point estimates too');
    await shot(page, 'view_spec_first12');
    await page.click('#spec-reset');
  } else {
    const msg = await page.$('#spec-nosweep');
    check(!!msg, 'without a sweep the specification view says so');
    await shot(page, 'view_spec');
  }

  // --- the other views ----------------------------------------------------------------------
  for (const [id, chart, needsSweep] of [['spec', '#chart-spec', true], ['curve', '#chart-curve', true], ['stability', '#chart-stability', false], ['series', '#chart-series', false], ['aggregate', '#chart-aggregate', false], ['plane', '#chart-plane', false]]) {
    const t0 = Date.now();
    await showView(page, id);
    await page.evaluate(() => window.__explorerLastUpdate);
    if (needsSweep && !sweep) {
      const txt = await page.$eval('#view-' + id, (e) => e.textContent);
      check(/No sweep file/i.test(txt), 'view ' + id + ' says there is no sweep file');
    } else {
      const hasCanvas = await page.waitForSelector(chart + ' canvas', { timeout: 15000 }).then(() => true, () => false);
      check(hasCanvas, 'view ' + id + ' draws its chart (' + (Date.now() - t0) + ' ms)');
    }
    if (synthetic) {
      const lab = await page.$eval('#view-' + id + ' .view-provenance', (e) => e.textContent).catch(() => '');
      check(/SYNTHETIC/.test(lab), 'view ' + id + ' says the data are synthetic');
    }
    if (id !== 'plane') await shot(page, 'view_' + id);
  }
  const t2 = await page.evaluate(() => window.__explorerTimings);
  process.stdout.write('render times (ms): ' + Object.entries(t2.renders).map(([k, v]) => k + ' ' + v.toFixed(0)).join(', ') + '\n');
  return { matrixUpdateMs: t1.lastMatrixUpdateMs, chartUpdateMs: t1.lastChartUpdateMs };
}
