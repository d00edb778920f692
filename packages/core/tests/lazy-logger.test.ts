import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { lazyLogger, requestContextFactory, type Authenticator, type Platform } from '@safecity/core';

/** A pino logger writing its lines into an array, and a count of the children made from it. */
function recordingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  const log = pino({ level: 'info' }, stream);
  let children = 0;
  const child = log.child;
  // Children inherit this property: `this` is whichever logger the child is made from.
  log.child = function (this: pino.Logger, ...a: Parameters<typeof child>) {
    children++;
    return child.apply(this, a);
  } as typeof log.child;
  return { log, lines, children: () => children };
}

describe('lazyLogger', () => {
  it.each([
    { what: 'nothing', use: (_l: pino.Logger) => {}, made: 0 },
    { what: 'a spread of an object holding it', use: (l: pino.Logger) => void { ...{ log: l } }, made: 0 },
    { what: 'an info line', use: (l: pino.Logger) => l.info({ k: 1 }, 'hello'), made: 1 },
    { what: 'two lines and a level check', use: (l: pino.Logger) => (l.warn('a'), l.isLevelEnabled('debug'), l.error('b')), made: 1 },
  ])('$what makes $made logger(s)', ({ use, made }) => {
    let n = 0;
    const base = pino({ level: 'silent' });
    use(lazyLogger(() => (n++, base)));
    expect(n).toBe(made);
  });

  it('writes through the logger it made, with that logger bound', async () => {
    const r = recordingLogger();
    const l = lazyLogger(() => r.log.child({ requestId: 'r-1' }));
    l.info({ k: 1 }, 'hello');
    l.child({ part: 'x' }).warn('inner');
    await new Promise((res) => setImmediate(res));
    expect(r.lines.map((x) => [x.msg, x.requestId, x.part])).toEqual([
      ['hello', 'r-1', undefined],
      ['inner', 'r-1', 'x'],
    ]);
  });
});

describe('a request context', () => {
  // What envelop and runMutation do to the context: spread it. No child logger may be made by that.
  it('makes the request logger only when something logs, however often the context is spread', async () => {
    const r = recordingLogger();
    const platform = { log: r.log, database: { db: {} } } as unknown as Platform;
    const auth = { peekRequest: () => undefined, authenticateRequest: async () => null } as unknown as Authenticator;
    const ctx = await requestContextFactory(platform, auth)({ request: new Request('http://x/graphql', { headers: { 'x-request-id': 'req-7' } }) });
    const spread = { ...{ ...ctx, extra: 1 } };
    expect(r.children()).toBe(0);
    spread.log.info('logged');
    await new Promise((res) => setImmediate(res));
    expect(r.children()).toBe(1);
    expect(r.lines.at(-1)).toMatchObject({ msg: 'logged', requestId: 'req-7' });
  });
});
