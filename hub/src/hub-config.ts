/**
 * The province's own settings for the hub (`OSS_HUB_CONFIG`, a JSON file; docs/hub.md): Decision 468's
 * productivity floors by level, and each site's area and level. Absent: the decision's floors, every
 * site at the `province` level and in no area.
 */
import { readFileSync } from 'node:fs';
import { LocalizedText, validate } from '@oss/protocol';
import { PRODUCTIVITY_FLOORS, SITE_LEVELS, type SiteLevel } from '@oss/queue-server/core';
import { type Static, Type } from '@sinclair/typebox';
import { EnvError } from './env.ts';

const Level = Type.Union(SITE_LEVELS.map((l) => Type.Literal(l)));
const Floor = Type.Integer({ minimum: 1, maximum: 100_000 });

export const HubConfig = Type.Object(
  {
    /** Dossiers received per officer per year, by level; the levels not named keep Decision 468's. */
    productivityFloors: Type.Optional(
      Type.Partial(
        Type.Object(
          Object.fromEntries(SITE_LEVELS.map((l) => [l, Floor])) as Record<SiteLevel, typeof Floor>,
        ),
        {
          additionalProperties: false,
        },
      ),
    ),
    sites: Type.Optional(
      Type.Record(
        Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' }),
        Type.Object(
          { area: Type.Optional(LocalizedText), level: Type.Optional(Level) },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);
export type HubConfig = Static<typeof HubConfig>;

export interface SitePlace {
  area: LocalizedText | null;
  level: SiteLevel;
}

export interface ProvinceSettings {
  floors: Record<SiteLevel, number>;
  placeOf(siteId: string): SitePlace;
}

export function provinceSettings(config: HubConfig = {}): ProvinceSettings {
  const floors = { ...PRODUCTIVITY_FLOORS, ...config.productivityFloors };
  return {
    floors,
    placeOf: (siteId) => {
      const site = config.sites?.[siteId];
      return { area: site?.area ?? null, level: site?.level ?? 'province' };
    },
  };
}

/** Reads and checks the file; a bad one stops the hub with a message naming the file and the field. */
export function loadHubConfig(file: string | null): ProvinceSettings {
  if (!file) return provinceSettings();
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new EnvError(
      `Không đọc được tệp cấu hình hub ${file}: ${String(e)} / cannot read the hub configuration ${file}: ${String(e)}`,
    );
  }
  const check = validate(HubConfig, value);
  if (!check.ok)
    throw new EnvError(
      `Tệp cấu hình hub ${file} không hợp lệ: ${check.text.vi} / ` +
        `the hub configuration ${file} is invalid: ${check.text.en}`,
    );
  return provinceSettings(check.value);
}
