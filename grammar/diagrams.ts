/**
 * `npm run grammar:diagrams`: writes railroad diagrams of the PromQL grammar to
 * grammar/diagrams.html (generated, not committed). Open it in a browser.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createSyntaxDiagramsCode } from 'chevrotain';
import { PromQLParser } from './parser.ts';

const out = fileURLToPath(new URL('./diagrams.html', import.meta.url));
const html = createSyntaxDiagramsCode(new PromQLParser().getSerializedGastProductions());
writeFileSync(out, html);
console.log(`wrote ${out}`);
