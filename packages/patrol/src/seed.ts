import { eq } from 'drizzle-orm';
import type { Ctx } from '@safecity/core';
import { generateRoster, shanghaiTime, type AlertType, type Task } from './rules/index.js';
import { recordAlert } from './service/alerts.js';
import { recordCheckIn } from './service/activation.js';
import { activations, alerts, checkpoints, dutyLogs, patrolBlocks, patrolMembers, patrolTeams } from './tables.js';
import { addDays, chinaDateOf } from '@safecity/core';

const H = 3_600_000;

/** Checkpoints of the demo city (兰州): entrances on the G30, the ring, and temporary duty points. */
const CHECKPOINTS = [
  { name: '东岗立交卡口', kind: 'intercity_entrance', latitude: 36.0412, longitude: 103.9361, jurisdictionCode: '620102015' },
  { name: '桑园峡环城卡口', kind: 'city_ring', latitude: 36.0836, longitude: 103.9868, jurisdictionCode: '620102024' },
  { name: '柳家营城际卡口', kind: 'intercity_entrance', latitude: 36.0717, longitude: 103.6762, jurisdictionCode: '620103008' },
  { name: '东方红广场临时执勤点', kind: 'temporary_duty_point', latitude: 36.0584, longitude: 103.8341, jurisdictionCode: '620102001' },
  { name: '南关十字临时执勤点', kind: 'temporary_duty_point', latitude: 36.0561, longitude: 103.8234, jurisdictionCode: '620102001' },
  { name: '张掖路步行街临时执勤点', kind: 'temporary_duty_point', latitude: 36.0623, longitude: 103.8178, jurisdictionCode: '620102002' },
  { name: '兰州站广场临时执勤点', kind: 'temporary_duty_point', latitude: 36.0331, longitude: 103.8522, jurisdictionCode: '620102013' },
  { name: '雁滩公园临时执勤点', kind: 'temporary_duty_point', latitude: 36.0712, longitude: 103.8887, jurisdictionCode: '620102003' },
  { name: '西站十字临时执勤点', kind: 'temporary_duty_point', latitude: 36.0649, longitude: 103.7692, jurisdictionCode: '620103005' },
] as const;

const SURNAMES = '王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗';
const GIVEN = ['建国', '海涛', '晓东', '志强', '文博', '永平', '国庆', '红军', '小龙', '振华', '明亮', '学军'];
const personName = (i: number) => `${SURNAMES[i % SURNAMES.length]}${GIVEN[(i * 7) % GIVEN.length]}`;

/** A small deterministic generator: the same seed data on every run. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Demo data: checkpoints with three-team rosters and a month of duty logs (a few short
 * shifts and gaps, one over midnight), two years of alerts for year-on-year figures, a day
 * whose second snatching alert activated joint duty (one point late, one missing), and
 * five patrol blocks of sixteen communities with 41 members and 14 vehicles.
 */
