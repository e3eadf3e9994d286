/** The camera's satisfaction estimate of a group, or "not enough data" where the core says so. */
import type { EmotionStats } from '@oss/protocol/http';
import { pct, t } from '../../shared/i18n.ts';

type Shown = Pick<EmotionStats, 'emotionSatisfaction' | 'emotionEstimates' | 'emotionEnoughData'>;

/** Whether a group has any estimate at all (the column/tile is worth showing). */
export function hasEmotion(k: Partial<Shown> | null | undefined): boolean {
  return (k?.emotionEstimates ?? 0) > 0;
}

/** The estimate as a percentage, or marked: too few services, frames or too little confidence. */
export function EmotionValue({ k, count = true }: { k: Partial<Shown> | null | undefined; count?: boolean }) {
  if (!hasEmotion(k)) return <span data-emotion="none">—</span>;
  const enough = k?.emotionEnoughData === true;
  return (
    <span data-emotion={enough ? 'shown' : 'not-enough'}>
      {enough ? pct(k?.emotionSatisfaction) : <span class="muted">{t('dash.emotionNotEnough')}</span>}
      {count && <small class="muted"> ({Number(k?.emotionEstimates ?? 0)})</small>}
    </span>
  );
}
