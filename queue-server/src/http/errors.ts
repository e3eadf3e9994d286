/** One error shape for every route: `{"error":{"code","message","text":{vi,en}}}` with a matching status. */
import {
  describeErrors,
  type ErrorCode,
  invalidRequestBody,
  type Lang,
  type LocalizedText,
  ProtocolError,
  requestLang,
} from '@oss/protocol';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from '../log.ts';

const STATUS: Record<ErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  unknown_service: 404,
  unknown_counter: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
};

/** Fastify's own refusals (before a route's schema runs), in both languages. */
const FRAMEWORK_ERRORS: Record<string, LocalizedText> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { vi: 'Nội dung yêu cầu quá lớn', en: 'Request body too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    vi: 'Kiểu nội dung không được hỗ trợ (hãy gửi JSON)',
    en: 'Unsupported content type (send JSON)',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { vi: 'Nội dung JSON trống', en: 'Empty JSON body' },
  FST_ERR_CTP_INVALID_JSON_BODY: { vi: 'Nội dung không phải JSON hợp lệ', en: 'Body is not valid JSON' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { vi: 'Độ dài nội dung sai', en: 'Wrong content length' },
};

export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}

/** The body's `lang` when it has one (as on MQTT), else the browser's Accept-Language; Vietnamese by default. */
export function langOf(request: FastifyRequest): Lang {
  const body = request.body as { lang?: unknown } | null | undefined;
  if (body?.lang !== undefined) return requestLang(body);
  return /^en\b/i.test(request.headers['accept-language'] ?? '') ? 'en' : 'vi';
}

export function installErrorHandler(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const lang = langOf(request);
    if (error instanceof ProtocolError)
      return reply.status(STATUS[error.code]).send({ error: error.toBody(lang) });
    if (error.validation)
      return reply
        .status(400)
        .send({ error: invalidRequestBody(describeErrors(error.validation).text, lang) });
    if (error.statusCode && error.statusCode < 500) {
      const text = FRAMEWORK_ERRORS[error.code] ?? {
        vi: 'Yêu cầu không hợp lệ',
        en: `Invalid request: ${error.message}`,
      };
      return reply.status(error.statusCode).send({ error: invalidRequestBody(text, lang) });
    }
    log.error({ err: String(error), url: request.routeOptions.url }, 'request failed');
    const text = { vi: 'Lỗi hệ thống, vui lòng thử lại', en: 'Server error, please try again' };
    return reply.status(500).send({ error: { code: 'unavailable', message: text[lang], text } });
  });
  app.setNotFoundHandler((request, reply) => {
    const text = { vi: 'Không tìm thấy', en: 'Not found' };
    reply.status(404).send({ error: { code: 'not_found', message: text[langOf(request)], text } });
  });
}
