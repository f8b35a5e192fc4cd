import { LineCounter, parseDocument } from 'yaml';
import { substituteVariables } from './config-file.env.ts';
import { readPlugins, type WebhookUrlRules } from './config-file.plugins.ts';
import { readEntity, readProcedure } from './config-file.procedures.ts';
import {
  describeKind,
  isMapping,
  readList,
  readMapping,
  reportDuplicates,
  shortIdsOf,
  valuesOf,
  type Mapping,
  type Problems,
} from './config-file.read.ts';
import { readNamedObject, readRole, readTeam } from './config-file.team.ts';
import type { TeamConfigFile } from './config-file.types.ts';
import { checkUsers, readUser } from './config-file.users.ts';

export type ParseResult = { ok: true; file: TeamConfigFile } | { ok: false; problems: string[] };

type Env = Readonly<Record<string, string | undefined>>;

const TOP_LEVEL_FIELDS = ['team', 'roles', 'pods', 'users', 'entities', 'procedures', 'taskTypes', 'plugins'] as const;

/**
 * Parses and validates a team config file (CONFIG.md), YAML or JSON. Pure: `env` supplies the
 * `${VAR}` values. Every problem in the file is reported, each as `<path>: <what is wrong>`.
 */
export function parseConfigFile(text: string, env: Env, rules: WebhookUrlRules = { allowPrivateUrls: false }): ParseResult {
  const problems: Problems = [];
  const document = parseYaml(text, problems);
  if (problems.length > 0) return { ok: false, problems };
  const root = readRoot(document, problems);
  if (root === null) return { ok: false, problems };
  const file = readTeamConfig(substituteOutsidePlugins(root, env, problems), root, env, problems, rules);
  return problems.length > 0 || file === null ? { ok: false, problems } : { ok: true, file };
}

function parseYaml(text: string, p: Problems): unknown {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  for (const error of document.errors) {
    const at = lineCounter.linePos(error.pos[0]);
    p.push(`line ${at.line}, column ${at.col}: ${error.message}`);
  }
  return document.errors.length > 0 ? null : document.toJS();
}

function readRoot(document: unknown, p: Problems): Mapping | null {
  if (document === null || document === undefined) {
    p.push('file: is empty; expected a mapping with at least a "team" key');
    return null;
  }
  if (!isMapping(document)) {
    p.push(`file: expected a mapping with at least a "team" key, got ${describeKind(document)}`);
    return null;
  }
  return readMapping(document, '', p, TOP_LEVEL_FIELDS);
}

// Plugins substitute their own variables: a secret keeps the reference it was written as.
function substituteOutsidePlugins(root: Mapping, env: Env, p: Problems): Mapping {
  const substituted: Mapping = {};
  for (const [key, value] of Object.entries(root)) {
    if (key !== 'plugins') substituted[key] = substituteVariables(value, key, env, p);
  }
  return substituted;
}

function readTeamConfig(root: Mapping, raw: Mapping, env: Env, p: Problems, rules: WebhookUrlRules): TeamConfigFile | null {
  const team = readTeam(root.team, 'team', p);
  const roles = readList(root, 'roles', '', p, (raw, at) => readRole(raw, at, p));
  const pods = readList(root, 'pods', '', p, (raw, at) => readNamedObject(raw, at, p));
  const taskTypes = readList(root, 'taskTypes', '', p, (raw, at) => readNamedObject(raw, at, p));
  const users = readList(root, 'users', '', p, (raw, at) => readUser(raw, at, p));
  const entities = readList(root, 'entities', '', p, (raw, at) => readEntity(raw, at, p));
  for (const list of [roles, pods, taskTypes, entities]) {
    reportDuplicates(list, 'shortId', (item) => item.shortId, p);
  }
  checkUsers(users, { roles: shortIdsOf(roles), pods: shortIdsOf(pods) }, p);
  const refs = { entities: shortIdsOf(entities), taskTypes: shortIdsOf(taskTypes) };
  const procedures = readList(root, 'procedures', '', p, (raw, at) => readProcedure(raw, at, p, refs));
  reportDuplicates(procedures, 'shortId', (procedure) => procedure.shortId, p);
  const plugins = readPlugins(raw, env, p, shortIdsOf(procedures), rules);
  if (team === null) return null;
  return {
    team,
    roles: valuesOf(roles),
    pods: valuesOf(pods),
    users: valuesOf(users),
    entities: valuesOf(entities),
    procedures: valuesOf(procedures),
    taskTypes: valuesOf(taskTypes),
    plugins,
  };
}
