import jsonata from 'jsonata';
import type { Logger } from '../../shared/logger.ts';
import { checkDerivedValue, type CoerceContext } from '../attributes/attribute-values.ts';
import type { DerivedAttributeModel } from './procedure-model.ts';

/*
 * CONFIG.md gives a derived expression a time limit (50 ms). JSONata evaluates asynchronously, so
 * a wall-clock limit also counts time spent on other requests and batches while the expression
 * waits its turn: on a busy server trivial expressions would "time out". The limit is therefore a
 * budget of evaluation steps — what 50 ms of work is on a modest machine, the same under any
 * load — with a generous wall-clock limit behind it for anything the steps do not see.
 */
const MAX_STEPS = 20_000;
const LIMITS = { timeout: 2_000, stack: 500, sequence: 100_000 };
const POOL_PER_EXPRESSION = 8;

type Compiled = ReturnType<typeof jsonata>;
interface Evaluator {
  expr: Compiled;
  steps: number;
}

/** Compiled expressions, a few per expression: each carries its own step counter while in use. */
const pools = new Map<string, Evaluator[]>();

function acquire(expression: string): Evaluator {
  const idle = pools.get(expression)?.pop();
  if (idle) return idle;
  const evaluator: Evaluator = { expr: jsonata(expression, LIMITS), steps: 0 };
  const onEntry = () => {
    evaluator.steps += 1;
    if (evaluator.steps > MAX_STEPS) throw { code: 'STEPS', message: `evaluation exceeded its budget of ${MAX_STEPS} steps` };
  };
  (evaluator.expr.assign as (name: unknown, value: unknown) => void)(Symbol.for('jsonata.__evaluate_entry'), onEntry);
  return evaluator;
}

function release(expression: string, evaluator: Evaluator): void {
  if (pools.size > 5000) pools.clear();
  const pool = pools.get(expression) ?? [];
  if (pool.length < POOL_PER_EXPRESSION) pool.push(evaluator);
  pools.set(expression, pool);
}

/** What an expression sees: the process's data, its record and its root fields. */
export interface DerivedScope {
  readonly data: Record<string, unknown>;
  readonly record: { id: string; data: Record<string, unknown> } | null;
  readonly process: Record<string, unknown>;
}

/**
 * Evaluates every derived attribute after a write. A failing expression (error, over its budget,
 * a result of the wrong type) stores null and is logged; it never fails the write (CONFIG.md).
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
  const evaluator = acquire(attribute.expression);
  evaluator.steps = 0;
  try {
    const raw: unknown = await evaluator.expr.evaluate(scope);
    // JSONata hands back arrays with extra properties (sequences); plain JSON is what is stored.
    const value = raw === undefined ? null : typeof raw === 'object' && raw !== null ? JSON.parse(JSON.stringify(raw)) : raw;
    const checked = checkDerivedValue(attribute.type, value, `derivedData.${attribute.shortId}`, ctx);
    if (checked.ok) return checked.value;
    logger.warn({ attribute: attribute.shortId, reason: checked.message }, 'derived attribute result has the wrong type; stored null');
    return null;
  } catch (error: unknown) {
    const message = (error as { message?: string })?.message ?? String(error);
    logger.warn({ attribute: attribute.shortId, reason: message }, 'derived attribute failed; stored null');
    return null;
  } finally {
    release(attribute.expression, evaluator);
  }
}
