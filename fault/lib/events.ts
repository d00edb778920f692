import type { Stack } from './stack.js';

export interface ReceivedEvent {
  /** The outbox id: grows in commit order; a repeat delivery carries the same id. */
  id: bigint;
  name: string;
  payload: Record<string, unknown>;
  /** Arrival, ms on `performance.now()`'s clock. */
  at: number;
}

export interface EventSubscription {
  received: ReceivedEvent[];
  /** Set when the stream ended or failed before `close` (a subscriber that silently stopped would count every later event as lost). */
  endedEarly: string | null;
  close(): void;
}

/**
 * Subscribes to `domainEvents(names)` over SSE (graphql-yoga's `text/event-stream`), as a browser
 * or a downstream service would, and records every event in arrival order. Closed by the stack.
 */
export async function subscribeEvents(stack: Stack, baseUrl: string, token: string, names: string[]): Promise<EventSubscription> {
  const ac = new AbortController();
  const res = await fetch(new URL('/graphql', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: `subscription { domainEvents(names: [${names.join(', ')}]) { id name payload } }` }),
    signal: ac.signal,
  });
  if (!res.ok || !res.body) throw new Error(`subscription refused: HTTP ${res.status} ${await res.text().catch(() => '')}`);
  let closing = false;
  const sub: EventSubscription = {
    received: [],
    endedEarly: null,
    close: () => {
      closing = true;
      ac.abort();
    },
  };
  stack.add(`subscription ${baseUrl}`, () => sub.close());
  void (async () => {
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const chunk = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = chunk
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trim())
            .join('');
          if (!data) continue;
          const msg = JSON.parse(data) as { data?: { domainEvents?: { id: string; name: string; payload: Record<string, unknown> } }; errors?: unknown[] };
          const ev = msg.data?.domainEvents;
          if (ev) sub.received.push({ id: BigInt(ev.id), name: ev.name, payload: ev.payload, at: performance.now() });
          else if (msg.errors) sub.endedEarly = `error on the stream: ${JSON.stringify(msg.errors).slice(0, 300)}`;
        }
      }
      if (!closing) sub.endedEarly ??= 'the server ended the stream';
    } catch (e) {
      if (!closing) sub.endedEarly ??= (e as Error).message;
    }
  })();
  return sub;
}
