import { readFileSync } from 'node:fs';
import { DomainError } from '../errors.js';
import type { ModuleCommand } from '../module.js';
import { loadHolidayArrangement, type LoadArrangementInput } from './service.js';

/**
 * `core:load-calendar notice.json`: the same load as the mutation (checked, audited, one
 * transaction), from a JSON file:
 * { "year": 2027, "noticeRef": "国办发明电〔2026〕…号", "holidays": [{ "festivals": ["new_year"], "start": "2027-01-01", "end": "2027-01-03" }, …],
 *   "makeUpWorkdays": ["2027-…"], "replacesVersion": 1, "reason": "…" }
 */
export const loadCalendarCommand: ModuleCommand = {
  description: 'Loads a year’s official holiday arrangement (the State Council’s notice) from a JSON file.',
  usage: 'core:load-calendar notice.json',
  async run(ctx, args) {
    const file = args.find((a) => !a.startsWith('--'));
    if (!file) throw new Error('usage: core:load-calendar notice.json');
    const input = JSON.parse(readFileSync(file, 'utf8')) as LoadArrangementInput;
    if (!Array.isArray(input.holidays) || !Array.isArray(input.makeUpWorkdays)) throw new Error(`${file}: expected { year, holidays: [...], makeUpWorkdays: [...] }`);
    try {
      const row = await loadHolidayArrangement(ctx, input);
      console.log(`loaded ${row.year} version ${row.version}: ${row.holidays.length} holiday blocks, ${row.makeUpWorkdays.length} make-up working days`);
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      console.error(`${e.code}: ${e.message}`);
      process.exitCode = 1;
    }
  },
};
