import { Type } from 'typebox';
import { InstantInput, Nullable, SafeInteger } from '../../http/schema-types.ts';

const Uuid = (description: string) => Type.String({ description });
const Timestamp = (description = 'Unix epoch milliseconds') => Type.Integer({ description });

export const ProcedureParams = Type.Object({ procedureShortId: Type.String({ description: "The procedure's shortId (its UUID is accepted too)" }) });
export const ProcessParams = Type.Object({ procedureShortId: Type.String(), processId: Type.String({ description: 'Process UUID' }) });
export const PrimaryKeyParams = Type.Object({
  procedureShortId: Type.String(),
  primaryKeyShortId: Type.String({ description: "The procedure's primary-key attribute shortId" }),
  primaryKeyValue: Type.String({ description: 'Its value (percent-encoded in the path)' }),
});

const Skip = SafeInteger({ minimum: 0, default: 0 });
const Limit = SafeInteger({ minimum: 1, default: 10, description: 'At most 100; larger values are clamped to 100' });

export const PageQuery = Type.Object({ skip: Type.Optional(Skip), limit: Type.Optional(Limit) }, { additionalProperties: false });

export const ProcessWire = Type.Object({
  id: Uuid('Process UUID'),
  createdAt: Timestamp(),
  updatedAt: Timestamp(),
  team: Uuid('Team UUID'),
  procedure: Uuid('Procedure UUID'),
  entity: Nullable(Uuid("The record's entity UUID")),
  record: Nullable(Uuid('Record UUID')),
  createdBy: Nullable(Uuid('User UUID')),
  assignedTo: Nullable(Uuid('User UUID')),
  belongsTo: Nullable(Uuid('Pod UUID')),
  status: Type.Union([Type.Literal('OPEN'), Type.Literal('COMPLETED'), Type.Literal('CANCELLED')]),
  state: Nullable(Uuid('State UUID (see GET /v1/ext/config)')),
  nextActionAt: Timestamp('Epoch ms; 0 when unset'),
  completedAt: Timestamp('Epoch ms when it became COMPLETED or CANCELLED; 0 while OPEN'),
  data: Type.Record(Type.String(), Type.Unknown(), { description: 'Attribute values by attribute shortId' }),
  derivedData: Type.Record(Type.String(), Type.Unknown(), { description: 'Derived attribute values by shortId' }),
  isDeleted: Type.Boolean(),
  deletedAt: Nullable(Timestamp()),
});

const writeFields = {
  data: Type.Optional(Type.Record(Type.String(), Type.Unknown(), {
    description: 'Attribute values by shortId, coerced by attribute type (numeric strings to numbers, ISO datetimes to epoch ms, …). On update, null removes a value.',
  })),
  status: Type.Optional(Type.Union([Type.Literal('OPEN'), Type.Literal('COMPLETED'), Type.Literal('CANCELLED')])),
  state: Type.Optional(Type.String({ description: 'A state shortId of the procedure' })),
  nextActionAt: Type.Optional(InstantInput('Epoch ms (an integer), a numeric string or ISO-8601; years 1000 to 9999')),
  assignedTo: Type.Optional(Nullable(Type.String({ description: 'A username, user UUID or primary email; null unassigns' }))),
};

export const CreateProcessBody = Type.Object(
  { ...writeFields, record: Type.Optional(Type.Object({ data: Type.Optional(Type.Record(Type.String(), Type.Unknown())) }, { description: "The record (of the procedure's entity) the process is for: found by the entity's primary key, else created" })) },
  { additionalProperties: true, description: 'The primary-key value may also be given at the root: {"lead_id": "LEAD-1", "data": {…}}. Other root keys are refused.' },
);
export const UpdateProcessBody = Type.Object(writeFields, { additionalProperties: false });

const WHERE_DESCRIPTION = `Filter. A Query is an object whose keys are root fields (status, state (shortId), createdAt, updatedAt, nextActionAt (epoch ms or ISO-8601), assignedTo / createdBy (username or UUID; null = none), id) or attribute / derived attribute shortIds, plus "or": [Query…] and "and": [Query…]. A value is a scalar (equality), null (no value), an array (one of), or an operator object {"=", "!=", ">", ">=", "<", "<="} whose operators all apply. Keys of one object combine with AND. Values are coerced by attribute type. On multi-valued attributes a value means "contains". At most 8 levels deep and 200 conditions. Example: {"status": "OPEN", "score": {">=": 5}, "or": [{"city": ["Pune", "Goa"]}, {"assignedTo": null}]}`;

export const ListProcessesBody = Type.Object(
  {
    // Not typed as an object here: a `where` of the wrong shape is a bad query (400 INVALID_QUERY,
    // API.md §0), reported by the where grammar with its path, not a generic validation failure.
    where: Type.Optional(Type.Unknown({ description: WHERE_DESCRIPTION })),
    skip: Type.Optional(Skip),
    limit: Type.Optional(Limit),
    sort: Type.Optional(Type.Array(Type.Object({ field: Type.String(), order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])) }), {
      description: 'Extension. Default: createdAt descending, then id. Any root field or attribute shortId.',
    })),
    includeTotal: Type.Optional(Type.Boolean({ description: 'Extension: adds _meta.total, the number of matching processes' })),
  },
  { additionalProperties: false },
);

export const HistoryEntry = Type.Object({
  id: Type.String(),
  createdAt: Timestamp(),
  user: Nullable(Uuid('Who made the change')),
  action: Type.Union([Type.Literal('create'), Type.Literal('update'), Type.Literal('delete')]),
  changes: Type.Record(Type.String(), Type.Unknown(), { description: 'Changed fields as {from, to}; data keys under "data"' }),
});
