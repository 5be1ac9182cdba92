// Does what `chokepoint explore` does with the template, for development and
// the tests without the C++ side: replaces the placeholder line with the JSON
// document, escaped for an inline <script> ("</" -> "<\/", U+2028/2029).
//
//   node explorer/test/fill_template.mjs TEMPLATE.html DATA.json OUT.html
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PLACEHOLDER = '/*__CHOKEPOINT_EXPLORE_DATA__*/null';

export function escapeForScript(json) {
  return json.replace(/<\//g, '<\\/').replace(/<!--/g, '<\\u0021--').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function fillTemplate(template, json) {
  const lines = template.split('\n');
  const at = lines.map((l, k) => (l === PLACEHOLDER ? k : -1)).filter((k) => k >= 0);
  if (at.length !== 1) throw new Error('expected exactly one placeholder line, found ' + at.length);
  lines[at[0]] = escapeForScript(json.trim());
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.length !== 5) {
    process.stderr.write('usage: node fill_template.mjs TEMPLATE.html DATA.json OUT.html\n');
    process.exit(2);
  }
  const [tpl, data, out] = process.argv.slice(2);
  const html = fillTemplate(fs.readFileSync(tpl, 'utf8'), fs.readFileSync(data, 'utf8'));
  fs.writeFileSync(out, html);
  process.stdout.write('wrote ' + out + ' (' + html.length + ' bytes)\n');
}
