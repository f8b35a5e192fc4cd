import { CompiledQuery, type Compilable, type Kysely } from 'kysely';
import type { Db } from './database.ts';
import type { Database } from './schema.ts';
import type { Dialect } from './dialect/dialect.ts';

/**
 * A query built once per dialect and then only re-bound: for the few statements on the hottest
 * paths (fetch a process by id), where building and compiling the query each time costs more
 * than running it. `build` receives `param(i)`, a stand-in for the i-th parameter; every
 * parameter must be one (constants go into the SQL), which is checked on first use.
 */
type Build<Row, Table extends string> = (kysely: Kysely<Database>, param: (index: number) => any, dialect: Dialect, table: Table) => Compilable<Row>; // eslint-disable-line @typescript-eslint/no-explicit-any -- stand-ins fit any column

/**
 * `table`: for statements over one of several tables of the same shape (a procedure's processes),
 * the one to build for; each gets its own text.
 */
export function preparedQuery<Row, Table extends string = string>(build: Build<Row, Table>) {
  const texts = new Map<string, string>();
  const marker = (index: number) => `\u0001param${index}\u0001`;
  return async (db: Db, params: readonly unknown[], table: Table = '' as Table): Promise<Row[]> => {
    const key = `${db.dialect.name}|${table}`;
    let text = texts.get(key);
    if (text === undefined) {
      const compiled = build(db.kysely, marker, db.dialect, table).compile();
      if (compiled.parameters.length !== params.length || compiled.parameters.some((value, i) => value !== marker(i))) {
        throw new Error('preparedQuery: parameters must all be stand-ins, in order');
      }
      text = compiled.sql;
      texts.set(key, text);
    }
    return (await db.kysely.executeQuery<Row>(CompiledQuery.raw(text, [...params]))).rows;
  };
}

/**
 * A multi-row INSERT of the given columns, built once per dialect and row count and then only
 * re-bound: building a statement of a few hundred rows with the query builder costs more than
 * running it (bulk jobs write every row through one of these). Rows give every column.
 */
export function preparedInsert<Table extends keyof Database & string>(defaultTable: Table, columns: readonly (keyof Database[Table] & string)[]) {
  const bySize = new Map<number, ReturnType<typeof preparedQuery<unknown, Table>>>();
  /** `table`: another table of the same shape (a procedure's processes). */
  return async (db: Db, rows: readonly Readonly<Record<string, unknown>>[], table: Table = defaultTable): Promise<void> => {
    if (rows.length === 0) return;
    let insert = bySize.get(rows.length);
    if (insert === undefined) {
      const count = rows.length;
      insert = preparedQuery<unknown, Table>((kysely, param, _dialect, into) => kysely.insertInto(into).values(
        Array.from({ length: count }, (_, r) => Object.fromEntries(columns.map((column, c) => [column, param(r * columns.length + c)]))) as never,
      ));
      bySize.set(count, insert);
    }
    await insert(db, rows.flatMap((row) => columns.map((column) => row[column] ?? null)), table);
  };
}
