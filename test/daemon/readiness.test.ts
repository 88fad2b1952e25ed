/**
 * /readyz follows what AWS answers: calls that time out (or reset, or 5xx) make the daemon
 * unready; a busy resource (ResourceInUse, Conflict) is an answer and keeps it ready.
 */
import assert from 'node:assert/strict';
import type { CallEvent } from '../../src/reconciler/ratelimit.js';
import { settled, startWorld, type DaemonWorld } from './harness.js';

const call = (outcome: CallEvent['outcome'], errorCode?: string): CallEvent => ({ service: 'connect', region: 'us-east-1', operation: 'AssociateWorkspace', outcome, durationMs: 1, errorCode });

describe('daemon: readiness follows AWS answers', () => {
  let w: DaemonWorld | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it('a timed-out call makes it unready (naming timeouts); the next answer makes it ready again', async () => {
    w = await startWorld();
    await settled(w);
    w.daemon.onCall(call('retryable', 'ETIMEDOUT'));
    const r = w.daemon.readiness();
    assert.equal(r.ready, false);
    assert.match(r.reason, /timeouts/);
    w.daemon.onCall(call('success'));
    assert.equal(w.daemon.readiness().ready, true);
  });

  it('ResourceInUse / Conflict answers (outcome busy) keep it ready', async () => {
    w = await startWorld();
    await settled(w);
    w.daemon.onCall(call('busy', 'ResourceInUseException'));
    w.daemon.onCall(call('busy', 'ConflictException'));
    assert.equal(w.daemon.readiness().ready, true);
  });
});
