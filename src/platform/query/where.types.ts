import type { AttributeTypeName } from '../attributes/attribute-types.ts';
import type { AttributeModel, ProcedureModel } from '../procedures/procedure-model.ts';

/**
 * The parsed `where` of List Processes (API.md §3): a small typed tree whose fields are resolved
 * against the procedure and whose values are already in their stored form, so translating it to
 * SQL needs no further knowledge of the procedure.
 */
export type ComparisonOp = '=' | '!=' | '>' | '>=' | '<' | '<=';

export type ValueKind = 'number' | 'text' | 'boolean';

export type RootFieldName = 'status' | 'state' | 'createdAt' | 'updatedAt' | 'nextActionAt' | 'assignedTo' | 'createdBy' | 'id';

export type FieldRef =
  | { kind: 'root'; field: RootFieldName; valueKind: ValueKind }
  | { kind: 'attribute'; source: 'data' | 'derivedData'; shortId: string; valueKind: ValueKind; multi: boolean };

export type Scalar = string | number | boolean;

export type WhereNode =
  | { kind: 'and'; children: WhereNode[] }
  | { kind: 'or'; children: WhereNode[] }
  | { kind: 'compare'; field: FieldRef; op: ComparisonOp; value: Scalar }
  /** "One of"; on a multi-valued attribute, "contains one of". Never empty: `[]` parses to an empty `or`. */
  | { kind: 'in'; field: FieldRef; values: Scalar[] }
  /** `= null` (absent or null) and, negated, `!= null`. */
  | { kind: 'null'; field: FieldRef; negate: boolean };

export type CoercionResult = { ok: true; value: unknown } | { ok: false; message: string };

export interface WhereContext {
  readonly procedure: ProcedureModel;
  readonly timezone: string;
  /** Coerces a value compared with an attribute into its stored form (injected; returns {ok:false,message} when it cannot). */
  readonly coerceAttribute: (attribute: AttributeModel, value: unknown, path: string) => CoercionResult;
  /** How stored values of an attribute type compare: 'number' | 'text' | 'boolean' | 'none' (not filterable). */
  readonly comparisonKind: (type: AttributeTypeName) => ValueKind | 'none';
  readonly isMulti: (type: AttributeTypeName) => boolean;
  /** Resolves a username or user UUID to a user id; null when unknown (async: it may query). */
  readonly resolveUser: (value: string) => Promise<string | null>;
}
