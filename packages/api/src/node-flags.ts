/**
 * The Node flags a serving process should start with. None can be set from inside the process
 * (heap sizes and the platform's threads are fixed when the isolate is made; v8.setFlagsFromString
 * had no effect): the command line carries them, and `serve --workers` passes them to its workers.
 *
 * `--min-semi-space-size=16`: V8 sizes its young generation by recent allocation: a server left
 * idle (a quiet minute, a night) gets it shrunk to 1 MiB by the memory reducer, and when traffic
 * returns every few requests trigger a scavenge that promotes short-lived request objects into the
 * old generation. Measured on the benchmark's Q0 at --scale 0.1 (2026-11-29, one core): after
 * 60 s idle A served 157 rps at 5.6 ms CPU a request in its first second and needed ten seconds
 * to get back to 550 rps at 1.6 ms; with a 16 MiB floor it was back within a second. Under a
 * fixed arrival rate those ten seconds are a queue that takes the p50 to seconds.
 *
 * `--v8-pool-size=1`: one V8 helper thread (optimizing compiler, concurrent marking) instead of
 * one per core. A serving process gets a core of its own (one process per core, `--workers`,
 * or pinned): V8's helpers then run on the request thread's core, and when a burst of hot
 * functions is optimized again (a "wrong map" deoptimization of the resolvers, the planner and
 * the HTTP layer together, a few times a minute) three or four helpers took two thirds of that
 * core for 200–500 ms; at a fixed arrival rate that is a queue of hundreds of requests. Measured
 * at small size (2026-11-30, the server on one core, 600 rps, 25–40 s): Q3a p99 36–92 ms without,
 * 8.6–9.0 ms with; Q2 172–190 ms without, 7.2–10.8 ms with; peaks unchanged or higher (Q3a
 * 1,135–1,637 against 1,621–1,856 rps).
 *
 * `--no-allocation-site-pretenuring`: V8 watches what survives young GCs per allocation site and,
 * when much of a site's objects survive, allocates that site's objects in the old generation
 * from then on. Under a burst (50 concurrent requests queueing for the database) most request
 * objects outlive a scavenge, V8 tenured their sites, and the decision outlasted the burst:
 * afterwards, at two thirds of the peak, every request's objects went to the old generation (3 MB
 * promoted a young GC against 5–10 KB, a mark-compact every 3–4 s, each a 100–300 ms stall on a
 * core). It cleared only after ~10 s without any request. Measured at small size (2026-11-30,
 * Q3a, 20 s at c=50, then 1,150 rps for 15 s, the server on one core): p99 131 ms with
 * pretenuring, 20 ms without; 8 mark-compacts against 1; the closed-model peaks within noise.
 */
export const SERVER_NODE_FLAGS = ['--min-semi-space-size=16', '--v8-pool-size=1', '--no-allocation-site-pretenuring'] as const;

/** The V8 flag a command-line flag sets, whatever its spelling: `--no-x`, `--x=…` and `--x_y` all name `x`/`x-y`. */
const flagName = (arg: string): string =>
  arg
    .split('=')[0]!
    .replaceAll('_', '-')
    .replace(/^--(no-)?/, '');

/** `execArgv` with the serving flags added where the same flag is not given already (either way). */
export function withServerNodeFlags(execArgv: readonly string[]): string[] {
  const given = new Set(execArgv.map(flagName));
  return [...execArgv, ...SERVER_NODE_FLAGS.filter((f) => !given.has(flagName(f)))];
}

/** The serving flags missing from `execArgv` (the process's own command line), to name at start-up. */
export const missingServerNodeFlags = (execArgv: readonly string[]): string[] => withServerNodeFlags(execArgv).slice(execArgv.length);

/**
 * End of upstream support of the Node release lines the project runs on (nodejs.org release
 * schedule). A production server on a line past its end gets no security fixes; the serving line
 * is 24, also the fastest here: on the benchmark's reads (small size, one core, alternating
 * rounds, 2026-11-29) Node 24 took 20–25% less CPU per request than 20 (bench/lib/pg5.ts).
 */
export const NODE_END_OF_LIFE: Readonly<Record<number, string>> = { 20: '2026-04-30', 22: '2027-04-30', 24: '2028-04-30' };

/** Pure rule: why `version` (`v20.20.2`) should not serve in production on `today` (YYYY-MM-DD), or null. */
export function servingRuntimeProblem(version: string, today: string): string | null {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  const end = NODE_END_OF_LIFE[major];
  if (!end) return major > 24 ? null : `Node ${version} is not a release line this project runs on (20, 22, 24)`;
  if (today > end) return `Node ${version} is out of upstream support since ${end}: no security fixes; serve on Node 24`;
  return null;
}
