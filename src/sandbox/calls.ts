/** The call log tests read: one record per request, in arrival order. */
import type { ServiceName } from './errors.js';

export interface CallRecord {
  /** 'sts' for AssumeRole and GetCallerIdentity. */
  service: ServiceName | 'sts';
  /** The operation name, or 'Unknown' when the request matched none. */
  operation: string;
  /** From the SigV4 credential scope ('' when the request carried none). */
  region: string;
  /** The account the request acted in, from its access key ('' when it was refused before that). */
  accountId: string;
  /** HTTP status sent; 0 when the connection was reset without an answer. */
  status: number;
  /** The error code sent, if any. */
  errorCode?: string;
  throttled: boolean;
  /** The injected fault that decided the answer, if any. */
  fault?: 'throttle' | 'error' | 'reset' | 'hang' | 'scripted';
  /** When the request arrived (the sandbox clock, ms). */
  time: number;
  requestId: string;
  /** The User-Agent header, which names the client (a replica adds `replica/<identity>`). */
  userAgent?: string;
  /** Path labels, query parameters and JSON body members of the request, merged. Never headers. */
  input: Record<string, unknown>;
}

export class CallLog {
  readonly records: CallRecord[] = [];
  constructor(
    /** Oldest records are dropped beyond this many. */
    private readonly limit: number,
    private readonly onCall?: (r: CallRecord) => void,
  ) {}

  add(r: CallRecord): void {
    this.records.push(r);
    // Drop in chunks so a long benchmark does not pay an O(n) shift per request.
    if (this.records.length > this.limit * 1.1) this.records.splice(0, this.records.length - this.limit);
    this.onCall?.(r);
  }

  clear(): void {
    this.records.length = 0;
  }
}
