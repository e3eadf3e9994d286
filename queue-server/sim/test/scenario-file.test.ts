/** Scenario files and their site configuration go through the one strict loader of the project's files. */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { tempDir } from '@oss/tests';
import { afterEach, describe, expect, it } from 'vitest';
import { loadScenario } from '../scenario.ts';

const DEMO = resolve(import.meta.dirname, '../scenarios/demo-site.json');
const DEMO_SITE = resolve(import.meta.dirname, '../../config/demo-site.yaml');
const dirs: { remove: () => void }[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
});

/** The demo scenario and a copy of its site file (and media) side by side, each changed by `edit`. */
function scenarioWith(editScenario: (text: string) => string, editSite: (text: string) => string = (t) => t) {
  const dir = tempDir('oss-scenario-');
  dirs.push(dir);
  const scenario = JSON.parse(readFileSync(DEMO, 'utf8')) as { siteConfig: string };
  scenario.siteConfig = 'site.yaml';
  writeFileSync(join(dir.path, 'scenario.json'), editScenario(JSON.stringify(scenario, null, 2)));
  writeFileSync(join(dir.path, 'site.yaml'), editSite(readFileSync(DEMO_SITE, 'utf8')));
  // The site file names its announcement images, which must be beside it.
  cpSync(join(dirname(DEMO_SITE), 'media'), join(dir.path, 'media'), { recursive: true });
  return join(dir.path, 'scenario.json');
}

describe('loadScenario', () => {
  it('loads the demo scenario copied elsewhere', () => {
    const scenario = loadScenario(scenarioWith((t) => t));
    expect(scenario).toMatchObject({ name: 'demo-site', config: { site: { id: 'demo' } } });
  });

  it('refuses an unknown YAML tag in the site file instead of reading it as text', () => {
    const path = scenarioWith(
      (t) => t,
      (site) => site.replace(/^site:\n {2}id: demo$/m, 'site:\n  id: !env SITE_ID'),
    );
    expect(() => loadScenario(path)).toThrow(/site\.yaml:16 .*Lỗi cú pháp YAML \/ YAML syntax error/);
  });

  it('names the scenario field that is wrong, with its line, in Vietnamese and English', () => {
    const path = scenarioWith((t) => t.replace('"perHour": 50', '"perHour": -50'));
    expect(() => loadScenario(path)).toThrow(
      /Tệp kịch bản mô phỏng không hợp lệ .*scenario\.json \/ invalid simulation scenario .*scenario\.json:\n {2}.*scenario\.json:\d+ arrivals\.profile\.0\.perHour: /,
    );
  });
});
