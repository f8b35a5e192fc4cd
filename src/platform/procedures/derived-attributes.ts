import jsonata from 'jsonata';
import type { Logger } from '../../shared/logger.ts';
import { checkDerivedValue, type CoerceContext } from '../attributes/attribute-values.ts';
import type { DerivedAttributeModel } from './procedure-model.ts';

/** CONFIG.md: a derived expression gets 50 ms; deep recursion and huge sequences are cut too. */
const LIMITS = { timeout: 50, stack: 500, sequence: 100_000 };

type Compiled = ReturnType<typeof jsonata>;
const compiled = new Map<string, Compiled>();

function compile(expression: string): Compiled {
  let expr = compiled.get(expression);
  if (!expr) {
    expr = jsonata(expression, LIMITS);
    if (compiled.size > 5000) compiled.clear();
    compiled.set(expression, expr);
  }
  return expr;
}

/** What an expression sees: the process's data, its record and its root fields. */
export interface DerivedScope {
  readonly data: Record<string, unknown>;
  readonly record: { id: string; data: Record<string, unknown> } | null;
  readonly process: Record<string, unknown>;
}

/**
 * Evaluates every derived attribute after a write. A failing expression (error, timeout, a result
 * of the wrong type) stores null and is logged; it never fails the write (CONFIG.md).
 */
export async function evaluateDerived(
  derived: ReadonlyMap<string, DerivedAttributeModel>, scope: DerivedScope, ctx: CoerceContext, logger: Logger,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const attribute of derived.values()) {
    out[attribute.shortId] = await evaluateOne(attribute, scope, ctx, logger);
  }
  return out;
}

async function evaluateOne(attribute: DerivedAttributeModel, scope: DerivedScope, ctx: CoerceContext, logger: Logger): Promise<unknown> {
  try {
    const raw: unknown = await compile(attribute.expression).evaluate(scope);
    // JSONata hands back arrays with extra properties (sequences); plain JSON is what is stored.
    const value = raw === undefined ? null : JSON.parse(JSON.stringify(raw));
    const checked = checkDerivedValue(attribute.type, value, `derivedData.${attribute.shortId}`, ctx);
    if (checked.ok) return checked.value;
    logger.warn({ attribute: attribute.shortId, reason: checked.message }, 'derived attribute result has the wrong type; stored null');
    return null;
  } catch (error: unknown) {
    const message = (error as { message?: string })?.message ?? String(error);
    logger.warn({ attribute: attribute.shortId, reason: message }, 'derived attribute failed; stored null');
    return null;
  }
}
