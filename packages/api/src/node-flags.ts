/**
 * The Node flags a serving process should start with. V8 sizes its young generation by recent
 * allocation: a server left idle (a quiet minute, a night) gets it shrunk to 1 MiB by the memory
 * reducer, and when traffic returns every few requests trigger a scavenge that promotes
 * short-lived request objects into the old generation. Measured on the benchmark's Q0 at
 * --scale 0.1 (2026-11-29, one core): after 60 s idle A served 157 rps at 5.6 ms CPU a request in
 * its first second and needed ten seconds to get back to 550 rps at 1.6 ms; with a 16 MiB floor
 * it was back within a second. Under a fixed arrival rate those ten seconds are a queue that
 * takes the p50 to seconds. Heap sizes are fixed when the isolate is made, so this cannot be set
 * from inside the process (v8.setFlagsFromString had no effect): the command line carries it,
 * and `serve --workers` passes it to its workers.
 */
export const SERVER_NODE_FLAGS = ['--min-semi-space-size=16'] as const;

/** `execArgv` with the serving flags added where the same flag is not given already. */
export function withServerNodeFlags(execArgv: readonly string[]): string[] {
  const given = new Set(execArgv.map((a) => a.split('=')[0]!.replaceAll('_', '-')));
  return [...execArgv, ...SERVER_NODE_FLAGS.filter((f) => !given.has(f.split('=')[0]!))];
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
