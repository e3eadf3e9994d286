/**
 * The MQTT action `emotion.submit` (device → server): its schema lives in the protocol package, which
 * the server validates with; only scores are sent, never images.
 */
import { type RequestOf, RequestSchemas } from '@oss/protocol';
import { type Static, Type } from '@sinclair/typebox';

export const EMOTION_SUBMIT_ACTION = 'emotion.submit';
export const EmotionSubmitParams = RequestSchemas['emotion.submit'];
export type EmotionSubmitParams = RequestOf<'emotion.submit'>;
export const EmotionSubmitResult = Type.Object({ accepted: Type.Boolean() }, { additionalProperties: false });
export type EmotionSubmitResult = Static<typeof EmotionSubmitResult>;
