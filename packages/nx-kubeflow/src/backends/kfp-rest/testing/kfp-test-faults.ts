/**
 * Test-only: faults a spec asks the KFP test server for. Each rule matches
 * requests by method and path (a string is an exact path, a RegExp tests
 * it) and applies to the next `times` matching requests.
 */
export interface RequestMatch {
  method?: string;
  path?: string | RegExp;
}

export interface FailRule extends RequestMatch {
  status: number;
  /** The error body; default a google.rpc.Status with a message. */
  body?: unknown;
  times?: number;
  /** Apply the request first, then answer the error (a write that happened but whose answer was lost). */
  afterApplying?: boolean;
}

export interface DelayRule extends RequestMatch {
  ms: number;
  times?: number;
  /** Default true: the request takes effect at once and only its answer is late, as with a slow network. */
  afterApplying?: boolean;
}

export interface DropRule extends RequestMatch {
  times?: number;
  afterApplying?: boolean;
}

interface Counted<T> {
  rule: T;
  left: number;
}

export type FaultDecision =
  | { kind: 'fail'; status: number; body: unknown; afterApplying: boolean }
  | { kind: 'delay'; ms: number; afterApplying: boolean }
  | { kind: 'drop'; afterApplying: boolean }
  | undefined;

function matches(rule: RequestMatch, method: string, path: string): boolean {
  if (rule.method && rule.method.toUpperCase() !== method) return false;
  if (rule.path === undefined) return true;
  return typeof rule.path === 'string' ? rule.path === path : rule.path.test(path);
}

export class KfpTestFaults {
  private fails: Counted<FailRule>[] = [];
  private delays: Counted<DelayRule>[] = [];
  private drops: Counted<DropRule>[] = [];
  /** When set, every request must carry `authorization: Bearer <token>`, else 401. */
  bearerToken?: string;
  /** When set, every request must carry this header with this value, else 401 (e.g. a cookie or kubeflow-userid). */
  requiredHeaders: Record<string, string> = {};

  /** The next `times` (default 1) matching requests answer `status`. */
  failNext(rule: FailRule): void {
    this.fails.push({ rule, left: rule.times ?? 1 });
  }

  /** The next `times` (default 1) matching requests answer after `ms`. */
  delayNext(rule: DelayRule): void {
    this.delays.push({ rule, left: rule.times ?? 1 });
  }

  /** The next `times` (default 1) matching requests get their connection closed without an answer. */
  dropNext(rule: DropRule = {}): void {
    this.drops.push({ rule, left: rule.times ?? 1 });
  }

  requireBearer(token: string | undefined): void {
    this.bearerToken = token;
  }

  requireHeader(name: string, value: string): void {
    this.requiredHeaders[name.toLowerCase()] = value;
  }

  clear(): void {
    this.fails = [];
    this.delays = [];
    this.drops = [];
    this.bearerToken = undefined;
    this.requiredHeaders = {};
  }

  /** The fault for this request, used up as it is taken. */
  take(method: string, path: string): FaultDecision {
    const take = <T extends RequestMatch>(list: Counted<T>[]) => {
      const found = list.find((entry) => entry.left > 0 && matches(entry.rule, method, path));
      if (found) found.left--;
      return found?.rule;
    };
    const drop = take(this.drops);
    if (drop) return { kind: 'drop', afterApplying: drop.afterApplying ?? false };
    const fail = take(this.fails);
    if (fail) {
      return {
        kind: 'fail',
        status: fail.status,
        body: fail.body ?? { error: `injected fault: ${fail.status}`, code: fail.status >= 500 ? 13 : 3, message: `injected fault: ${fail.status}`, details: [] },
        afterApplying: fail.afterApplying ?? false,
      };
    }
    const delay = take(this.delays);
    if (delay) return { kind: 'delay', ms: delay.ms, afterApplying: delay.afterApplying ?? true };
    return undefined;
  }
}
