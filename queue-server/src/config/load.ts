/**
 * Loads the site configuration file (YAML or JSON), fills schema defaults, validates it, and reports
 * problems by field path and line, in Vietnamese then English:
 * `demo-site.yaml:42 services.3.prefix: Trường "services.3.prefix" không đúng định dạng (mẫu …) / field "services.3.prefix" does not match the pattern …`.
 */

import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { bilingual, validate } from '@oss/protocol';
import {
  ConfigError,
  type ConfigProblem,
  parseYaml,
  readYamlFile,
  type YamlDocument,
} from '@oss/protocol/config';
import { ANNOUNCEMENT_MAX_BYTES, crossCheck, SiteConfig } from '@oss/queue-server/core';
import { Value } from '@sinclair/typebox/value';
import { DEMO_SITE_CONFIG } from '../paths.ts';

export { ConfigError, type ConfigProblem, DEMO_SITE_CONFIG };

const SITE_FILE = { vi: 'Tệp cấu hình', en: 'site configuration' };

/** Reads and checks a site file, and the announcements' files beside it. */
export function loadSiteConfig(file: string = DEMO_SITE_CONFIG): SiteConfig {
  return checkSite(readYamlFile(SITE_FILE, file), file, true);
}

/** Checks a site configuration's text; it has no folder, so announcements' files are not looked at. */
export function parseSiteConfig(text: string, file = '(inline)'): SiteConfig {
  return checkSite(parseYaml(SITE_FILE, text, file), file, false);
}

function checkSite(doc: YamlDocument, file: string, withFiles: boolean): SiteConfig {
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
  if (problems.length === 0 && withFiles)
    for (const p of mediaProblems(checked.value, file)) problems.push({ ...p, line: doc.lineOf(p.path) });
  if (problems.length > 0) throw new ConfigError(SITE_FILE, file, problems);
  return checked.value;
}

/** Where an announcement's file is: relative to the site configuration file's folder. */
export function announcementPath(siteConfigFile: string, file: string): string {
  return resolve(dirname(siteConfigFile), file);
}

/** The announcements' files: each present, a regular file, and not too large for a board. */
function mediaProblems(config: SiteConfig, file: string): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  config.announcements?.forEach((a, i) => {
    const path = `announcements.${i}.file`;
    const stat = statSync(announcementPath(file, a.file), { throwIfNoEntry: false });
    const limit = ANNOUNCEMENT_MAX_BYTES[a.kind];
    const message = !stat?.isFile()
      ? bilingual({ vi: `không có tệp "${a.file}"`, en: `no file "${a.file}"` })
      : stat.size > limit
        ? bilingual({
            vi: `tệp "${a.file}" quá lớn (${mb(stat.size)} MB, tối đa ${mb(limit)} MB)`,
            en: `file "${a.file}" is too large (${mb(stat.size)} MB, at most ${mb(limit)} MB)`,
          })
        : null;
    if (message) problems.push({ path, message });
  });
  return problems;
}

const mb = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);
