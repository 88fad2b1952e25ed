/** Validation of fault options (seed `faults`, `--fault-file`, startSandbox `faults`, setFaults). */
import { Checker } from './check.js';
import { MODELED_ERRORS, SandboxOptionError, type ServiceName } from './errors.js';
import { STS_ERROR_STATUS } from './sts.js';
import { ASSOCIATION_ERROR_CODES, SEARCH_CRITERIA_MODES, type AssociationErrorCode, type FaultOptions, type SearchCriteriaMode } from './faults.js';
import { APPLICATION_ID, WORKSPACE_ID } from './names.js';

const KEYS = ['throttleRate', 'errorRate', 'resetRate', 'latencyMs', 'operations', 'failedList', 'deployOutcomes', 'scriptedErrors', 'tokenTtlMs', 'expireTokens', 'hangRate', 'hangs', 'burstLength', 'searchLagMs', 'maxPageItems', 'searchCriteria', 'unlistedApplications'];
const RATE = { min: 0, max: 1 };
const TIMES = { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true };

/** A list of `{operation, times?}` (scripted hangs, token expiries). */
function operationTimes(c: Checker, p: string, v: unknown): { operation: string; times?: number }[] {
  return c.list(p, v).flatMap((f, i) => {
    const fp = `${p}[${i}]`;
    const fo = c.object(fp, f, ['operation', 'times'], ['operation']);
    if (fo === undefined) return [];
    const operation = c.string(`${fp}.operation`, fo.operation, { min: 1 });
    const times = c.optNumber(`${fp}.times`, fo.times, TIMES);
    return operation === undefined ? [] : [{ operation, ...(times !== undefined ? { times } : {}) }];
  });
}

