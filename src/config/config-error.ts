// Typed configuration errors. The CLI prints `message` (one problem per line) and exits 2.

export interface ConfigIssue {
  /** The config file as the user named it (e.g. "crw.yaml"); empty when no file is involved. */
  readonly file: string;
  /** Where in the file, e.g. "tenants[0].schedules[1].tz"; empty for whole-file problems. */
  readonly fieldPath: string;
  /** What is wrong and what to do, without the file and path. */
  readonly problem: string;
  /** 1-based position, for YAML syntax errors. */
  readonly line?: number;
  readonly column?: number;
}

export type NonEmptyIssues = readonly [ConfigIssue, ...ConfigIssue[]];

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  return [where, issue.fieldPath, issue.problem].filter((part) => part !== '').join(': ');
}

export class ConfigError extends Error {
  readonly issues: NonEmptyIssues;
  /** The first issue's file, path and problem; `issues` has them all. */
  readonly file: string;
  readonly fieldPath: string;
  readonly problem: string;

  constructor(issues: NonEmptyIssues) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
    this.issues = issues;
    this.file = issues[0].file;
    this.fieldPath = issues[0].fieldPath;
    this.problem = issues[0].problem;
  }
}

/** A tenant name (from --tenant or a job) that the loaded config does not define. */
export class UnknownTenantError extends ConfigError {
  readonly tenantName: string;
  readonly knownNames: readonly string[];

  constructor(tenantName: string, knownNames: readonly string[]) {
    const close = closestMatch(tenantName, knownNames);
    const hint = close === undefined ? '' : ` (did you mean "${close}"?)`;
    const known = knownNames.length === 0 ? 'none' : knownNames.join(', ');
    super([
      {
        file: '',
        fieldPath: '',
        problem: `unknown tenant "${tenantName}"${hint}; configured tenants: ${known}`,
      },
    ]);
    this.name = 'UnknownTenantError';
    this.tenantName = tenantName;
    this.knownNames = knownNames;
  }
}

/** The candidate closest to `word` (case-insensitive edit distance), if close enough to be a likely typo. */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  const target = word.toLowerCase();
  const limit = Math.max(2, Math.floor(target.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(target, candidate.toLowerCase());
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
