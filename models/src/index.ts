/** @oss/models: the on-device emotion model (face detection + expression → satisfaction estimate). */
export {
  type AnalyzerOptions,
  createFaceAnalyzer,
  DEFAULT_ANALYZER_OPTIONS,
  type DetectorName,
  type ExpressionModelName,
  type FaceAnalyzer,
  type FaceBox,
  type FaceObservation,
  type FrameAnalysis,
  faceQuality,
} from './analyzer.ts';
export { type BackendChoice, type BackendName, isTfjsNodeInstalled } from './backend.ts';
export {
  compareWithRatings,
  fitSatisfactionWeights,
  type RatedSample,
  type RatingAgreement,
  ratingToSatisfaction,
} from './calibration.ts';
export { EMOTION_ERROR_CODES, EmotionError, type EmotionErrorCode } from './errors.ts';
export {
  createEmotionEstimator,
  DEFAULT_ESTIMATOR_OPTIONS,
  type EmotionEstimator,
  type EstimatorOptions,
  type FrameResult,
  type FrameStatus,
  type ServiceEstimate,
} from './estimator.ts';
export { type EvalReport, evaluateFolder } from './evaluate.ts';
export {
  EXPRESSION_LABELS,
  EXPRESSIONS,
  type Expression,
  type ExpressionProbabilities,
  VALENCE_OF,
} from './expressions.ts';
export { decodeImage, type RgbImage } from './image.ts';
export {
  aggregateFrames,
  DEFAULT_WEIGHTS,
  type FrameScore,
  frameSatisfaction,
  type SatisfactionEstimate,
  toRatingScale,
} from './satisfaction.ts';
export { EMOTION_SUBMIT_ACTION, EmotionSubmitParams, EmotionSubmitResult } from './schema.ts';
