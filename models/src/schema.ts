/**
 * Proposed MQTT action `emotion.submit` (device → server), for the protocol package to adopt.
 * Published on oss/v1/{site}/devices/{device}/req/emotion.submit; only scores, never images.
 */
import { type Static, Type } from '@sinclair/typebox';
import { EXPRESSIONS } from './expressions.ts';

export const EMOTION_SUBMIT_ACTION = 'emotion.submit';

const Fraction = Type.Number({ minimum: 0, maximum: 1 });

export const ExpressionMeans = Type.Object(
  Object.fromEntries(EXPRESSIONS.map((name) => [name, Fraction])) as Record<
    (typeof EXPRESSIONS)[number],
    typeof Fraction
  >,
  { additionalProperties: false },
);

export const EmotionSubmitParams = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64, description: 'request id (unique, for idempotency)' }),
    counterId: Type.String({ minLength: 1, maxLength: 64 }),
    ticketId: Type.String({ minLength: 1, maxLength: 64 }),
    satisfaction: { ...Fraction, description: '0 = very dissatisfied, 0.5 = neutral, 1 = very satisfied' },
    confidence: { ...Fraction, description: '0..1; the server should ignore or down-weight low values' },
    frames: Type.Integer({
      minimum: 0,
      maximum: 10_000,
      description: 'frames analysed around the end of service',
    }),
    facesFound: Type.Integer({ minimum: 0, maximum: 10_000 }),
    model: Type.String({
      minLength: 1,
      maxLength: 128,
      description: 'model id, e.g. face-api-1.7.15/ssd-mobilenetv1+expression/wasm',
    }),
    measuredAt: Type.Optional(
      Type.String({ format: 'date-time', description: 'end of the sampled window, ISO 8601' }),
    ),
    expressions: Type.Optional(ExpressionMeans),
  },
  { additionalProperties: false },
);
export type EmotionSubmitParams = Static<typeof EmotionSubmitParams>;

export const EmotionSubmitResult = Type.Object({ accepted: Type.Boolean() }, { additionalProperties: false });
export type EmotionSubmitResult = Static<typeof EmotionSubmitResult>;
