import type { Db } from '../../db/database.ts';
import type { Principal } from '../../http/auth.ts';
import { isUuid } from '../../shared/ids.ts';
import { ATTRIBUTE_TYPES } from '../attributes/attribute-types.ts';
import { coerceComparisonValue, comparisonKind } from '../attributes/attribute-values.ts';
import type { ProcedureModel, TeamModel } from '../procedures/procedure-model.ts';
import type { TeamModelCache } from '../procedures/team-model-cache.ts';
import { parseSort } from '../query/sort.parse.ts';
import { parseWhere } from '../query/where.parse.ts';
import type { WhereContext } from '../query/where.types.ts';
import { createUsersRepo } from '../users/index.ts';
import { createRecordsRepo } from '../records/records.repo.ts';
import { createProcessHistoryRepo } from './process-history.repo.ts';
import { isVisible, visibleUserIds } from './process-visibility.ts';
import { deleteProcess, updateProcess, type WriterDeps, type WriteScope } from './process-writer.ts';
import { createMany, createOne } from './process-create.ts';
import { createProcessesRepo, type ProcessRow } from './processes.repo.ts';
import { toProcessWire, type ProcessWire } from './processes.mapper.ts';
import * as errors from './processes.errors.ts';

export interface ProcessesDeps extends WriterDeps {
  readonly db: Db;
  readonly models: TeamModelCache;
}

/** How a process is named in a path: by UUID, or by primary-key attribute and value. */
export type ProcessLocator = { readonly id: string } | { readonly pkShortId: string; readonly pkValue: string };

export interface ListRequest {
  where?: unknown;
  skip?: number;
  limit?: number;
  sort?: unknown;
  includeTotal?: boolean;
}

const MAX_LIMIT = 100;

export function whereContext(db: Db, team: TeamModel, procedure: ProcedureModel): WhereContext {
  const ctx = { timezone: team.timezone, defaultCountryCode: team.defaultCountryCode };
  const users = createUsersRepo(db);
  return {
    procedure,
    timezone: team.timezone,
    coerceAttribute: (attribute, value, path) => coerceComparisonValue(attribute, value, path, ctx),
    comparisonKind,
    isMulti: (type) => ATTRIBUTE_TYPES[type].multi,
    // Filters may name users who have since left: any user of the team matches.
    resolveUser: async (value) => (await users.findByReference(team.id, value, { activeOnly: false }))?.id ?? null,
  };
}