export async function seedPatrol(ctx: Ctx): Promise<void> {
  const [done] = await ctx.db.select({ id: checkpoints.id }).from(checkpoints).where(eq(checkpoints.name, CHECKPOINTS[0].name)).limit(1);
  if (done) return;
  const cps = await ctx.db
    .insert(checkpoints)
    .values([...CHECKPOINTS])
    .returning();
  const byName = new Map(cps.map((c) => [c.name, c]));
  let n = 0;

  // Three teams of four at each entrance checkpoint.
  const rostered = [byName.get('东岗立交卡口')!, byName.get('柳家营城际卡口')!];
  const today = chinaDateOf(new Date());
  const from = addDays(today, -30);
  const logs: (typeof dutyLogs.$inferInsert)[] = [];
  for (const cp of rostered) {
    const teams = await ctx.db
      .insert(patrolTeams)
      .values(['一班', '二班', '三班'].map((b) => ({ name: `${cp.name}${b}`, level: 'police_station' as const, jurisdictionCode: cp.jurisdictionCode, checkpointId: cp.id, vehicles: 1 })))
      .returning();
    const members = await ctx.db
      .insert(patrolMembers)
      .values(teams.flatMap((t) => [0, 1, 2, 3].map(() => ({ teamId: t.id, name: personName(n++), badgeNumber: `LZ${String(100000 + n)}`, jurisdictionCode: t.jurisdictionCode }))))
      .returning();
    const roster = generateRoster({ checkpointId: cp.id, teamIds: teams.map((t) => t.id), from, to: addDays(today, -1) });
    roster.forEach((shift, i) => {
      const crew = members.filter((m) => m.teamId === shift.teamId);
      const s = shift.startsAt.getTime();
      // Every 17th shift the checkpoint control runs short (1 h 40 min); every 23rd evening
      // ends at 23:20 and the next night starts at 00:30: a gap over midnight.
      const shortControl = i % 17 === 5;
      const earlyEnd = shift.shift === 'evening' && i % 23 === 20;
      const lateStart = shift.shift === 'night' && i > 0 && (i - 1) % 23 === 20;
      const plan: [number, Task, number, number][] = [
        [0, 'checkpoint_control', 0, shortControl ? 1 + 40 / 60 : 2],
        [0, 'patrol', 2, 6],
        [0, 'standby', 6, 8],
        [1, 'sentry', 0, 6],
        [1, 'standby', 6, 8],
        [2, 'sentry', 2, 8],
        [3, 'patrol', 4, 8],
        [3, 'standby', 0, 4],
      ];
      for (const [who, task, a, b] of plan) {
        let start = s + a * H;
        let end = s + b * H;
        if (earlyEnd) end = Math.min(end, s + (7 + 20 / 60) * H);
        if (lateStart) start = Math.max(start, s + 0.5 * H);
        if (end <= start) continue;
        logs.push({
          memberId: crew[who].id,
          teamId: shift.teamId,
          checkpointId: cp.id,
          task,
          startAt: new Date(start),
          endAt: new Date(end),
          jurisdictionCode: cp.jurisdictionCode,
          recordedBy: 'seed',
        });
      }
    });
  }
  for (let i = 0; i < logs.length; i += 500) await ctx.db.insert(dutyLogs).values(logs.slice(i, i + 500));

  // Beigan-style patrol blocks (seed 003): 16 communities in 5 blocks, 41 members, 14 vehicles.
  const communities = [
    '620102001001',
    '620102001002',
    '620102001003',
    '620102001004',
    '620102001005',
    '620102002001',
    '620102002002',
    '620102002003',
    '620102002004',
    '620102002005',
    '620102002006',
    '620102003001',
    '620102003002',
    '620102003003',
    '620102003004',
    '620102003005',
  ];
  const split = [3, 3, 3, 3, 4];
  const vehicles = [3, 3, 3, 3, 2];
  const crews = [8, 8, 8, 8, 9];
  let c = 0;
  for (let b = 0; b < 5; b++) {
    const codes = communities.slice(c, (c += split[b]));
    const [block] = await ctx.db
      .insert(patrolBlocks)
      .values({ name: `第${'一二三四五'[b]}巡防区块`, jurisdictionCode: '620102', communityCodes: codes, vehicles: vehicles[b], weeklyPatrolHours: crews[b] * 36 })
      .returning();
    const [team] = await ctx.db
      .insert(patrolTeams)
      .values({ name: `第${'一二三四五'[b]}区块巡防队`, level: 'community', jurisdictionCode: '620102', blockId: block.id, vehicles: vehicles[b] })
      .returning();
    await ctx.db.insert(patrolMembers).values(Array.from({ length: crews[b] }, () => ({ teamId: team.id, name: personName(n++), badgeNumber: null, jurisdictionCode: team.jurisdictionCode })));
  }

  // Alerts: the last 60 days and the same days a year earlier (fewer robberies now, 同比 down).
  // At most one robbery/snatching per district and day, so only the day below activates.
  const rand = prng(20240601);
  const ordinary = ['theft', 'theft', 'theft', 'fraud', 'fraud', 'fight', 'traffic', 'burglary', 'assault', 'public_order'] as const;
  const places = [...communities, '620103005001', '620103001001', '620102013001'];
  const rows: (typeof alerts.$inferInsert)[] = [];
  const twoRobberies = new Set<string>();
  for (const [yearsBack, perDay] of [
    [0, 3],
    [1, 4],
  ] as const) {
    for (let d = 60; d >= 2; d--) {
      const day = addDays(today, -d - yearsBack * 365);
      for (let k = 0; k < perDay; k++) {
        const code = places[Math.floor(rand() * places.length)];
        let type: AlertType = ordinary[Math.floor(rand() * ordinary.length)];
        const district = code.slice(0, 6);
        if (rand() < 0.12 && !twoRobberies.has(`${district}:${day}`)) {
          type = rand() < 0.5 ? 'robbery' : 'snatching';
          twoRobberies.add(`${district}:${day}`);
        }
        const occurredAt = new Date(shanghaiTime(day).getTime() + Math.floor(rand() * 24 * H));
        const response = 120 + Math.floor(rand() * 420);
        rows.push({
          type,
          occurredAt,
          day,
          place: `${code} 辖区`,
          jurisdictionCode: code,
          description: '',
          dispatchedAt: new Date(occurredAt.getTime() + 30_000),
          arrivedAt: rand() < 0.05 ? null : new Date(occurredAt.getTime() + response * 1000),
          recordedBy: 'seed',
        });
      }
    }
  }
  for (let i = 0; i < rows.length; i += 500) await ctx.db.insert(alerts).values(rows.slice(i, i + 500));

  // Yesterday evening 城关区 got its second snatching/robbery alert: joint duty was activated.
  const actorCtx: Ctx = { ...ctx, actor: { id: 'patrol-seed', roles: ['city_admin'], jurisdictionCode: '620100', permissions: new Set() } };
  const yesterday = addDays(today, -1);
  await recordAlert(actorCtx, {
    type: 'snatching',
    occurredAt: shanghaiTime(yesterday, 19.5),
    place: '张掖路步行街',
    jurisdictionCode: '620102002001',
    arrivedAt: shanghaiTime(yesterday, 19.5 + 4 / 60),
  });
  await recordAlert(actorCtx, {
    type: 'robbery',
    occurredAt: shanghaiTime(yesterday, 20.25),
    place: '南关十字地下通道',
    jurisdictionCode: '620102001002',
    arrivedAt: shanghaiTime(yesterday, 20.25 + 6 / 60),
    major: true,
    description: '持刀抢劫, 一人受伤',
  });
  const [activation] = await ctx.db.select().from(activations).where(eq(activations.day, yesterday)).limit(1);
  if (activation) {
    const points = activation.pointIds;
    const at = activation.activatedAt.getTime();
    // All but two points on time, one 14 minutes after activation, one never arrived.
    for (let i = 0; i < points.length - 1; i++) {
      const minutes = i === points.length - 2 ? 14 : 5 + i;
      await recordCheckIn(actorCtx, { activationId: activation.id, checkpointId: points[i], arrivedAt: new Date(at + minutes * 60_000) });
    }
  }
  ctx.log.info({ checkpoints: cps.length, dutyLogs: logs.length, alerts: rows.length + 2 }, 'patrol seeded');
}
