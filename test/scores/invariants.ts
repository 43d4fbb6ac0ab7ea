/**
 * The consistency rules of core/scores/consistency.ts as checks on a finished ScoreRun, shared by
 * the property tests and the tests on real and simulated data. Returns the broken rules (empty = ok).
 */
import type { Profile } from '../../core/config.ts';
import type { ScoreRun } from '../../core/types.ts';
import { isoToDay } from '../../core/report/format.ts';

const ROW_R1 = new Set(['lost', 'hibernating', 'atRisk', 'cantLoseThem']);
const close = (a: number, b: number, scale: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(scale));

export function brokenRules(run: ScoreRun, profile: Profile, opts: { defaultSegments?: boolean; costs?: boolean } = {}): string[] {
  const out: string[] = [];
  const day = isoToDay(profile.calibrationEnd ?? profile.asOf);
  const t = profile.churn;
  let equity = 0;
  for (const c of run.customers) {
    const bad = (rule: string) => out.push(`${c.id}: ${rule} (P(alive) ${c.pAlive}, risk ${c.churnRisk}, stage ${c.lifecycleStage}, segment ${c.rfm.segment}, clv ${c.clv}, VaR ${c.valueAtRisk})`);
    const lost = day - c.summary.lastDay > t.lostAfterDays;
    equity += c.clv;
    // rule 1
    if ((c.churnRisk === 'lost') !== lost) bad('1: churn risk lost ⇔ past the lost window');
    if (lost && (c.pAlive !== 0 || c.clv !== 0 || c.expectedPurchases !== 0)) bad('1: lost ⇒ P(alive), CLV and expected purchases 0');
    if (!(c.pAlive >= 0 && c.pAlive <= 1)) bad('P(alive) in [0, 1]');
    // rule 2
    if (!lost) {
      const band = c.pAlive >= t.lowRiskPAlive ? 'low' : c.pAlive < t.highRiskPAlive ? 'high' : 'medium';
      if (c.churnRisk !== band) bad('2: churn risk is the P(alive) band');
    }
    // rule 3
    const stageOk = c.churnRisk === 'lost' ? c.lifecycleStage === 'lost'
      : c.churnRisk === 'low' ? c.lifecycleStage === 'formation' || c.lifecycleStage === 'stable'
        : c.lifecycleStage === 'decline';
    if (!stageOk) bad('3: lifecycle follows churn risk');
    if (c.lifecycleStage === 'stable' && c.summary.transactions < 2) bad('3: stable needs a repeat purchase');
    // rule 4
    if ((c.rfm.segment === 'lost' || c.rfm.segment === 'hibernating') && c.pAlive > 0.5) bad('4b: dormant segment with P(alive) > 1/2');
    if (opts.defaultSegments !== false && lost && !ROW_R1.has(c.rfm.segment)) bad('4a: a lost customer reads the R = 1 row');
    // rule 5
    if (!Number.isFinite(c.valueIfAlive) || !Number.isFinite(c.valueAtRisk) || c.valueAtRisk < 0) bad('5: finite, non-negative value at risk');
    if (!close(c.valueAtRisk, (1 - c.pAlive) * Math.max(0, c.valueIfAlive), c.valueIfAlive)) bad('5: VaR = (1 − P(alive)) × value if alive');
    if (lost && c.valueIfAlive > 0 && !(c.valueAtRisk > 0)) bad('5: a lost customer with value keeps it at risk');
    if (!opts.costs && !close(c.clv, c.pAlive * c.valueIfAlive, c.valueIfAlive)) bad('5: CLV = P(alive) × value if alive');
  }
  if (!close(run.customerEquity, equity, equity)) out.push('equity = Σ CLV');
  // rule 6
  const list = run.retention.warningList;
  const eligible = run.customers.filter((c) => c.churnRisk !== 'low' && c.valueAtRisk > 0);
  if (list.length !== Math.min(100, eligible.length)) out.push('6: warning list size');
  for (let i = 0; i < list.length; i++) {
    if (list[i].churnRisk === 'low') out.push('6: low risk on the warning list');
    if (i && list[i].valueAtRisk > list[i - 1].valueAtRisk) out.push('6: warning list order');
  }
  const onList = new Set(list.map((w) => w.id));
  const floor = list.length ? list[list.length - 1].valueAtRisk : Infinity;
  for (const c of eligible) if (!onList.has(c.id) && c.valueAtRisk > floor) out.push(`6: ${c.id} missing from the warning list`);
  const counts = run.retention.churnRisk;
  if (counts.lost !== run.customers.filter((c) => c.churnRisk === 'lost').length) out.push('retention counts');
  return out;
}
