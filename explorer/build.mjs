// Builds the explorer template: one self-contained HTML file (styles, Vega,
// Vega-Lite, vega-embed and the page's code inlined; no network; opens from
// file://) holding exactly one placeholder line
//
//   /*__CHOKEPOINT_EXPLORE_DATA__*/null
//
// which `chokepoint explore` replaces with the chokepoint-explore-1 JSON.
// Unfilled, the page loads and says there are no data.
//
// For a fast first load (explorer/README.md, "Load time"): the V-G plane's
// Vega-Lite spec is compiled to Vega and parsed to Vega's runtime dataflow
// here (`<!--PRECOMPILED-->`); Vega-Lite itself sits in a non-executed
// `<script type="text/plain">` that the page runs when idle or on first need;
// and the output is pure ASCII (other characters escaped), which the browser
// decodes much faster.
//
//   node explorer/build.mjs OUT.html
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const PLACEHOLDER = '/*__CHOKEPOINT_EXPLORE_DATA__*/null';
const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const hex4 = (c) => c.charCodeAt(0).toString(16).padStart(4, '0');
// Non-ASCII characters as escapes (per UTF-16 code unit; fine inside JS
// strings, regular expressions, template literals, comments and identifiers).
const asciiJs = (text) => text.replace(/[^\x00-\x7f]/g, (c) => '\\u' + hex4(c));
const asciiCss = (text) => text.replace(/[^\x00-\x7f]/g, (c) => '\\' + hex4(c) + ' ');
const asciiHtml = (text) => text.replace(/[\ud800-\udbff][\udc00-\udfff]|[^\x00-\x7f]/g, (c) => '&#x' + c.codePointAt(0).toString(16) + ';');

// The plane's Vega spec, compiled from Vega-Lite with stand-in values
// (src/specs.cjs, precompilePlane; the page would fill it with planeVega),
// and that spec parsed to Vega's runtime dataflow (preparsePlane; the page
// fills it with planeRuntime and hands it to vega.View).
export function precompiledPlane() {
  const S = require(path.join(here, 'src/specs.cjs'));
  const vl = require(path.join(here, 'node_modules/vega-lite'));
  const vega = require(path.join(here, 'node_modules/vega'));
  const spec = S.precompilePlane(vl);
  return { vega: spec, runtime: S.preparsePlane(spec, vega) };
}

function inlineFile(rel) {
  const file = path.join(here, rel);
  if (!fs.existsSync(file)) {
    throw new Error(file + ' is missing' + (rel.startsWith('node_modules') ? ' (run `npm ci` in explorer/ first)' : ''));
  }
  let text = fs.readFileSync(file, 'utf8');
  // no source-map fetches, and nothing that could close the inline element early
  text = text.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/g, '\n');
  if (rel.endsWith('.css')) {
    if (/<\/style/i.test(text)) throw new Error(rel + ' contains </style');
    text = asciiCss(text);
  } else {
    text = asciiJs(text.replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--'));
  }
  if (text.includes('__CHOKEPOINT_EXPLORE_DATA__')) throw new Error(rel + ' contains the data placeholder token');
  return text;
}

export function buildTemplate() {
  const tpl = asciiHtml(fs.readFileSync(path.join(here, 'template.html'), 'utf8'));
  const versions = {};
  for (const m of ['vega', 'vega-lite']) versions[m] = require(path.join(here, 'node_modules', m, 'package.json')).version;
  // the page needs only the runtime (the Vega spec stays in the build and the tests)
  const pre = 'window.ChokepointPrecompiled = ' + asciiJs(JSON.stringify({ planeRuntime: precompiledPlane().runtime, versions }))
    .replace(/<\//g, '<\\/').replace(/<!--/g, '<\\u0021--') + ';';
  if (pre.includes('__CHOKEPOINT_EXPLORE_DATA__')) throw new Error('the precompiled specs contain the data placeholder token');
  const out = tpl.replace(/^<!--INLINE:([^>]+)-->$/gm, (_, rel) => inlineFile(rel.trim()))
    .replace(/^<!--PRECOMPILED-->$/m, () => pre);
  const lines = out.split('\n').filter((l) => l.includes('__CHOKEPOINT_EXPLORE_DATA__'));
  if (lines.length !== 1 || lines[0] !== PLACEHOLDER) {
    throw new Error('the template must hold exactly one placeholder line ' + PLACEHOLDER + ', found ' + lines.length);
  }
  if (/<!--INLINE:|<!--PRECOMPILED-->/.test(out)) throw new Error('an INLINE or PRECOMPILED marker was left');
  if (/[^\x00-\x7f]/.test(out)) throw new Error('the template is not pure ASCII');
  if (/\b(src|href)=["']?(https?:)?\/\//i.test(out.replace(/<script(?: type="text\/plain" id="[a-z-]+")?>[\s\S]*?<\/script>/g, ''))) {
    throw new Error('the template references a network resource');
  }
  return out;
}

function main(argv) {
  if (argv.length !== 3 || argv[2] === '--help' || argv[2] === '-h') {
    process.stderr.write('usage: node explorer/build.mjs OUT.html\n');
    return 2;
  }
  const html = buildTemplate();
  const out = argv[2];
  const tmp = out + '.tmp';
  fs.writeFileSync(tmp, html);
  fs.renameSync(tmp, out);
  process.stdout.write('wrote ' + out + ' (' + html.length + ' bytes)\n');
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exit(main(process.argv));
  } catch (e) {
    process.stderr.write('build: ' + e.message + '\n');
    process.exit(1);
  }
}
