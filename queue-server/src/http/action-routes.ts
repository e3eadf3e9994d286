/**
 * `POST /api/actions/{action}`: the MQTT request actions over HTTP, for the counter console, staff
 * and browser kiosks (HTTP Basic with a kiosk's enrolment). Same schemas, rules and results; the body's
 * optional `id` makes a retry idempotent just as on MQTT.
 */
import { ACTION_NAMES, ErrorResponse, fail, RequestSchemas, ResultSchemas } from '@oss/protocol';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ACTIONS } from '../actions.ts';
import type { QueueService } from '../queue-service.ts';
import { callerOf, overrideOf } from './auth.ts';
import { langOf, statusOf } from './errors.ts';

export async function actionRoutes(
  app: FastifyInstance,
  { service }: { service: QueueService },
): Promise<void> {
  for (const action of ACTION_NAMES) {
    const spec = ACTIONS[action];
    const schema = RequestSchemas[action];
    // `id` is optional over HTTP.
    const body = Type.Object(
      { ...schema.properties, id: Type.Optional(schema.properties.id) },
      { additionalProperties: false },
    );
    const response = { 200: ResultSchemas[action], '4xx': ErrorResponse };
    app.post(`/api/actions/${action}`, { schema: { body, response } }, async (request, reply) => {
      const counters = service.core.state.counters;
      const caller = callerOf(request, counters.values());
      if (!spec.allowed.includes(caller.kind))
        fail('forbidden', 'Không được phép thực hiện thao tác này', `a ${caller.kind} may not ${action}`);
      const params = request.body as Record<string, unknown> & {
        id?: string;
        citizen?: { idNumber?: string };
      };
      const command = spec.command(params as never, caller);
      const lang = langOf(request);
      const response = service.execute(command, {
        ...(params.id ? { key: { deviceId: caller.key, requestId: params.id, action } } : {}),
        lang,
        ...(params.citizen?.idNumber ? { citizenIdNumber: params.citizen.idNumber } : {}),
        result: spec.result,
      });
      if (request.staff) {
        service.store.audit(service.clock(), request.staff.username, action, {
          ...stripPersonal(params),
          ...overrideOf(request.staff, action, counters.get(params.counterId as string)),
        });
        if (typeof params.counterId === 'string')
          service.officerSeen(params.counterId, request.staff.username, true);
      }
      if (response.ok) return reply.send(response.result);
      return reply.status(statusOf(response.error.code)).send({ error: response.error });
    });
  }
}

function stripPersonal(params: Record<string, unknown>): Record<string, unknown> {
  const { citizen: _personal, ...rest } = params;
  return rest;
}
