/** A terminal progress bar per fan-out stage (cli-progress), fed by the local runner's progress events. */
import cliProgress from 'cli-progress';
import type { FanoutProgress } from './fanout.ts';

const LABELS: Record<FanoutProgress['stage'], string> = {
  plan: 'plan', shards: 'read shards', merge: 'merge partitions', score: 'fit and score', write: 'write items', finish: 'finish',
};

export function fanoutProgress() {
  let bars: cliProgress.MultiBar | undefined;
  const byStage = new Map<string, cliProgress.SingleBar>();
  return {
    update: (p: FanoutProgress) => {
      bars ??= new cliProgress.MultiBar({
        format: '  {stage} |{bar}| {value}/{total} {duration_formatted}',
        hideCursor: true, clearOnComplete: false, stopOnComplete: false, noTTYOutput: true, notTTYSchedule: 5000,
      }, cliProgress.Presets.shades_classic);
      let bar = byStage.get(p.stage);
      if (!bar) { bar = bars.create(p.total, 0, { stage: LABELS[p.stage].padEnd(16) }); byStage.set(p.stage, bar); }
      bar.setTotal(p.total);
      bar.update(p.done);
    },
    stop: () => { bars?.stop(); bars = undefined; },
  };
}