export function createProcessesService(deps: ProcessesDeps) {
  const { db, models } = deps;

  async function scopeFor(principal: Principal, procedureRef: string, via: Db = db) {
    const team = await models.get(principal.teamId, via);
    const procedure = await models.procedure(principal.teamId, procedureRef, via);
    return { team, procedure };
  }

  /**
   * A live process the caller may see, or 404 (other teams' and invisible ones alike).
   * `forUpdate`: the row stays locked until the transaction ends (writes read, merge, write back).
   * `includeDeleted`: a deleted one is found too (by id only): its history records the delete.
   */
  async function locate(
    tx: Db, principal: Principal, procedure: ProcedureModel, locator: ProcessLocator,
    options: { forUpdate?: boolean; includeDeleted?: boolean } = {},
  ): Promise<ProcessRow> {
    const repo = createProcessesRepo(tx);
    const lock = { forUpdate: options.forUpdate };
    let row: ProcessRow | undefined;
    if ('id' in locator) {
      if (!isUuid(locator.id)) throw errors.invalidProcessId();
      const id = locator.id.toLowerCase();
      row = options.includeDeleted ? await repo.findAny(principal.teamId, procedure.id, id) : await repo.findLive(principal.teamId, procedure.id, id, lock);
    } else {
      if (procedure.primaryKey?.shortId !== locator.pkShortId) throw errors.notThePrimaryKey(locator.pkShortId, procedure.shortId, procedure.primaryKey?.shortId);
      row = await repo.findLiveByPk(principal.teamId, procedure.id, locator.pkValue, lock);
    }
    if (!row || !isVisible(row, await visibleUserIds(tx, principal))) throw errors.processNotFound();
    return row;
  }

  const writeScope = (tx: Db, team: TeamModel, procedure: ProcedureModel, principal: Principal): WriteScope => ({ tx, team, procedure, principal });

  return {
    /**
     * For tasks: a process named by UUID or by its bare primary-key value (API.md §4), which the
     * caller may see; 404 otherwise.
     */
    async locateVisible(tx: Db, principal: Principal, procedureRef: string, idOrPrimaryKey: string) {
      const { team, procedure } = await scopeFor(principal, procedureRef, tx);
      let locator: ProcessLocator = { id: idOrPrimaryKey };
      if (!isUuid(idOrPrimaryKey)) {
        if (!procedure.primaryKey) throw errors.processNotFound();
        locator = { pkShortId: procedure.primaryKey.shortId, pkValue: idOrPrimaryKey };
      }
      return { team, procedure, process: await locate(tx, principal, procedure, locator) };
    },

    /**
     * Whom a message about a process goes to (API.md §8.1, template send for a process): the
     * process's value of its procedure's `phoneAttribute`, else its record's value of the
     * entity's `phoneAttribute`; null when neither is set. 404 for a process the caller may not see.
     */
    async recipientOf(principal: Principal, procedureRef: string, idOrPrimaryKey: string): Promise<{ processId: string; procedureId: string; phone: string | null }> {
      const { procedure, process } = await this.locateVisible(db, principal, procedureRef, idOrPrimaryKey);
      const own = procedure.phoneAttribute ? process.data[procedure.phoneAttribute.shortId] : undefined;
      let phone = typeof own === 'string' && own !== '' ? own : null;
      const entityPhone = procedure.entity?.phoneAttribute;
      if (phone === null && entityPhone && process.record_id) {
        const record = await createRecordsRepo(db).findById(principal.teamId, process.record_id);
        const value = record?.data[entityPhone.shortId];
        phone = typeof value === 'string' && value !== '' ? value : null;
      }
      return { processId: process.id, procedureId: procedure.id, phone };
    },

    /** Fetch Process By Id, as the JSON text the database builds (see Dialect.jsonObjectText). */
    async fetch(principal: Principal, procedureRef: string, processId: string): Promise<string> {
      const { procedure } = await scopeFor(principal, procedureRef);
      if (!isUuid(processId)) throw errors.invalidProcessId();
      const row = await createProcessesRepo(db).findLiveJson(principal.teamId, procedure.id, processId.toLowerCase());
      if (!row || !isVisible(row, await visibleUserIds(db, principal))) throw errors.processNotFound();
      return row.json;
    },

    async list(principal: Principal, procedureRef: string, request: ListRequest) {
      const { team, procedure } = await scopeFor(principal, procedureRef);
      const ctx = whereContext(db, team, procedure);
      const where = await parseWhere(request.where, ctx);
      const sort = parseSort(request.sort, ctx);
      const skip = request.skip ?? 0;
      const limit = Math.min(request.limit ?? 10, MAX_LIMIT);
      const query = { teamId: team.id, procedureId: procedure.id, where, visibleTo: await visibleUserIds(db, principal), sort, skip, limit };
      const repo = createProcessesRepo(db);
      const [page, total] = await Promise.all([repo.list(query), request.includeTotal ? repo.count(query) : Promise.resolve(undefined)]);
      const meta: Record<string, unknown> = { hasMore: page.hasMore, skip, limit };
      if (total !== undefined) meta.total = total;
      return { processes: page.rows, meta };
    },

    async create(principal: Principal, procedureRef: string, body: Record<string, unknown>): Promise<ProcessWire> {
      const { team, procedure } = await scopeFor(principal, procedureRef);
      return toProcessWire(await db.transaction((tx) => createOne(deps, writeScope(tx, team, procedure, principal), body)));
    },

    async update(principal: Principal, procedureRef: string, locator: ProcessLocator, body: Record<string, unknown>): Promise<ProcessWire> {
      const { team, procedure } = await scopeFor(principal, procedureRef);
      return toProcessWire(await db.transaction(async (tx) => {
        const current = await locate(tx, principal, procedure, locator, { forUpdate: true });
        return updateProcess(deps, writeScope(tx, team, procedure, principal), current, body);
      }));
    },

    async delete(principal: Principal, procedureRef: string, locator: ProcessLocator): Promise<ProcessWire> {
      const { team, procedure } = await scopeFor(principal, procedureRef);
      return toProcessWire(await db.transaction(async (tx) => {
        const current = await locate(tx, principal, procedure, locator, { forUpdate: true });
        return deleteProcess(deps, writeScope(tx, team, procedure, principal), current);
      }));
    },

    /** Extension: who changed what and when, oldest first; a deleted process keeps its history. */
    async history(principal: Principal, procedureRef: string, processId: string, skip: number, limit: number) {
      const { procedure } = await scopeFor(principal, procedureRef);
      const process = await locate(db, principal, procedure, { id: processId }, { includeDeleted: true });
      const page = await createProcessHistoryRepo(db).list(principal.teamId, process.id, skip, Math.min(limit, MAX_LIMIT));
      const entries = page.entries.map((e) => ({ id: e.id, createdAt: e.created_at, user: e.user_id, action: e.action, changes: e.changes }));
      return { entries, meta: { hasMore: page.hasMore, skip, limit: Math.min(limit, MAX_LIMIT) } };
    },

    /**
     * The lead of an inbound WhatsApp message (API.md §8.4), in the caller's transaction: the
     * newest live process of the procedure whose phone attribute holds `phone`, else a new one
     * with the phone and, when the procedure's primary identifier is a plain attribute, the
     * sender's name (else the phone). An existing lead is left as it is. The write acts for the
     * team as its oldest active user, with sight of every process. Null (no lead) when the
     * procedure has no phone attribute, the team has no active user, or its rules refuse the
     * new process (another required attribute); the caller serializes writers per phone.
     */
    async upsertLeadByPhone(tx: Db, teamId: string, procedureId: string, phone: string, name: string | null) {
      const team = await models.get(teamId, tx);
      const procedure = team.procedures.get(procedureId);
      // A sender without a phone number (a business-scoped user id) has no lead to find.
      if (!procedure?.phoneAttribute || !/^\d{6,15}$/.test(phone)) return null;
      const actor = await createUsersRepo(tx).oldestActiveMember(teamId);
      if (!actor) return null;
      const principal: Principal = { teamId, keyId: 'whatsapp-inbound', userId: actor.id, roleId: actor.role_id ?? '', roleType: 'ADMIN' };
      const ctx = whereContext(tx, team, procedure);
      const where = await parseWhere({ [procedure.phoneAttribute.shortId]: `+${phone}` }, ctx);
      const found = await createProcessesRepo(tx).list({ teamId, procedureId: procedure.id, where, visibleTo: null, sort: parseSort(undefined, ctx), skip: 0, limit: 1 });
      if (found.rows.length > 0) return { processId: (JSON.parse(found.rows[0]) as { id: string }).id, procedureId: procedure.id, created: false };
      const data: Record<string, unknown> = { [procedure.phoneAttribute.shortId]: `+${phone}` };
      const identifier = procedure.primaryIdentifier;
      if (identifier && procedure.attributes.has(identifier.shortId) && identifier.shortId !== procedure.phoneAttribute.shortId) {
        data[identifier.shortId] = name ?? phone;
      }
      const [outcome] = await createMany(deps, writeScope(tx, team, procedure, principal), [{ data }]);
      if (!outcome.ok) {
        deps.logger.warn({ teamId, procedure: procedure.shortId, err: outcome.error }, 'no lead for an inbound WhatsApp message: the procedure refused it');
        return null;
      }
      return { processId: outcome.row.id, procedureId: procedure.id, created: true };
    },
  };
}

export type ProcessesService = ReturnType<typeof createProcessesService>;
