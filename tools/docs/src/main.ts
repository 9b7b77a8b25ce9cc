import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { asyncApiDocument } from './asyncapi';
import { eventCatalogue, SERVICES } from './event-catalogue';
import { serviceReference } from './service-reference';

/**
 * `pnpm run docs`: regenerates the API descriptions (OpenAPI from the gateway's routes, AsyncAPI from the
 * event contracts) and each service's REFERENCE.md. `pnpm run docs --check` changes nothing: it fails when a
 * committed file is stale, when the AsyncAPI document does not parse, or when the OpenAPI document has
 * a Redocly error (recommended rules).
 */
const root = resolve(__dirname, '../../..');

function generated(): Map<string, string> {
  const events = eventCatalogue(root);
  const files = new Map<string, string>();
  files.set('libs/contracts/asyncapi.json', JSON.stringify(asyncApiDocument(events), null, 2) + '\n');
  const openapi = execFileSync(process.execPath, ['-r', '@swc-node/register', 'apps/gateway/src/print-openapi.ts'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });
  files.set('docs/openapi.json', openapi);
  for (const service of SERVICES) files.set(`apps/${service}/REFERENCE.md`, serviceReference(service, events));
  return files;
}

async function validate(files: Map<string, string>): Promise<string[]> {
  const problems: string[] = [];
  const { Parser } = await import('@asyncapi/parser');
  const parsed = await new Parser().parse(files.get('libs/contracts/asyncapi.json')!);
  for (const d of parsed.diagnostics.filter((x) => x.severity === 0)) problems.push(`asyncapi: ${d.message} at ${d.path.join('.')}`);
  const redocly = await import('@redocly/openapi-core');
  const config = await redocly.createConfig({ extends: ['recommended'] });
  const lint = await redocly.lintFromString({ source: files.get('docs/openapi.json')!, absoluteRef: join(root, 'docs/openapi.json'), config });
  for (const p of lint.filter((x) => x.severity === 'error')) problems.push(`openapi: ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? ''}`);
  const warnings = lint.filter((x) => x.severity === 'warn').length;
  process.stdout.write(`openapi: ${lint.length - warnings} errors, ${warnings} warnings (Redocly recommended); asyncapi: ${parsed.diagnostics.filter((x) => x.severity === 0).length} errors\n`);
  return problems;
}

async function main() {
  const check = process.argv.includes('--check');
  const files = generated();
  const stale: string[] = [];
  for (const [path, content] of files) {
    const abs = join(root, path);
    const current = existsSync(abs) ? readFileSync(abs, 'utf8') : undefined;
    if (current === content) continue;
    if (check) stale.push(path);
    else writeFileSync(abs, content);
  }
  const problems = await validate(files);
  for (const s of stale) process.stdout.write(`stale: ${s} (run pnpm run docs)\n`);
  for (const p of problems) process.stdout.write(`${p}\n`);
  if (!check) process.stdout.write(`wrote ${files.size} files\n`);
  process.exit(stale.length || problems.length ? 1 : 0);
}

void main();
