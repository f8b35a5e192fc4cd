/**
 * Calling endpoints under a business phone number: `settings`, `call_permissions` and `calls`.
 */
import type { FastifyInstance } from 'fastify';
import { handleCallAction } from './call-service.ts';
import type { CallPermission } from './call-store.ts';
import { requirePhone } from './graph-auth.ts';
import { GraphError, invalidParameter, missingParameter } from './graph-errors.ts';
import type { SandboxCore } from './sandbox-core.ts';
import { bodyObject } from './templates.routes.ts';

type Params = { version: string; phoneId: string };

const SETTING_VALUES: Record<string, readonly string[]> = {
  status: ['ENABLED', 'DISABLED'],
  call_icon_visibility: ['DEFAULT', 'DISABLE_ALL'],
  callback_permission_status: ['ENABLED', 'DISABLED'],
};

export function callingRoutes(core: SandboxCore) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get<{ Params: Params }>('/:version/:phoneId/settings', async (request) => {
      const owner = requirePhone(core, request, request.params.phoneId);
      return { calling: core.calls.settingsOf(owner.phone.id) };
    });

    app.post<{ Params: Params }>('/:version/:phoneId/settings', async (request) => {
      const owner = requirePhone(core, request, request.params.phoneId);
      core.calls.updateSettings(owner.phone.id, readCallingSettings(request.body));
      return { success: true };
    });

    app.get<{ Params: Params; Querystring: { user_wa_id?: string } }>('/:version/:phoneId/call_permissions', async (request) => {
      const owner = requirePhone(core, request, request.params.phoneId);
      const user = request.query.user_wa_id?.replace(/[\s()+-]/g, '');
      if (!user) throw new GraphError(100, 'The parameter user_wa_id is required.');
      return permissionView(core.calls.permissionOf(owner.phone.id, user, core.clock()));
    });

    app.post<{ Params: Params }>('/:version/:phoneId/calls', async (request) => {
      const owner = requirePhone(core, request, request.params.phoneId);
      return handleCallAction(core, owner, bodyObject(request.body));
    });
  };
}

function readCallingSettings(body: unknown): Record<string, unknown> {
  const calling = bodyObject(body).calling;
  if (typeof calling !== 'object' || calling === null || Array.isArray(calling)) throw missingParameter('calling');
  for (const [key, allowed] of Object.entries(SETTING_VALUES)) {
    const value = (calling as Record<string, unknown>)[key];
    if (value !== undefined && !allowed.includes(String(value))) throw invalidParameter(`calling.${key} must be one of ${allowed.join(', ')}.`);
  }
  return calling as Record<string, unknown>;
}

/** Meta's permission answer; the sandbox counts no usage, so only the permission decides. */
function permissionView(permission: CallPermission): Record<string, unknown> {
  return {
    messaging_product: 'whatsapp',
    permission: {
      status: permission.status,
      ...(permission.expiresAt === undefined ? {} : { expiration_time: Math.floor(permission.expiresAt / 1000) }),
    },
    actions: [
      { action_name: 'send_call_permission_request', can_perform_action: true, limits: [
        { time_period: 'PT24H', max_allowed: 1, current_usage: 0 },
        { time_period: 'P7D', max_allowed: 2, current_usage: 0 },
      ] },
      { action_name: 'start_call', can_perform_action: permission.status !== 'no_permission', limits: [
        { time_period: 'PT24H', max_allowed: 10, current_usage: 0 },
      ] },
    ],
  };
}
