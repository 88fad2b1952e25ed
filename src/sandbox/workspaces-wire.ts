/** Shared WorkSpaces request validation and response shapes. */
import { epochSeconds, type CallContext } from './context.js';
import { workspacesError, type ApiError } from './errors.js';
import { advance, type AppAssociation, type Application, type WorkSpace } from './workspaces-state.js';

export const invalid = (msg: string): ApiError => workspacesError('InvalidParameterValuesException', msg);
/** A member of the wrong JSON type is a deserialization failure at AWS, not a constraint violation. */
export const serialization = (msg: string): ApiError => workspacesError('SerializationException', msg);

export function requiredString(body: Record<string, unknown>, name: string, pattern?: RegExp): string {
  const v = body[name];
  if (v === undefined || v === null) throw invalid(`${name} is required.`);
  if (typeof v !== 'string') throw serialization(`${name} must be a string.`);
  if (pattern !== undefined && !pattern.test(v)) throw invalid(`The value '${v}' for ${name} does not match ${pattern}.`);
  return v;
}

export function optionalString(body: Record<string, unknown>, name: string, pattern?: RegExp): string | undefined {
  return body[name] === undefined || body[name] === null ? undefined : requiredString(body, name, pattern);
}

export function optionalInt(body: Record<string, unknown>, name: string, min: number, max: number): number | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw serialization(`${name} must be an integer.`);
  if (v < min || v > max) throw invalid(`${name} must be between ${min} and ${max}, got ${v}.`);
  return v;
}

export function optionalStrings(body: Record<string, unknown>, name: string, rule: { min: number; max?: number; pattern?: RegExp; oneOf?: readonly string[] }): string[] | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw serialization(`${name} must be a list of strings.`);
  if (v.length < rule.min || (rule.max !== undefined && v.length > rule.max)) throw invalid(`${name} must contain ${rule.min} to ${rule.max ?? 'any number of'} items, got ${v.length}.`);
  for (const x of v as string[]) {
    if (rule.pattern !== undefined && !rule.pattern.test(x)) throw invalid(`The value '${x}' in ${name} does not match ${rule.pattern}.`);
    if (rule.oneOf !== undefined && !rule.oneOf.includes(x)) throw invalid(`The value '${x}' in ${name} is not one of ${rule.oneOf.join(', ')}.`);
  }
  return v as string[];
}

export function findWorkSpace(ctx: CallContext, id: string): WorkSpace {
  const ws = ctx.state.workspaces.workspaces.get(id);
  if (ws === undefined) throw workspacesError('ResourceNotFoundException', `The WorkSpace ${id} could not be found.`, { ResourceId: id });
  for (const a of ws.apps.values()) advance(a, ctx.step);
  return ws;
}

export function findApplication(ctx: CallContext, id: string): Application {
  const app = ctx.state.workspaces.applications.get(id);
  if (app === undefined) throw workspacesError('ResourceNotFoundException', `The application ${id} could not be found.`, { ResourceId: id });
  return app;
}

function stateReason(a: AppAssociation): Record<string, unknown> | undefined {
  return a.reason === undefined ? undefined : { ErrorCode: a.reason.code, ErrorMessage: a.reason.message };
}

/** WorkspaceResourceAssociation. */
export function workspaceAssociation(a: AppAssociation): Record<string, unknown> {
  return {
    AssociatedResourceId: a.applicationId,
    AssociatedResourceType: 'APPLICATION',
    Created: epochSeconds(a.created),
    LastUpdatedTime: epochSeconds(a.lastUpdated),
    State: a.state,
    StateReason: stateReason(a),
    WorkspaceId: a.workspaceId,
  };
}

/** ApplicationResourceAssociation. */
export function applicationAssociation(a: AppAssociation): Record<string, unknown> {
  return {
    ApplicationId: a.applicationId,
    AssociatedResourceId: a.workspaceId,
    AssociatedResourceType: 'WORKSPACE',
    Created: epochSeconds(a.created),
    LastUpdatedTime: epochSeconds(a.lastUpdated),
    State: a.state,
    StateReason: stateReason(a),
  };
}
