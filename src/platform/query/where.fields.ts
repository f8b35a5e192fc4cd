import type { AttributeModel, DerivedAttributeModel } from '../procedures/procedure-model.ts';
import type { FieldRef, RootFieldName, Scalar, ValueKind, WhereContext } from './where.types.ts';
import {
  convertAttribute,
  convertId,
  convertState,
  convertStatus,
  convertTimestamp,
  convertUser,
  type Converted,
} from './where.values.ts';

/** A `where` key resolved against the procedure: what it refers to and how its values convert. */
export interface FieldSpec {
  readonly name: string;
  readonly ref: FieldRef;
  /** Whether > >= < <= apply: never to booleans, multi-valued attributes or reference fields. */
  readonly ordered: boolean;
  readonly convert: (value: Scalar, path: string) => Converted | Promise<Converted>;
}

type RootSpecBuilder = (ctx: WhereContext) => FieldSpec;

function root(field: RootFieldName, valueKind: ValueKind, convert: FieldSpec['convert']): FieldSpec {
  return { name: field, ref: { kind: 'root', field, valueKind }, ordered: valueKind === 'number', convert };
}

const ROOT_FIELDS: ReadonlyMap<string, RootSpecBuilder> = new Map<string, RootSpecBuilder>([
  ['status', () => root('status', 'text', convertStatus)],
  ['state', (ctx) => root('state', 'text', (v, p) => convertState(ctx.procedure, v, p))],
  ['createdAt', (ctx) => root('createdAt', 'number', (v, p) => convertTimestamp(v, ctx.timezone, p))],
  ['updatedAt', (ctx) => root('updatedAt', 'number', (v, p) => convertTimestamp(v, ctx.timezone, p))],
  ['nextActionAt', (ctx) => root('nextActionAt', 'number', (v, p) => convertTimestamp(v, ctx.timezone, p))],
  ['assignedTo', (ctx) => root('assignedTo', 'text', (v, p) => convertUser(ctx, v, p))],
  ['createdBy', (ctx) => root('createdBy', 'text', (v, p) => convertUser(ctx, v, p))],
  ['id', () => root('id', 'text', convertId)],
]);

/** Derived attributes are computed, never written: they have no options, schema or defaults. */
function asAttributeModel(derived: DerivedAttributeModel): AttributeModel {
  const { id, shortId, name, type } = derived;
  return { id, shortId, name, type, required: false, options: null, autoGenerate: null, schema: null };
}

function attributeSpec(
  ctx: WhereContext,
  attribute: AttributeModel,
  source: 'data' | 'derivedData',
  path: string,
): FieldSpec | string {
  const valueKind = ctx.comparisonKind(attribute.type);
  if (valueKind === 'none') {
    return `${path}: attribute '${attribute.shortId}' of type ${attribute.type} cannot be filtered`;
  }
  const multi = ctx.isMulti(attribute.type);
  return {
    name: attribute.shortId,
    ref: { kind: 'attribute', source, shortId: attribute.shortId, valueKind, multi },
    ordered: valueKind !== 'boolean' && !multi,
    convert: (value, valuePath) => convertAttribute(ctx, attribute, multi, value, valuePath),
  };
}

/**
 * Resolves the key of a query object: a root field first, then an attribute, then a derived
 * attribute. Returns the problem's message when the key cannot be filtered on.
 */
export function resolveField(key: string, parentPath: string, ctx: WhereContext): FieldSpec | string {
  const path = `${parentPath}.${key}`;
  const rootField = ROOT_FIELDS.get(key);
  if (rootField) return rootField(ctx);
  const attribute = ctx.procedure.attributes.get(key);
  if (attribute) return attributeSpec(ctx, attribute, 'data', path);
  const derived = ctx.procedure.derivedAttributes.get(key);
  if (derived) return attributeSpec(ctx, asAttributeModel(derived), 'derivedData', path);
  return `Unknown field '${key}' in ${parentPath} for procedure '${ctx.procedure.shortId}'`;
}
