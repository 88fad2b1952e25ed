/**
 * Observe-only (`run --observe-only`), below the daemon: the table of mutating operations held
 * against the AWS models, the rate limiter refusing a mutating call on its own (the second line
 * of defence), and the reconciler in observe-only mode over the demo world in the sandbox:
 * drift found, logged once, nothing changed.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { AssociateWorkspaceCommand, DisassociateWorkspaceCommand } from '@aws-sdk/client-connect';
import pino from 'pino';
import { ObserveOnlyViolation } from '../../src/providers/errors.js';
import { isMutatingOperation, OPERATIONS } from '../../src/providers/operations.js';
import type { Service } from '../../src/providers/types.js';
import { RateLimiter } from '../../src/reconciler/ratelimit.js';
import type { CallEvent } from '../../src/reconciler/ratelimit.js';
import { isMutating, waitFor } from '../cli/helpers.js';
import { agent, demoTargets, FAST, INSTANCE, REGION, startWorld, states, SUPERVISORS, type World } from './world.js';

const MODELS: Record<Service, string> = { connect: '/work/shared/aws/connect-model.json', workspaces: '/work/shared/aws/workspaces-model.json' };
const READ_PREFIX = /^(Describe|List|Search|Get)[A-Z]/;

interface LogLine {
  msg: string;
  [field: string]: unknown;
}
function capture(): { logger: pino.Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  return { lines, logger: pino({ level: 'debug', base: undefined }, { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) }) };
}

describe('observe-only', () => {
  describe('the table of operations (providers/operations.ts)', () => {
    for (const service of ['connect', 'workspaces'] as const) {
      it(`${service}: lists exactly the operations of the AWS model, every one not Describe/List/Search/Get as mutating`, async () => {
        const model = JSON.parse(await readFile(MODELS[service], 'utf8')) as { operations: Record<string, unknown> };
        const modelled = Object.keys(model.operations).sort();
        assert.ok(modelled.length > 0, 'the model has operations');
        assert.deepEqual(Object.keys(OPERATIONS[service]).sort(), modelled);
        for (const op of modelled) {
          assert.equal(OPERATIONS[service][op], READ_PREFIX.test(op) ? 'read' : 'mutating', op);
          assert.equal(isMutatingOperation({ service, operation: op }), !READ_PREFIX.test(op), op);
        }
      });
    }

    it('an operation it does not know counts as mutating (fail closed)', () => {
      assert.equal(isMutatingOperation({ service: 'connect', operation: 'CreateUser' }), true);
      assert.equal(isMutatingOperation({ service: 'workspaces', operation: 'SearchWorkspaceAssociations' }), true, 'a Connect operation is not a WorkSpaces one');
    });
  });

  describe('the rate limiter of an observe-only process', () => {
    const all = (['connect', 'workspaces'] as const).flatMap((service) => Object.entries(OPERATIONS[service]).map(([operation, kind]) => ({ service, operation, kind })));

    for (const { service, operation, kind } of all) {
      it(`${service}:${operation} is ${kind === 'read' ? 'sent' : 'refused as a bug, never sent'}`, async () => {
        const events: CallEvent[] = [];
        const limiter = new RateLimiter({ limits: { connect: FAST, workspaces: FAST }, observeOnly: true, onCall: (e) => events.push(e) });
        let sent = 0;
        const p = limiter.call({ service, operation, region: REGION, targetKey: 't/1' }, async () => ++sent);
        if (kind === 'read') {
          assert.equal(await p, 1);
        } else {
          await assert.rejects(p, (err: unknown) => {
            assert.ok(err instanceof ObserveOnlyViolation, String(err));
            assert.equal(err.operation, operation);
            assert.match(err.message, new RegExp(`^bug: ${service}:${operation} for t/1 is a mutating call and this process is observe-only; refused, not sent$`));
            return true;
          });
          assert.equal(sent, 0);
          assert.deepEqual(events, [], 'not an AWS call: no call event');
        }
        limiter.close();
      });
    }

    it('refuses an operation the table does not know', async () => {
      const limiter = new RateLimiter({ observeOnly: true });
      let sent = 0;
      await assert.rejects(limiter.call({ service: 'connect', operation: 'DeleteInstance', region: REGION }, async () => ++sent), ObserveOnlyViolation);
      assert.equal(sent, 0);
    });

    it('without observeOnly, a mutating call is sent as usual', async () => {
      const limiter = new RateLimiter({ limits: { connect: FAST, workspaces: FAST } });
      assert.equal(await limiter.call({ service: 'workspaces', operation: 'DeployWorkspaceApplications', region: REGION }, async () => 'deployed'), 'deployed');
    });
  });

  describe('against the sandbox', () => {
    let w: World | undefined;
    afterEach(async () => {
      await w?.close();
      w = undefined;
    });

    it('the second line of defence: a reconciler that plans mutations (a bug) behind an observe-only limiter changes nothing, and says why', async () => {
      w = await startWorld();
      const world = w;
      const targets = await demoTargets();
      const { logger, lines } = capture();
      const passes = new Map<string, number>();
      // Deliberately NOT observe-only itself: it schedules the demo's 40 associations and 2 removals.
      const run = world.run(targets, {
        gate: (_limiter, abort) => new RateLimiter({ limits: { connect: FAST, workspaces: FAST }, signal: abort.signal, observeOnly: true }),
        reconciler: { logger, onPass: (e) => passes.set(e.key, (passes.get(e.key) ?? 0) + 1) },
      });
      // A target in line converges in one pass; the others fail, and fail again when retried.
      await waitFor('every target passed, and those with changes twice', () => [...run.reconciler.targetStates()].every((st) => st.status === 'converged' || (st.status === 'retrying' && (passes.get(st.target.key) ?? 0) >= 2)));
      run.abort.abort();
      await run.reconciler.stop();

      assert.deepEqual(world.sandbox.calls.filter(isMutating).map((c) => c.operation), [], 'nothing was sent that changes anything');
      assert.ok(world.sandbox.calls.length > 0, 'observations were made');
      const failures = lines.filter((l) => l.msg === 'reconcile failed unexpectedly');
      assert.ok(failures.length >= 2, `failures: ${failures.length}`);
      for (const f of failures) assert.equal((f.err as { type: string }).type, 'ObserveOnlyViolation', JSON.stringify(f));
      // Supervisors has an extra agent20 and missing users: it is retried as a bug, not left converged.
      assert.equal(states(run.reconciler).get(targets.find((t) => t.type === 'connect' && t.workspaceId === SUPERVISORS)!.key)!.status, 'retrying');
    });

    it('an observe-only reconciler reports the demo world\'s drift, logs each drift once over many resyncs, and calls nothing that changes anything', async () => {
      w = await startWorld();
      const world = w;
      const targets = await demoTargets();
      const { logger, lines } = capture();
      const run = world.run(targets, {
        gate: (_limiter, abort) => new RateLimiter({ limits: { connect: FAST, workspaces: FAST }, signal: abort.signal, observeOnly: true }),
        reconciler: { logger, observeOnly: true },
      });
      const r = run.reconciler;
      await r.whenSettled();
      const supervisors = targets.find((t) => t.type === 'connect' && t.workspaceId === SUPERVISORS)!.key;
      const cc1 = targets.find((t) => t.type === 'workspaces' && t.workspaceId === 'ws-cc00000001')!.key;
      const first = states(r);
      // DESIGN.md's demo: 40 associations to make, 2 removals (agent20 on Supervisors, Zoom on cc1).
      const sum = (d: 'missing' | 'extra') => [...first.values()].reduce((n, st) => n + (st.drift?.[d] ?? 0), 0);
      assert.equal(sum('missing'), 40);
      assert.equal(sum('extra'), 2);
      assert.equal(first.get(supervisors)!.drift!.extra, 1);
      assert.equal(first.get(cc1)!.drift!.extra, 1);
      const drifting = [...first.values()].filter((st) => st.drift).map((st) => st.target.key).sort();
      for (const st of first.values()) assert.equal(st.status, st.drift ? 'drifted' : 'converged', st.target.key);
      assert.deepEqual(lines.filter((l) => l.msg === 'drift started').map((l) => l.target).sort(), drifting);
      const since = new Map(drifting.map((k) => [k, first.get(k)!.driftSince]));

      for (let i = 0; i < 5; i++) {
        r.resync();
        await r.whenSettled();
      }
      assert.equal(lines.filter((l) => l.msg === 'drift started').length, drifting.length, 'logged once, not on every pass');
      assert.equal(lines.filter((l) => l.msg === 'drift ended').length, 0);
      for (const k of drifting) assert.equal(states(r).get(k)!.driftSince, since.get(k), `${k}: the drift goes on, its start stays`);

      // The world moves by hand: agent20 is removed from Supervisors and the missing users added.
      const want = [...targets.find((t) => t.key === supervisors)!.desired.keys()];
      const client = world.clients.connect(REGION);
      const handMade: string[] = [];
      handMade.push((await client.send(new DisassociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: SUPERVISORS, ResourceArns: [agent(20)] }))).$metadata.requestId!);
      handMade.push((await client.send(new AssociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: SUPERVISORS, ResourceArns: want }))).$metadata.requestId!);
      r.resync();
      await r.whenSettled();
      assert.equal(states(r).get(supervisors)!.drift, undefined);
      assert.equal(states(r).get(supervisors)!.status, 'converged');
      assert.deepEqual(lines.filter((l) => l.msg === 'drift ended').map((l) => l.target), [supervisors]);
      // And a new drift on a target in line: one "drift started" more, for it alone.
      handMade.push((await client.send(new DisassociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: SUPERVISORS, ResourceArns: [want[0]!] }))).$metadata.requestId!);
      r.resync();
      await r.whenSettled();
      assert.deepEqual(states(r).get(supervisors)!.drift, { missing: 1, extra: 0, undeployed: 0 });
      assert.deepEqual(lines.filter((l) => l.msg === 'drift started').map((l) => l.target).filter((k) => k === supervisors), [supervisors, supervisors]);

      const mutating = world.sandbox.calls.filter(isMutating);
      assert.deepEqual(mutating.map((c) => c.requestId).sort(), [...handMade].sort(), 'the only changes are the ones made by hand');
      for (const c of world.sandbox.calls) if (c.service !== 'sts') assert.ok(!isMutatingOperation({ service: c.service, operation: c.operation }) || handMade.includes(c.requestId), `${c.operation} is a read in the table`);
    });
  });
});
