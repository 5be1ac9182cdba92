// Builds the explorer template: one self-contained HTML file (styles, Vega,
// Vega-Lite, vega-embed and the page's code inlined; no network; opens from
// file://) holding exactly one placeholder line
//
//   /*__CHOKEPOINT_EXPLORE_DATA__*/null
//
// which `chokepoint explore` replaces with the chokepoint-explore-1 JSON.
// Unfilled, the page loads and says there are no data.
//
//   node explorer/build.mjs OUT.html
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PLACEHOLDER = '/*__CHOKEPOINT_EXPLORE_DATA__*/null';
const here = path.dirname(fileURLToPath(import.meta.url));

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
  } else {
    text = text.replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--');
  }
  if (text.includes('__CHOKEPOINT_EXPLORE_DATA__')) throw new Error(rel + ' contains the data placeholder token');
  return text;
}

export function buildTemplate() {
  const tpl = fs.readFileSync(path.join(here, 'template.html'), 'utf8');
  const out = tpl.replace(/^<!--INLINE:([^>]+)-->$/gm, (_, rel) => inlineFile(rel.trim()));
  const lines = out.split('\n').filter((l) => l.includes('__CHOKEPOINT_EXPLORE_DATA__'));
  if (lines.length !== 1 || lines[0] !== PLACEHOLDER) {
    throw new Error('the template must hold exactly one placeholder line ' + PLACEHOLDER + ', found ' + lines.length);
  }
  if (/<!--INLINE:/.test(out)) throw new Error('an INLINE marker was left');
  if (/\b(src|href)=["']?(https?:)?\/\//i.test(out.replace(/<script>[\s\S]*?<\/script>/g, ''))) {
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
