import { execFile } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { postgresReachable } from '@safecity/core/testing';
import { describe, expect, it } from 'vitest';

// The patched postgres.js (patches/postgres@3.4.9.patch): a backend that dies under a reserved
// connection or a transaction settles its queries with CONNECTION_CLOSED instead of ending the
// process. Needs a PostgreSQL server: TEST_DATABASE_URL, else the machine's local one.
const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const script = fileURLToPath(new URL('./fixtures/postgres-closed-socket.mjs', import.meta.url));

describe.skipIf(!(await postgresReachable(url)))('postgres.js when a backend dies', () => {
  it('settles the queries of a reserved connection and of a transaction, and the process lives', async () => {
    const child = await promisify(execFile)(process.execPath, [script, url], { timeout: 30_000 }).then(
      (r) => ({ ...r, status: 0 }),
      (e: { stdout: string; stderr: string; code: number | null }) => ({ stdout: e.stdout, stderr: e.stderr, status: e.code }),
    );
    expect(child.stderr).not.toMatch(/Cannot read properties of null/);
    expect(child.status).toBe(0);
    const outcomes = JSON.parse(child.stdout.trim().split('\n').pop()!);
    // The terminated backend's socket either closes or resets, depending on timing.
    const lost = expect.stringMatching(/^(CONNECTION_CLOSED|ECONNRESET)$/);
    expect(outcomes).toEqual({ reservedFirst: lost, reservedSecond: lost, transaction: lost, after: 'ok' });
  });
});

// The patched postgres.js pipelines a plain BEGIN: the transaction's first statement is written
// before BEGIN's answer is read (one round trip less per transaction). Seen on the socket: the
// writes before the first read hold both. A BEGIN with options may fail on its own (the statements
// behind it would then run outside a transaction), so it is still awaited first.
describe.skipIf(!(await postgresReachable(url)))('postgres.js transactions', () => {
  const traced = () => {
    const events: string[] = [];
    const { hostname, port } = new URL(url);
    const client = postgres(url, {
      max: 1,
      onnotice: () => {},
      socket: async () => {
        const socket = net.connect(Number(port || 5432), hostname);
        await once(socket, 'connect');
        const write = socket.write.bind(socket) as (...a: unknown[]) => boolean;
        socket.write = ((chunk: Uint8Array, ...rest: unknown[]) => {
          events.push(`write ${Buffer.from(chunk).toString('latin1')}`);
          return write(chunk, ...rest);
        }) as typeof socket.write;
        socket.on('data', () => events.push('read'));
        return socket;
      },
      // postgres.js takes a socket factory (documented, not in its types).
    } as postgres.Options<Record<string, never>>);
    return { client, events, beforeFirstRead: () => events.slice(0, events.indexOf('read')).join(' ') };
  };

  it('writes the first statement behind a plain BEGIN, before reading its answer', async () => {
    const { client, events, beforeFirstRead } = traced();
    try {
      await client`select 1`;
      events.length = 0;
      const [row] = await client.begin(async (tx) => tx`select 'first statement' as x`);
      expect(row.x).toBe('first statement');
      expect(beforeFirstRead()).toMatch(/begin.*first statement/s);
    } finally {
      await client.end();
    }
  });

  it('waits for a BEGIN with options, and a BEGIN that fails runs nothing behind it', async () => {
    const { client, events, beforeFirstRead } = traced();
    try {
      await client`create temporary table pipelined_probe (x int)`;
      events.length = 0;
      await client.begin('isolation level serializable', async (tx) => tx`select 'first statement' as x`);
      expect(beforeFirstRead()).toMatch(/begin isolation level serializable/);
      expect(beforeFirstRead()).not.toMatch(/first statement/);
      await expect(client.begin('bogus', async (tx) => tx`insert into pipelined_probe values (1)`)).rejects.toMatchObject({ code: '42601' });
      expect((await client`select count(*)::int as n from pipelined_probe`)[0].n).toBe(0);
    } finally {
      await client.end();
    }
  });
});

