import { JSDOM } from 'jsdom';
import fs from 'fs';
const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window; globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
let bad = 0;
for (const f of process.argv.slice(2)) {
  try { const r = await mermaid.parse(fs.readFileSync(f, 'utf8')); console.log(f, 'ok', JSON.stringify(r)); }
  catch (e) { bad++; console.log(f, 'ERROR', e.message); }
}
process.exit(bad ? 1 : 0);
