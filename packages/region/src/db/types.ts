// The database handle every db/ module takes. Apart from db.ts, which opens one, so that the
// migration runner (which db.ts calls) can name it without importing db.ts back.

export interface QueryOptions {
  /**
   * PostgreSQL only: a prepared-statement name for a hot, fixed SQL text (auth, the sync fast
   * path). Each pooled connection then parses and plans it once, which measured 1.5x more
   * round trips per second. Never name SQL built from values: one name, one text.
   */
  name?: string;
  /**
   * PostgreSQL only: prepare SQL that is built from a fixed set of pieces (the sync's CTEs), under
   * a name derived from its text. Each distinct text is parsed and planned once per connection
   * instead of at every call.
   */
  prepare?: boolean;
}

export interface QueryResult<T> {
  rows: T[];
  /** Rows returned, or rows changed by INSERT/UPDATE/DELETE. */
  rowCount: number;
}

/**
 * One SQL dialect over two engines. Both return int8 as a JS number, timestamptz as Date and
 * jsonb parsed. Pass jsonb parameters as JSON text (`JSON.stringify(x)`): node-postgres turns a
 * JS array parameter into a PostgreSQL array literal, PGlite into JSON.
 */
export interface Db {
  readonly engine: "pglite" | "postgres";
  query<T = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<T>>;
  /** Runs a multi-statement script without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs fn in one transaction (BEGIN…COMMIT, ROLLBACK on throw). Nested calls reuse the outer one. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /** LISTEN on a channel; returns the function that stops listening. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
