import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

// The repository stands on its own: everything a reader or a test needs is inside it.

const root = resolve(__dirname, '../..');
const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
  .split('\0')
  .filter((f) => f && existsSync(join(root, f)));
const text = (file: string) => readFileSync(join(root, file), 'utf8');
const textFiles = tracked.filter((f) => !/\.(png|jpe?g|gif|ico|woff2?)$/i.test(f) && f !== 'pnpm-lock.yaml');

const ID = /\b(?:AC|LAW|DP|API|REL|BUS)-\d{2}\b/g;
const TEST_FILE = /\.(spec|int-spec|e2e-spec|fault-spec)\.ts$/;
// `it(...)`, `test(...)`, `describe(...)` with their `.each`, `.only` and `.skip` forms, quoted or as template literals.
const TEST_TITLE = /\b(?:it|test|describe)(?:\.(?:each\([\s\S]*?\)|only|skip|concurrent))*\(\s*(['"`])((?:\\.|(?!\1)[\s\S])*?)\1/g;

function definedRequirements(): string[] {
  return [...text('docs/requirements.md').matchAll(/^- \*\*((?:AC|LAW|DP|API|REL|BUS)-\d{2})\*\*/gm)].map((m) => m[1]);
}

function citedInTestTitles(): Map<string, string[]> {
  const cited = new Map<string, string[]>();
  for (const file of tracked.filter((f) => TEST_FILE.test(f))) {
    for (const [, , title] of text(file).matchAll(TEST_TITLE)) {
      for (const [id] of title.matchAll(ID)) cited.set(id, [...(cited.get(id) ?? []), file]);
    }
  }
  return cited;
}

describe('the repository stands on its own', () => {
  it('no tracked file refers to the team notes outside the repository', () => {
    // Built from pieces so this file does not match itself.
    const outside = new RegExp(['\\.\\.', 'shared'].join('/') + '|' + ['', 'work', 'shared'].join('/'));
    const offenders = textFiles.filter((f) => outside.test(text(f)));
    expect(offenders).toEqual([]);
  });

  it('the check above finds such a reference', () => {
    const outside = new RegExp(['\\.\\.', 'shared'].join('/') + '|' + ['', 'work', 'shared'].join('/'));
    expect(outside.test(`see ${['..', 'shared', 'design.md'].join('/')}`)).toBe(true);
    expect(outside.test(`see ${['', 'work', 'shared', 'security.md'].join('/')}`)).toBe(true);
    expect(outside.test('see docs/architecture.md')).toBe(false);
  });

  it('every relative link in the READMEs and docs/ points at a file of the repository', () => {
    const broken: string[] = [];
    for (const file of textFiles.filter((f) => f.endsWith('.md'))) {
      for (const [, target] of text(file).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?:|mailto:|#)/.test(target)) continue;
        const path = target.split('#')[0];
        if (!existsSync(join(root, dirname(file), path))) broken.push(`${file} -> ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('docs/requirements.md defines every requirement the tests cite', () => {
  const defined = definedRequirements();

  it('defines each id once', () => {
    expect(defined.length).toBeGreaterThan(40);
    expect(defined.filter((id, i) => defined.indexOf(id) !== i)).toEqual([]);
  });

  it('every id cited in a test title is defined', () => {
    const cited = citedInTestTitles();
    // The tests cite most of the catalogue; an empty result would mean the title pattern broke.
    expect(cited.size).toBeGreaterThan(25);
    const undefinedIds = [...cited].filter(([id]) => !defined.includes(id)).map(([id, files]) => `${id} (${[...new Set(files)].join(', ')})`);
    expect(undefinedIds).toEqual([]);
  });

  it('every id cited anywhere else (comments, READMEs) is defined too', () => {
    const unknown = new Set<string>();
    for (const file of textFiles) for (const [id] of text(file).matchAll(ID)) if (!defined.includes(id)) unknown.add(`${id} in ${file}`);
    expect([...unknown]).toEqual([]);
  });

  it('reads ids out of test titles the way they are written', () => {
    const sample = ["it('AC-03: field groups', () => {})", 'test.each([1, 2])(`REL-04/LAW-02 %s`, () => {})', 'describe("DP-01 canaries", () => {})'].join('\n');
    const ids = [...sample.matchAll(TEST_TITLE)].flatMap(([, , title]) => [...title.matchAll(ID)].map((m) => m[0]));
    expect(ids).toEqual(['AC-03', 'REL-04', 'LAW-02', 'DP-01']);
  });
});

describe('docs/events.md catalogues every event and consumer', () => {
  const catalogue = text('docs/events.md');

  it('names every event subject declared in libs/contracts', () => {
    const subjects = tracked
      .filter((f) => f.startsWith('libs/contracts/src/events/') && f.endsWith('.ts') && !TEST_FILE.test(f))
      .flatMap((f) => [...text(f).matchAll(/static readonly subject = '([^']+)'/g)].map((m) => m[1]));
    expect(subjects.length).toBeGreaterThan(20);
    expect(subjects.filter((s) => !catalogue.includes(`\`${s}\``))).toEqual([]);
  });

  it('names every @OnEvent handler in the apps', () => {
    const handlers = tracked
      .filter((f) => f.startsWith('apps/') && f.endsWith('.ts') && !TEST_FILE.test(f))
      .flatMap((f) => [...text(f).matchAll(/@OnEvent\((\w+)\)\s*(?:async\s+)?(\w+)/g)].map((m) => `${m[1]} -> ${m[2]}`));
    expect(handlers.length).toBeGreaterThan(5);
    expect(handlers.filter((h) => !catalogue.includes(`.${h.split(' -> ')[1]}\``))).toEqual([]);
  });
});
