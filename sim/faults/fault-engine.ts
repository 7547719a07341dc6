// Decides, request by request, which fault rules fire. Each rule counts the requests it matches (target and path)
// and fires when its trigger allows: after the first `after` matches, at most `times` times, within `durationMs`
// of its first firing, with probability `rate` drawn from its own seeded generator (repeatable runs).
import type { Clock } from '../throttle/token-bucket';
import type { SimRequest } from '../types';
import {
  TERMINAL_FAULTS,
  type FaultKind,
  type FaultRule,
  type FaultsDocument,
  type FaultTarget,
} from './fault-rules';
import { seededRandom, type Random } from './seeded-random';

/** What the faults do to one request before the service sees it. */
export interface FaultPlan {
  /** Extra delay before answering. */
  latencyMs: number;
  /** Answers instead of the service (or, drop-after-processing, drops its answer); undefined = the service answers. */
  outcome?:
    | { fault: 'http-500' | 'http-503'; retryAfterSeconds?: number }
    | { fault: 'drop-connection' }
    | { fault: 'drop-after-processing' };
  revokeTokens: boolean;
  claimsChallenge: boolean;
}

export interface FaultRuleStatus extends FaultRule {
  /** Requests the rule matched (target and path) and times it fired, since it was set. */
  matched: number;
  fired: number;
}

interface ActiveRule {
  rule: FaultRule;
  path?: RegExp;
  random: Random;
  matched: number;
  fired: number;
  firstFiredAt?: number;
}

const DEFAULT_SLOW_MS = 1_000;

/** Faults decided once the service has answered (they change a successful answer), not before. */
const AFTER_ANSWER: ReadonlySet<FaultKind> = new Set(['nextlink-loop', 'corrupt-field']);

/** The cmdlet an Exchange InvokeCommand request names (its pages re-send the same body). */
function cmdletOf(req: SimRequest): string | undefined {
  try {
    const body = JSON.parse(req.body.toString('utf8')) as { CmdletInput?: { CmdletName?: unknown } } | null;
    const name = body?.CmdletInput?.CmdletName;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

export class FaultEngine {
  private rules: ActiveRule[] = [];
  private seed = 1;
  private firedTotals = new Map<FaultKind, number>();

  constructor(private readonly clock: Clock) {}

  /** Replaces every rule; counters start at 0. */
  set(document: FaultsDocument): void {
    this.seed = document.seed ?? 1;
    this.rules = [];
    for (const rule of document.rules) this.add(rule);
  }

  /** Adds one rule after the others. */
  add(rule: FaultRule): void {
    // Each rule draws from its own generator, derived from the seed and its position: repeatable per rule.
    const random = seededRandom(this.seed ^ Math.imul(this.rules.length + 1, 0x9e3779b9));
    this.rules.push({
      rule: { ...rule },
      ...(rule.path !== undefined && { path: new RegExp(rule.path, 'i') }),
      random,
      matched: 0,
      fired: 0,
    });
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRuleStatus[] {
    return this.rules.map(({ rule, matched, fired }) => ({ ...rule, matched, fired }));
  }

  /** Times each kind of fault fired since the last reset (statistics). */
  firedCounts(): Record<string, number> {
    return Object.fromEntries(this.firedTotals);
  }

  resetFiredCounts(): void {
    this.firedTotals = new Map();
  }

  /** The faults for a request to `target`, decided before the service sees it. */
  before(target: FaultTarget, req: SimRequest): FaultPlan {
    const plan: FaultPlan = { latencyMs: 0, revokeTokens: false, claimsChallenge: false };
    for (const active of this.rules) {
      const { fault } = active.rule;
      if (AFTER_ANSWER.has(fault) || !this.matches(active, target, req)) continue;
      active.matched += 1;
      // Once a rule has decided the answer, later answer-changing rules wait for another request.
      if (TERMINAL_FAULTS.has(fault) && plan.outcome) continue;
      if (!this.fires(active)) continue;
      if (fault === 'http-500' || fault === 'http-503') {
        const { retryAfterSeconds } = active.rule;
        plan.outcome = { fault, ...(retryAfterSeconds !== undefined && { retryAfterSeconds }) };
      } else if (fault === 'drop-connection') plan.outcome = { fault };
      else if (fault === 'drop-after-processing') plan.outcome = { fault };
      else if (fault === 'slow') plan.latencyMs += active.rule.latencyMs ?? DEFAULT_SLOW_MS;
      else if (fault === 'revoke-tokens') plan.revokeTokens = true;
      else if (fault === 'claims-challenge') plan.claimsChallenge = true;
    }
    return plan;
  }

  /**
   * Whether a nextlink-loop rule fires for this response. The caller asks only for successful pages that were
   * reached through a nextLink and have one themselves: only those count as matches.
   */
  loopsNextLink(target: FaultTarget, req: SimRequest): boolean {
    let fired = false;
    for (const active of this.rules) {
      if (active.rule.fault !== 'nextlink-loop' || !this.matches(active, target, req)) continue;
      active.matched += 1;
      if (this.fires(active)) fired = true;
    }
    return fired;
  }

  /**
   * The corrupt-field rules that fire for this request. The caller asks only for successful answers (a $batch
   * item counts as its own request): only those count as matches.
   */
  fieldCorruptions(target: FaultTarget, req: SimRequest): FaultRule[] {
    const firing: FaultRule[] = [];
    for (const active of this.rules) {
      if (active.rule.fault !== 'corrupt-field' || !this.matches(active, target, req)) continue;
      active.matched += 1;
      if (this.fires(active)) firing.push(active.rule);
    }
    return firing;
  }

  get isEmpty(): boolean {
    return this.rules.length === 0;
  }

  private matches(active: ActiveRule, target: FaultTarget, req: SimRequest): boolean {
    const { rule } = active;
    if ((rule.target ?? 'graph') !== target || !(active.path?.test(req.url.pathname) ?? true)) return false;
    if (rule.method !== undefined && rule.method.toUpperCase() !== req.method.toUpperCase()) return false;
    return rule.cmdlet === undefined || cmdletOf(req)?.toLowerCase() === rule.cmdlet.toLowerCase();
  }

  /** Whether a rule that matched the current request (already counted) fires now. */
  private fires(active: ActiveRule): boolean {
    const { rule } = active;
    const now = this.clock();
    if (active.matched <= (rule.after ?? 0)) return false;
    const limit = rule.once ? 1 : rule.times;
    if (limit !== undefined && active.fired >= limit) return false;
    if (
      rule.durationMs !== undefined &&
      active.firstFiredAt !== undefined &&
      now - active.firstFiredAt >= rule.durationMs
    ) {
      return false;
    }
    if (active.random() >= (rule.rate ?? 1)) return false;
    active.fired += 1;
    active.firstFiredAt ??= now;
    this.firedTotals.set(rule.fault, (this.firedTotals.get(rule.fault) ?? 0) + 1);
    return true;
  }
}
