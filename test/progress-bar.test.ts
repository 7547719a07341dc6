// Issue 5: `crw enqueue --wait` shows a progress bar on a terminal and plain progress lines otherwise.
import { formatProgress, formatProgressBar, progressPrinter, type ProgressOutput } from '../src/cli/progress';

describe('formatProgressBar', () => {
  it('fills the bar by phase, from empty at credentials to full at done', () => {
    expect(formatProgressBar({ phase: 'credentials' }, 80)).toBe('[--------------------] credentials (1/5)');
    expect(formatProgressBar({ phase: 'evaluate' }, 80)).toBe('[##########----------] evaluate (3/5)');
    expect(formatProgressBar({ phase: 'done' }, 80)).toBe('[####################] done (5/5)');
  });

  it("shows the current collector's counts", () => {
    expect(formatProgressBar({ phase: 'collect', collector: 'users', pages: 3, items: 1200 }, 80)).toBe(
      '[#####---------------] collect (2/5)  users: 3 pages, 1200 items',
    );
    expect(formatProgressBar({ phase: 'collect', collector: 'roles' }, 80)).toBe(
      '[#####---------------] collect (2/5)  roles: 0 pages, 0 items',
    );
  });

  it('never fills the last column of a narrow terminal (the line would wrap)', () => {
    const line = formatProgressBar({ phase: 'collect', collector: 'users', pages: 3, items: 1200 }, 40);
    expect(line).toBe('[#####---------------] collect (2/5)  u');
    expect(line).toHaveLength(39);
    expect(formatProgressBar({ phase: 'done' }, 0)).toBe('');
  });
});

describe('progressPrinter', () => {
  const fakeOutput = (isTTY: boolean, columns?: number) => {
    const writes: string[] = [];
    const out: ProgressOutput = { write: (text: string) => writes.push(text), isTTY, columns };
    return { out, writes };
  };

  it('writes plain lines when not on a terminal', () => {
    const { out, writes } = fakeOutput(false);
    const printer = progressPrinter(out);
    printer.update({ phase: 'credentials' });
    printer.update({ phase: 'collect', collector: 'users', pages: 1, items: 100 });
    printer.end();
    expect(writes).toEqual(['  credentials\n', '  collect: users (1 pages, 100 items)\n']);
    expect(formatProgress({ phase: 'report' })).toBe('report');
  });

  it('redraws one line on a terminal and ends it once', () => {
    const { out, writes } = fakeOutput(true, 80);
    const printer = progressPrinter(out);
    printer.update({ phase: 'credentials' });
    printer.update({ phase: 'done' });
    printer.end();
    printer.update({ phase: 'done' });
    printer.end();
    expect(writes).toEqual([
      '\r  [--------------------] credentials (1/5)\x1b[K',
      '\r  [####################] done (5/5)\x1b[K',
      '\n',
    ]);
  });

  it('writes nothing at the end when nothing was drawn', () => {
    const { out, writes } = fakeOutput(true);
    progressPrinter(out).end();
    expect(writes).toEqual([]);
  });
});
