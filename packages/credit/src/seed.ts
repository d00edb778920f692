import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { anyOf, isValidCreditCode, jurisdictions, runMutation, type Ctx, addDays, addYears, chinaDateOf, creditCodeCheckCharacter } from '@safecity/core';
import { recordValidUntil, ruleSetOn, type Polarity, type Severity } from './rules.js';
import { creditListDecisions, creditListEntries, creditRecords, creditRepairRequests, creditSubjects, type DECISION_ACTIONS } from './tables.js';

const SUBJECTS = 300;

/** A deterministic generator, so the seed is the same on every run. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** GB 11714 organization code check character (the 9th of the organization code inside a credit code). */
function orgCodeCheck(first8: string): string {
  const w = [3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first8].reduce((a, c, i) => a + Number(c) * w[i], 0);
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/** A valid credit code for an enterprise (91) registered in `county`. */
export function demoCreditCode(county: string, n: number): string | null {
  const org8 = String(10_000_000 + n * 7919).slice(-8);
  const first17 = `91${county}${org8}${orgCodeCheck(org8)}`;
  const check = creditCodeCheckCharacter(first17);
  const code = `${first17}${check}`;
  return isValidCreditCode(code) ? code : null;
}

const TRADES = ['商贸', '建筑工程', '物业管理', '餐饮管理', '物流', '机械制造', '医药连锁', '农产品', '信息技术', '文化传媒', '酒店管理', '环保科技'];
const WORDS = ['金城', '黄河', '皋兰', '五泉', '白塔', '陇原', '兰山', '安宁', '七里河', '雁滩', '西固', '东岗', '华林', '敦煌', '丝路', '河州'];

/** A few hundred subjects in the seeded 城关区/七里河区 tree, records of both kinds and entries in every status. */
export async function seedCredit(ctx: Ctx): Promise<void> {
  const first = demoCreditCode('620102', 1);
  const [existing] = await ctx.db.select({ id: creditSubjects.id }).from(creditSubjects).where(eq(creditSubjects.creditCode, first!));
  if (existing) return;
  const communities = await ctx.db
    .select({ code: jurisdictions.code })
    .from(jurisdictions)
    .where(and(eq(jurisdictions.level, 'community'), anyOf(jurisdictions.parentCode, await subdistrictsOf(ctx, ['620102', '620103']))));
  const places = communities.length ? communities.map((c) => c.code) : ['620102', '620103'];
  const today = chinaDateOf(new Date());
  const rand = rng(620100);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];

  const subjects: (typeof creditSubjects.$inferInsert)[] = [];
  for (let n = 1; subjects.length < SUBJECTS; n++) {
    const place = places[subjects.length % places.length];
    const code = demoCreditCode(place.slice(0, 6), n);
    if (!code) continue;
    subjects.push({
      id: randomUUID(),
      creditCode: code,
      name: `兰州${pick(WORDS)}${pick(TRADES)}有限公司${n % 7 === 0 ? `${place.slice(6, 9)}分公司` : ''}`,
      kind: n % 10 === 0 ? 'public_institution' : 'enterprise',
      jurisdictionCode: place,
      onFileSince: addDays(today, -Math.floor(365 + rand() * 365 * 8)),
    });
  }

  const records: (typeof creditRecords.$inferInsert)[] = [];
  const entries: (typeof creditListEntries.$inferInsert)[] = [];
  const repairs: (typeof creditRepairRequests.$inferInsert)[] = [];
  const decisions: (typeof creditListDecisions.$inferInsert)[] = [];
  const rules = ruleSetOn(today);
  const addRecord = (s: (typeof subjects)[number], polarity: Polarity, kind: string, daysAgo: number, severity: Severity | null, summary: string) => {
    const date = addDays(today, -daysAgo);
    const id = randomUUID();
    records.push({
      id,
      subjectId: s.id!,
      jurisdictionCode: s.jurisdictionCode,
      polarity,
      kind,
      sourceDepartment: polarity === 'positive' ? '市平安办' : pick(['市市场监管局', '市应急管理局', '市生态环境局', '市税务局']),
      date,
      severity,
      summary,
      evidenceRef: `档案号 LZ-${date.slice(0, 4)}-${String(records.length + 1).padStart(5, '0')}`,
      validFrom: date,
      validUntil: recordValidUntil({ date, polarity, severity }, rules),
      recordedBy: 'seed',
    });
    return id;
  };
  const addEntry = (s: (typeof subjects)[number], listType: 'red' | 'black', basis: string, start: string, end: string | null, reasonCategory: string, reason: string) => {
    const id = randomUUID();
    entries.push({
      id,
      subjectId: s.id!,
      jurisdictionCode: s.jurisdictionCode,
      listType,
      reasonCategory,
      reason,
      internalNote: `内部备注：依据记录 ${basis}`,
      authority: listType === 'black' ? '市社会信用体系建设领导小组办公室' : '市平安办',
      startDate: start,
      endDate: end,
      proposalRule: listType === 'black' ? 'severe_negative_record' : 'red_clean_record',
      ruleVersion: rules.version,
      basisRecordId: basis,
      proposedBy: 'seed-rules',
    });
    return id;
  };
  const decide = (entryId: string, action: (typeof DECISION_ACTIONS)[number], on: string, reason: string, repairRequestId?: string) =>
    decisions.push({ entryId, action, reason, effectiveDate: on, decidedBy: 'credit-officer', repairRequestId: repairRequestId ?? null, decidedAt: new Date(`${on}T10:00:00+08:00`) });

  subjects.forEach((s, i) => {
    // Everyone gets a record or two; every tenth subject is on a list, cycling through the statuses.
    if (i % 3 !== 0) addRecord(s, 'positive', pick(['commendation', 'safe_unit_pass', 'tax_credit_a']), Math.floor(rand() * 900), null, '平安单位考核通过 / 守信表彰');
    if (i % 4 === 0) addRecord(s, 'negative', pick(['violation', 'administrative_penalty']), Math.floor(rand() * 1500), pick(['minor', 'general', 'serious']), '一般违法违规行为');
    if (i % 10 !== 0) return;
    const variant = (i / 10) % 6;
    if (variant === 5) {
      const basis = addRecord(s, 'positive', 'commendation', 200, null, '连续三年无失信记录，获评守信单位');
      const id = addEntry(s, 'red', basis, addDays(today, -150), addYears(addDays(today, -150), rules.redTermYears), 'good_conduct', '守信激励：连续三年无失信记录');
      decide(id, 'approve', addDays(today, -150), '符合红名单条件');
      return;
    }
    const daysAgo = [10, 300, 1500, 500, 60][variant];
    const basis = addRecord(s, 'negative', 'safe_unit_veto', daysAgo, 'severe', '重大安全事故，平安创建一票否决');
    const start = addDays(today, -daysAgo);
    const id = addEntry(s, 'black', basis, start, addYears(start, 3), 'safe_unit_veto', '平安创建考核一票否决');
    if (variant === 0) return; // pending: proposed, undecided
    if (variant === 4) return void decide(id, 'reject', addDays(start, 5), '证据不足，不予列入'); // rejected
    decide(id, 'approve', addDays(start, 3), '经审核，列入黑名单'); // 1: active, 2: expired (started 1500 days ago)
    if (variant === 3) {
      const repairId = randomUUID();
      repairs.push({
        id: repairId,
        entryId: id,
        jurisdictionCode: s.jurisdictionCode,
        statement: '已完成整改并作出信用承诺',
        conditions: rules.repairConditions.safe_unit_veto!.map((c) => ({ condition: c, evidence: `材料 ${c}` })),
        requestedBy: 'chengguan-officer',
        requestedAt: new Date(`${addDays(today, -40)}T10:00:00+08:00`),
      });
      decide(id, 'lift', addDays(today, -30), '信用修复申请符合条件，移出黑名单', repairId); // lifted
    }
  });

  await runMutation(ctx, { operation: 'seedCredit', system: true }, async (tx) => {
    for (const [table, rows] of [
      [creditSubjects, subjects],
      [creditRecords, records],
      [creditListEntries, entries],
      [creditRepairRequests, repairs],
      [creditListDecisions, decisions],
    ] as const) {
      for (let i = 0; i < rows.length; i += 500) await tx.db.insert(table).values(rows.slice(i, i + 500) as never);
    }
    tx.audit({
      entityType: 'CreditSeed',
      entityId: 'demo',
      jurisdictionCode: '620100',
      after: { subjects: subjects.length, records: records.length, entries: entries.length, decisions: decisions.length },
    });
  });
}

async function subdistrictsOf(ctx: Ctx, districts: string[]): Promise<string[]> {
  const rows = await ctx.db.select({ code: jurisdictions.code }).from(jurisdictions).where(anyOf(jurisdictions.parentCode, districts));
  return rows.map((r) => r.code);
}
