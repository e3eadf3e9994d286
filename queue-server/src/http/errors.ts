/** One error shape for every route: `{"error":{"code","message","text":{vi,en}}}` with a matching status. */
import { type ErrorCode, type Lang, ProtocolError } from '@oss/protocol';
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

export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}

export function langOf(request: FastifyRequest): Lang {
  return /^en\b/i.test(request.headers['accept-language'] ?? '') ? 'en' : 'vi';
}

export function installErrorHandler(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const lang = langOf(request);
    if (error instanceof ProtocolError)
      return reply.status(STATUS[error.code]).send({ error: error.toBody(lang) });
    if (error.validation || (error.statusCode && error.statusCode < 500)) {
      const en = error.message;
      return reply.status(error.statusCode && error.statusCode !== 500 ? error.statusCode : 400).send({
        error: {
          code: 'invalid_request',
          message: lang === 'en' ? en : `Yêu cầu không hợp lệ: ${en}`,
          text: { vi: `Yêu cầu không hợp lệ: ${en}`, en },
        },
      });
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