// The patched postgres.js cancels and fails statements without breaking the connection for the
// statements behind them (one connection, `max: 1`, so everything is pipelined on it). A request
// that hangs up cancels its statements and its session serves the next caller (scoped-sessions.ts).
describe.skipIf(!(await postgresReachable(url)))('postgres.js after a cancel or a failed statement', () => {
  const client = () => postgres(url, { max: 1, onnotice: () => {} });
  const outcome = (q: PromiseLike<unknown>) =>
    Promise.resolve(q).then(
      (rows) => ({ rows: [...(rows as object[])] }),
      (e: { code?: string }) => ({ error: e.code }),
    );

  it('gives each statement its own answer when one waiting in the pipeline is cancelled', async () => {
    const sql = client();
    try {
      // Connected first: statements sent while connecting wait in the pool's queue, not the pipeline.
      await sql`select 1`;
      const first = sql`select pg_sleep(0.2), 'first' as v`.execute();
      // Long enough for its cancel request, sent once it runs, to find it running (a cancel that
      // arrives after its statement ended hits the next one: scoped-sessions.ts retires such a session).
      const cancelled = sql`select pg_sleep(1), 'cancelled' as v`.execute();
      const after = sql`select 'after' as v`.execute();
      const answers = [outcome(first), outcome(cancelled), outcome(after)];
      await new Promise((r) => setTimeout(r, 50));
      void cancelled.cancel();
      // Unpatched, the answer to the cancelled statement went to the one after it, and the last
      // statement on the connection waited for an answer that never came.
      const [a, c, b] = await Promise.race([Promise.all(answers), new Promise<never>((_, no) => setTimeout(() => no(new Error('waited 3 s')), 3000))]);
      expect(a).toEqual({ rows: [{ pg_sleep: '', v: 'first' }] });
      expect(c).toEqual({ error: '57014' });
      expect(b).toEqual({ rows: [{ v: 'after' }] });
      expect(await outcome(sql`select 'next' as v`)).toEqual({ rows: [{ v: 'next' }] });
    } finally {
      await sql.end({ timeout: 1 });
    }
  });

  it('keeps taking statements after one cancelled before it reached the connection', async () => {
    const sql = client();
    try {
      await sql`select 1`;
      const q = sql`select 'never sent' as v`;
      void q.cancel();
      expect(await outcome(q)).toEqual({ error: '57014' });
      // Unpatched, the pool took the connection for a full pipeline and this waited forever.
      const next = await Promise.race([outcome(sql`select 'next' as v`), new Promise((r) => setTimeout(() => r('waited 2 s'), 2000))]);
      expect(next).toEqual({ rows: [{ v: 'next' }] });
    } finally {
      await sql.end({ timeout: 1 });
    }
  });

  it('starts the next statement at its first row after one that failed midway through its rows (porsager/postgres#1181)', async () => {
    const sql = client();
    try {
      const failing = sql`select i, 1 / (4 - i) as boom from generate_series(1, 10) i`.execute();
      const next = sql`select x from generate_series(1, 3) x`.execute();
      expect(await outcome(failing)).toEqual({ error: '22012' });
      const rows = ((await outcome(next)) as { rows: unknown[] }).rows;
      // Unpatched: three holes, then the rows (a sparse array of six).
      expect(rows).toHaveLength(3);
      expect(rows).toEqual([{ x: 1 }, { x: 2 }, { x: 3 }]);
    } finally {
      await sql.end({ timeout: 1 });
    }
  });
});

// The patched postgres.js reads an array's unquoted NULL element as null (porsager/postgres#1124);
// unpatched it was the text 'NULL', and for a number array the element parser's NaN (#1049).
describe.skipIf(!(await postgresReachable(url)))('postgres.js arrays', () => {
  it.each([
    ['text', `array['a', null, 'NULL', '']::text[]`, ['a', null, 'NULL', '']],
    ['integer', `array[1, null, 3]::int[]`, [1, null, 3]],
    [
      'two dimensions',
      `array[array['x', null], array[null, 'y']]::text[]`,
      [
        ['x', null],
        [null, 'y'],
      ],
    ],
    ['only null', `array[null]::text[]`, [null]],
  ])('reads a %s array with NULL elements as nulls, a quoted NULL as its text', async (_name, literal, expected) => {
    const sql = postgres(url, { max: 1 });
    try {
      const [row] = await sql.unsafe(`select ${literal} as v`);
      expect(row!.v).toEqual(expected);
    } finally {
      await sql.end({ timeout: 1 });
    }
  });
});
