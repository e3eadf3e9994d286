/**
 * Loads the site configuration file (YAML or JSON), fills schema defaults, validates it, and reports
 * problems by field path and line, in Vietnamese then English:
 * `demo-site.yaml:42 services.3.prefix: Trường "services.3.prefix" không đúng định dạng (mẫu …) / field "services.3.prefix" does not match the pattern …`.
 */
import { bilingual, validate } from '@oss/protocol';
import {
  ConfigError,
  type ConfigProblem,
  parseYaml,
  readYamlFile,
  type YamlDocument,
} from '@oss/protocol/config';
import { crossCheck, SiteConfig } from '@oss/queue-server/core';
import { Value } from '@sinclair/typebox/value';
import { DEMO_SITE_CONFIG } from '../paths.ts';

export { ConfigError, type ConfigProblem, DEMO_SITE_CONFIG };

const SITE_FILE = { vi: 'Tệp cấu hình', en: 'site configuration' };

export function loadSiteConfig(file: string = DEMO_SITE_CONFIG): SiteConfig {
  return checkSite(readYamlFile(SITE_FILE, file), file);
}

export function parseSiteConfig(text: string, file = '(inline)'): SiteConfig {
  return checkSite(parseYaml(SITE_FILE, text, file), file);
}

function checkSite(doc: YamlDocument, file: string): SiteConfig {
  const raw = doc.value;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ConfigError(SITE_FILE, file, [
      {
        path: '',
        line: 1,
        message:
          'Tệp phải gồm các mục dạng khoá: giá trị (site:, services:, …) / ' +
          'the file must hold a mapping (site:, services:, …)',
      },
    ]);
  const withDefaults = Value.Default(SiteConfig, structuredClone(raw));
  const checked = validate(SiteConfig, withDefaults);
  if (!checked.ok) {
    throw new ConfigError(SITE_FILE, file, [
      { path: checked.path, line: doc.lineOf(checked.path), message: bilingual(checked.text) },
    ]);
  }
  const problems: ConfigProblem[] = crossCheck(checked.value).map((p) => ({
    path: p.path,
    line: doc.lineOf(p.path),
    message: p.message,
  }));
  if (problems.length > 0) throw new ConfigError(SITE_FILE, file, problems);
  return checked.value;
}
