/** The figures a run prints, each with the bound it is held to. */
export interface Figure {
  scenario: string;
  name: string;
  value: number | string;
  /** Passes when true; figures without a bound are informative. */
  pass?: boolean;
  bound?: string;
}

export class Report {
  readonly figures: Figure[] = [];
  add(scenario: string, name: string, value: number | string, check?: { pass: boolean; bound: string }) {
    const f = { scenario, name, value, ...(check ?? {}) };
    this.figures.push(f);
    const mark = check ? (check.pass ? 'ok  ' : 'FAIL') : '    ';
    console.log(`  ${mark} ${name}: ${typeof value === 'number' ? round(value) : value}${check ? `  (${check.bound})` : ''}`);
  }
  get failed(): Figure[] {
    return this.figures.filter((f) => f.pass === false);
  }
  print(): void {
    console.log('\n== fault suite figures');
    console.log('| scenario | figure | value | bound | |');
    console.log('|---|---|---|---|---|');
    for (const f of this.figures)
      console.log(`| ${f.scenario} | ${f.name} | ${typeof f.value === 'number' ? round(f.value) : f.value} | ${f.bound ?? ''} | ${f.pass === undefined ? '' : f.pass ? 'ok' : 'FAIL'} |`);
  }
}

const round = (x: number) => (Number.isInteger(x) ? x : Math.round(x * 100) / 100);
