import { stringify } from 'yaml';
import type { TeamsTable } from '../../db/schema.ts';
import type { UserAggregate } from '../users/users.repo.ts';
import type { ConfigRow, TeamConfigState } from './config-objects.repo.ts';

type ReadJson = (value: unknown) => unknown;

/** Drops keys whose value is a default, so exported files stay as short as hand-written ones. */
function compact(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(object).filter(([, v]) => v !== null && v !== undefined && v !== false && v !== '' && !(Array.isArray(v) && v.length === 0)),
  );
}

/**
 * Renders the stored config in the file format of CONFIG.md. Applying the output to the same team
 * changes nothing; applying it to an empty database recreates the team's data model, users and
 * plugins (their secrets come back from the same environment variables).
 */
export function exportTeamConfig(
  team: TeamsTable, state: TeamConfigState, users: readonly UserAggregate[], plugins: readonly Record<string, unknown>[], readJson: ReadJson,
): string {
  const shortIdOf = new Map<string, string>();
  for (const rows of Object.values(state)) for (const row of rows as { id: string; short_id: string }[]) shortIdOf.set(row.id, row.short_id);
  const ref = (id: string | null) => (id === null ? null : (shortIdOf.get(id) ?? null));

  const attributes = (ownerId: string) =>
    state.attributes.filter((a) => a.owner_id === ownerId).sort((a, b) => a.position - b.position).map((a) => compact({
      shortId: a.short_id, name: a.name === a.short_id ? null : a.name, type: a.type, required: a.required === 1,
      options: readJson(a.options), autoGenerate: readJson(a.auto_generate), schema: readJson(a.schema),
    }));

  const procedure = (p: ConfigRow<'procedures'>) => compact({
    shortId: p.short_id, name: p.name, entity: ref(p.entity_id), primaryKey: ref(p.primary_key_attribute_id),
    primaryIdentifier: ref(p.primary_identifier_attribute_id), phoneAttribute: ref(p.phone_attribute_id),
    defaultStartState: ref(p.default_start_state_id), defaultCompletedState: ref(p.default_completed_state_id),
    states: state.states.filter((s) => s.procedure_id === p.id).sort((a, b) => a.position - b.position).map((s) => ({ shortId: s.short_id, name: s.name })),
    attributes: attributes(p.id),
    derivedAttributes: state.derived_attributes.filter((d) => d.owner_id === p.id).sort((a, b) => a.position - b.position)
      .map((d) => compact({ shortId: d.short_id, name: d.name === d.short_id ? null : d.name, type: d.type, expression: d.expression })),
    attributeGroups: state.attribute_groups.filter((g) => g.owner_id === p.id).sort((a, b) => a.position - b.position)
      .map((g) => ({ shortId: g.short_id, name: g.name, attributes: (readJson(g.attribute_ids) as string[]).map(ref) })),
    stateTasks: state.state_tasks.filter((t) => t.procedure_id === p.id).map((t) => compact({
      shortId: t.short_id, name: t.name, taskType: ref(t.task_type_id), states: (readJson(t.state_ids) as string[]).map(ref), attributes: attributes(t.id),
    })),
  });

  const usernameOf = new Map(users.map((u) => [u.user.id, u.user.username]));
  // Memberships come back in no particular order; the pods' own order keeps exports stable.
  const podOrder = new Map(state.pods.map((p, index) => [p.id, index]));
  const inPodOrder = (ids: readonly string[]) => [...ids].sort((a, b) => (podOrder.get(a) ?? 0) - (podOrder.get(b) ?? 0));
  const document = compact({
    team: compact({ slug: team.slug, name: team.name, timezone: team.timezone, defaultCountryCode: team.default_country_code }),
    roles: state.roles.map((r) => ({ shortId: r.short_id, name: r.name, type: r.type })),
    pods: state.pods.map((p) => ({ shortId: p.short_id, name: p.name })),
    taskTypes: state.task_types.map((t) => ({ shortId: t.short_id, name: t.name })),
    users: users.filter((u) => u.user.is_service_account === 0 && u.user.is_deleted === 0).map(({ user, emails, phones, podIds }) => ({
      ...compact({
        username: user.username, firstName: user.first_name, lastName: user.last_name, middleName: user.middle_name,
        displayName: user.display_name, email: emails.find((e) => e.id === user.primary_email_id)?.email,
        phone: phones.find((p) => p.id === user.primary_phone_id)?.phone, role: ref(user.role_id),
        pods: inPodOrder(podIds).map(ref), manager: user.manager_id ? usernameOf.get(user.manager_id) : null, timezone: user.timezone,
      }),
      ...(user.is_active === 1 ? {} : { isActive: false }),
    })),
    entities: state.entities.map((e) => compact({
      shortId: e.short_id, name: e.name, primaryKey: ref(e.primary_key_attribute_id), phoneAttribute: ref(e.phone_attribute_id), attributes: attributes(e.id),
    })),
    procedures: state.procedures.map(procedure),
    plugins,
  });
  return stringify(document, { lineWidth: 0 });
}