export function checkFaults(c: Checker, p: string, v: unknown): FaultOptions {
  const o = c.object(p, v, KEYS);
  if (o === undefined) return {};
  const out: FaultOptions = {};
  if (o.throttleRate !== undefined) out.throttleRate = c.number(`${p}.throttleRate`, o.throttleRate, RATE);
  if (o.errorRate !== undefined) out.errorRate = c.number(`${p}.errorRate`, o.errorRate, RATE);
  if (o.resetRate !== undefined) out.resetRate = c.number(`${p}.resetRate`, o.resetRate, RATE);
  if (o.latencyMs !== undefined) out.latencyMs = c.number(`${p}.latencyMs`, o.latencyMs, { min: 0, max: 600_000 });
  if (o.hangRate !== undefined) out.hangRate = c.number(`${p}.hangRate`, o.hangRate, RATE);
  if (o.hangs !== undefined) out.hangs = operationTimes(c, `${p}.hangs`, o.hangs);
  if (o.tokenTtlMs !== undefined) out.tokenTtlMs = c.number(`${p}.tokenTtlMs`, o.tokenTtlMs, { min: 0, max: 86_400_000 });
  if (o.expireTokens !== undefined) out.expireTokens = operationTimes(c, `${p}.expireTokens`, o.expireTokens);
  if (o.burstLength !== undefined) out.burstLength = c.number(`${p}.burstLength`, o.burstLength, { min: 1, max: 10_000, integer: true });
  if (o.searchLagMs !== undefined) out.searchLagMs = c.number(`${p}.searchLagMs`, o.searchLagMs, { min: 0, max: 600_000 });
  if (o.maxPageItems !== undefined) out.maxPageItems = c.number(`${p}.maxPageItems`, o.maxPageItems, { min: 0, max: 500, integer: true });
  if (o.searchCriteria !== undefined) out.searchCriteria = c.string(`${p}.searchCriteria`, o.searchCriteria, { oneOf: SEARCH_CRITERIA_MODES }) as SearchCriteriaMode | undefined;
  if (o.operations !== undefined) out.operations = c.strings(`${p}.operations`, o.operations, { min: 1 });
  if (o.unlistedApplications !== undefined) out.unlistedApplications = c.strings(`${p}.unlistedApplications`, o.unlistedApplications, { min: 0 });
  if (o.failedList !== undefined) {
    out.failedList = c.list(`${p}.failedList`, o.failedList).flatMap((f, i) => {
      const fp = `${p}.failedList[${i}]`;
      const fo = c.object(fp, f, ['operation', 'resourceArn', 'code', 'message', 'times'], ['resourceArn', 'code']);
      if (fo === undefined) return [];
      const operation = c.optString(`${fp}.operation`, fo.operation, { oneOf: ['AssociateWorkspace', 'DisassociateWorkspace'] });
      const resourceArn = c.string(`${fp}.resourceArn`, fo.resourceArn, { min: 1 });
      const code = c.string(`${fp}.code`, fo.code, { pattern: /^[1-5][0-9]{2}$/ });
      const message = c.optString(`${fp}.message`, fo.message, { min: 1, max: 256 });
      const times = c.optNumber(`${fp}.times`, fo.times, TIMES);
      if (resourceArn === undefined || code === undefined) return [];
      return [{ operation: operation as 'AssociateWorkspace' | undefined, resourceArn, code, message, times }];
    });
  }
  if (o.deployOutcomes !== undefined) {
    out.deployOutcomes = c.list(`${p}.deployOutcomes`, o.deployOutcomes).flatMap((f, i) => {
      const fp = `${p}.deployOutcomes[${i}]`;
      const fo = c.object(fp, f, ['workspaceId', 'applicationId', 'errorCode', 'message', 'phase', 'times'], ['applicationId', 'errorCode']);
      if (fo === undefined) return [];
      const workspaceId = c.optString(`${fp}.workspaceId`, fo.workspaceId, { pattern: WORKSPACE_ID });
      const applicationId = c.string(`${fp}.applicationId`, fo.applicationId, { pattern: APPLICATION_ID });
      const errorCode = c.string(`${fp}.errorCode`, fo.errorCode, { oneOf: ASSOCIATION_ERROR_CODES }) as AssociationErrorCode | undefined;
      const message = c.optString(`${fp}.message`, fo.message, { max: 2048 });
      const phase = c.optString(`${fp}.phase`, fo.phase, { oneOf: ['install', 'uninstall'] }) as 'install' | undefined;
      const times = c.optNumber(`${fp}.times`, fo.times, TIMES);
      if (applicationId === undefined || errorCode === undefined) return [];
      return [{ workspaceId, applicationId, errorCode, message, phase, times }];
    });
  }
  if (o.scriptedErrors !== undefined) {
    out.scriptedErrors = c.list(`${p}.scriptedErrors`, o.scriptedErrors).flatMap((f, i) => {
      const fp = `${p}.scriptedErrors[${i}]`;
      const fo = c.object(fp, f, ['service', 'operation', 'code', 'message', 'times'], ['operation', 'code']);
      if (fo === undefined) return [];
      const service = c.optString(`${fp}.service`, fo.service, { oneOf: ['connect', 'workspaces', 'sts'] }) as ServiceName | 'sts' | undefined;
      const operation = c.string(`${fp}.operation`, fo.operation, { min: 1 });
      const sts = Object.keys(STS_ERROR_STATUS);
      const known = service === undefined ? [...MODELED_ERRORS.connect, ...MODELED_ERRORS.workspaces, ...sts] : service === 'sts' ? sts : MODELED_ERRORS[service];
      const code = c.string(`${fp}.code`, fo.code, { oneOf: known });
      const message = c.optString(`${fp}.message`, fo.message, { min: 1 });
      const times = c.optNumber(`${fp}.times`, fo.times, TIMES);
      if (operation === undefined || code === undefined) return [];
      return [{ service, operation, code, message, times }];
    });
  }
  return out;
}

/** Validates fault options given in code; throws SandboxOptionError naming the field and value. */
export function assertFaults(v: unknown, name = 'faults'): FaultOptions {
  const c = new Checker();
  const f = checkFaults(c, name, v);
  if (c.problems.length > 0) throw new SandboxOptionError(`invalid ${name}: ${c.problems.join('; ')}`);
  return f;
}
