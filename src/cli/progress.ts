import type { ScanPhase, ScanProgress } from '../jobs/scan-job';

export const SCAN_PHASES: readonly ScanPhase[] = ['credentials', 'collect', 'evaluate', 'report', 'done'];

const BAR_WIDTH = 20;

/** One plain progress line (logs, pipes, CI). */
export function formatProgress(p: ScanProgress): string {
  if (p.collector) return `${p.phase}: ${p.collector} (${p.pages ?? 0} pages, ${p.items ?? 0} items)`;
  return p.phase;
}

/**
 * The terminal line: a bar filled by phase (empty at credentials, full at done), the phase, and the current
 * collector's counts; cut to `columns` - 1 so that it never wraps (a wrapped line cannot be redrawn with \r).
 */
export function formatProgressBar(p: ScanProgress, columns: number): string {
  const step = Math.max(0, SCAN_PHASES.indexOf(p.phase));
  const filled = Math.round((BAR_WIDTH * step) / (SCAN_PHASES.length - 1));
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
  const counts = p.collector ? `  ${p.collector}: ${p.pages ?? 0} pages, ${p.items ?? 0} items` : '';
  const line = `${bar} ${p.phase} (${step + 1}/${SCAN_PHASES.length})${counts}`;
  return line.slice(0, Math.max(0, columns - 1));
}

/** Where progress goes: process.stdout, or a fake in tests. */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressPrinter {
  update(progress: ScanProgress): void;
  /** Ends the bar's line so that what follows starts on its own; later updates are ignored. */
  end(): void;
}

/** On a terminal one line redrawn in place; otherwise a plain line per update. */
export function progressPrinter(out: ProgressOutput, indent = '  '): ProgressPrinter {
  let drawn = false;
  let ended = false;
  return {
    update(progress) {
      if (ended) return;
      if (!out.isTTY) {
        out.write(`${indent}${formatProgress(progress)}\n`);
        return;
      }
      const columns = (out.columns ?? 80) - indent.length;
      // \r back to the line start, \x1b[K clears what a longer previous line left behind.
      out.write(`\r${indent}${formatProgressBar(progress, columns)}\x1b[K`);
      drawn = true;
    },
    end() {
      if (drawn && !ended) out.write('\n');
      ended = true;
    },
  };
}
