/** The site configuration file: the demo site, and errors that name the field and the line. */
import { mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyLineEdits, lineEdits, yamlAliasBomb } from '@oss/tests';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEMO_SITE_CONFIG, loadSiteConfig, parseSiteConfig } from '../src/config/load.ts';
import { readEnv } from '../src/env.ts';
import { tempDir } from './helpers.ts';

const demoText = readFileSync(DEMO_SITE_CONFIG, 'utf8');

function problem(text: string): string {
  try {
    parseSiteConfig(text, 'site.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('site configuration', () => {
  it('the demo site is a realistic one-stop shop', () => {
    const config = loadSiteConfig();
    expect(config.services.length).toBeGreaterThanOrEqual(6);
    expect(config.counters.length).toBeGreaterThanOrEqual(8);
    expect(config.procedures.length).toBeGreaterThanOrEqual(20);
    expect(config.procedures.map((p) => p.name.vi)).toContain('Đăng ký khai sinh');
    for (const p of config.procedures) expect(p.requiredPapers.length).toBeGreaterThan(0);
    for (const s of config.services) expect(config.procedures.some((p) => p.serviceId === s.id)).toBe(true);
    expect(config.targets.waitMinutes).toBe(15);
    expect(config.priorityClasses.find((c) => c.id === 'elderly')?.minAge).toBe(60);
  });

  it('names the field and its line for a schema error', () => {
    const text = demoText.replace(/prefix: C\b/, 'prefix: CC');
    const line = text.split('\n').findIndex((l) => l.includes('prefix: CC')) + 1;
    const message = problem(text);
    expect(message).toMatch(
      /^Tệp cấu hình không hợp lệ site\.yaml \/ invalid site configuration site\.yaml:/,
    );
    expect(message).toMatch(
      new RegExp(
        `site\\.yaml:${line} services\\.2\\.prefix: Trường "services\\.2\\.prefix" không đúng định dạng \\(mẫu .*\\) / field "services\\.2\\.prefix" does not match the pattern`,
      ),
    );
  });

  it('points a missing field at its parent', () => {
    const text = demoText.replace(/\n {4}meanServiceMinutes: 15\n/, '\n');
    expect(problem(text)).toMatch(/services\.2\.meanServiceMinutes/);
    expect(problem(text)).toMatch(/Thiếu trường "services\.2\.meanServiceMinutes" \/ missing field/);
  });

  it('reports YAML syntax errors with their line', () => {
    expect(problem('site:\n  id: demo\n  name: [unclosed\n')).toMatch(
      /site\.yaml:\d+ \(tệp \/ file\): Lỗi cú pháp YAML \/ YAML syntax error: /,
    );
  });

  it('reports cross-reference problems', () => {
    const text = demoText.replace(/serviceIds: \[civil-status/, 'serviceIds: [no-such-service');
    expect(text).not.toBe(demoText);
    expect(problem(text)).toMatch(/unknown service "no-such-service"/);
  });

  it('applies defaults (opening hours enforcement, routing policy)', () => {
    const text = demoText.replace(/^enforceOpeningHours:.*$/m, '').replace(/^routingPolicy:.*$/m, '');
    const config = parseSiteConfig(text);
    expect(config.enforceOpeningHours).toBe(true);
    expect(config.routingPolicy).toBe('accumulating');
  });

  it('a missing file and a non-mapping file are clear errors', () => {
    expect(() => loadSiteConfig('/no/such/site.yaml')).toThrow(
      /Không đọc được tệp \(ENOENT\) \/ cannot read the file \(ENOENT\)/,
    );
    const dir = tempDir();
    const file = join(dir.path, 'x.yaml');
    writeFileSync(file, '- just\n- a list\n');
    expect(() => loadSiteConfig(file)).toThrow(/Tệp phải gồm .* \/ the file must hold a mapping/);
    dir.remove();
  });

  it('announcements: each file checked, the entry named by its line, in Vietnamese then English', () => {
    const dir = tempDir();
    mkdirSync(join(dir.path, 'media'));
    writeFileSync(join(dir.path, 'media', 'ok.png'), 'png');
    writeFileSync(join(dir.path, 'media', 'big.png'), '');
    truncateSync(join(dir.path, 'media', 'big.png'), 5 * 1024 * 1024 + 1);
    writeFileSync(join(dir.path, 'media', 'notes.txt'), 'text');
    const withMedia = (entries: string) => {
      const file = join(dir.path, 'site.yaml');
      writeFileSync(
        file,
        `${demoText.replace(/^announcements:[\s\S]*?\n\n/m, '')}\nannouncements:\n${entries}`,
      );
      return file;
    };
    const entry = (file: string, kind = 'image') =>
      `  - file: ${file}\n    kind: ${kind}\n    title: { vi: Giờ làm việc, en: Opening hours }\n`;
    const loaded = loadSiteConfig(withMedia(entry('media/ok.png')));
    expect(loaded.announcements).toEqual([
      {
        file: 'media/ok.png',
        kind: 'image',
        seconds: 10,
        title: { vi: 'Giờ làm việc', en: 'Opening hours' },
      },
    ]);
    const fails = (entries: string, pattern: RegExp) => {
      const file = withMedia(entries);
      const line =
        readFileSync(file, 'utf8')
          .split('\n')
          .findIndex((l) => l.includes('file: ')) + 1;
      expect(() => loadSiteConfig(file)).toThrow(
        new RegExp(`site\\.yaml:${line} announcements\\.0\\.file: `),
      );
      expect(() => loadSiteConfig(file)).toThrow(pattern);
    };
    fails(entry('media/gone.png'), /không có tệp "media\/gone\.png" \/ no file "media\/gone\.png"/);
    fails(
      entry('media/notes.txt'),
      /phần mở rộng không được hỗ trợ .* \/ file "media\/notes\.txt": unknown extension/,
    );
    fails(
      entry('media/big.png'),
      /quá lớn \(5\.0 MB, tối đa 5\.0 MB\) \/ file "media\/big\.png" is too large/,
    );
    fails(
      entry('media/ok.png', 'video'),
      /là ảnh, không phải video .* \/ file "media\/ok\.png" is an image, not a video/,
    );
    fails(entry('../site.png'), /đường dẫn tương đối .* \/ file "\.\.\/site\.png" must be a relative path/);
    fails(entry('/etc/passwd.png'), /must be a relative path inside the configuration's folder/);
    dir.remove();
  });

  it('environment variables are checked', () => {
    expect(readEnv({}).httpPort).toBe(8080);
    expect(readEnv({}).mqttPort).toBe(1883);
    expect(readEnv({}).mqttUrl).toBeNull();
    expect(() => readEnv({ OSS_HTTP_PORT: 'eighty' })).toThrow(
      /^Biến môi trường OSS_HTTP_PORT phải là số cổng .* \/ OSS_HTTP_PORT must be a port number/,
    );
    expect(() => readEnv({ OSS_MQTT_URL: 'localhost:1883' })).toThrow(
      /^Biến môi trường OSS_MQTT_URL .* \/ OSS_MQTT_URL must be a broker URL/,
    );
  });
});

describe('config loader under fuzzing', () => {
  const onlyConfigErrors = (text: string) => {
    try {
      parseSiteConfig(text, 'fuzz.yaml');
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      expect(e.problems.length).toBeGreaterThan(0);
      expect(e.message).toMatch(
        /^Tệp cấu hình không hợp lệ fuzz\.yaml \/ invalid site configuration fuzz\.yaml:/,
      );
    }
  };

  it('a dangling alias, an alias bomb or an unknown tag is a ConfigError, not a crash', () => {
    expect(() => parseSiteConfig('site:\n  id: !env SITE_ID\n', 'fuzz.yaml')).toThrow(/Unresolved tag: !env/);
    expect(() => parseSiteConfig('site:\n  id: *nowhere\n', 'fuzz.yaml')).toThrow(/YAML alias error/);
    expect(() => parseSiteConfig(yamlAliasBomb(), 'fuzz.yaml')).toThrow(/Excessive alias count/);
    // The shrunk case CI found: a line garbled into `*!`.
    onlyConfigErrors(`${demoText.split('\n').slice(1, 404).join('\n')}\n    *!`);
  });

  it('random text gives a ConfigError or a valid configuration, never anything else', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), onlyConfigErrors), { numRuns: 300 });
  });

  it('the demo file with random lines cut, duplicated or garbled gives only ConfigErrors', () => {
    fc.assert(
      fc.property(lineEdits, (edits) => onlyConfigErrors(applyLineEdits(demoText, edits))),
      { numRuns: 200 },
    );
  });
});
