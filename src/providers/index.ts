/**
 * The providers, wired from one ClientFactory and one CallGate.
 */
import type { Logger } from 'pino';
import type { Target } from '../model/desired.js';
import type { ClientFactory } from './clients.js';
import { ConnectProvider } from './connect/index.js';
import type { CallGate, Provider } from './types.js';
import { WorkSpacesProvider } from './workspaces/index.js';

export { ConnectProvider, MAX_PAGE_SIZE, type ConnectProviderOptions } from './connect/index.js';
export { MAX_BATCH, interpretBatch, type BatchOperation } from './connect/batch.js';
export { WorkSpacesProvider, observationGroup, type ViewEvent, type WorkSpacesProviderOptions } from './workspaces/index.js';
export { chooseView, pagesFor, type ObservationView, type ViewCounts } from './workspaces/view.js';
export { chooseSearch, type FilterVerdict } from './connect/filter.js';
export { UNKNOWN_STATE_AS, toApplications, toAssociationState } from './workspaces/associations.js';
export * from './types.js';
export * from './errors.js';
export { ClientConfigError, ClientFactory, ReconcilerRetryStrategy, resolveDefaultRegion, type ClientFactoryOptions } from './clients.js';

export interface ProvidersOptions {
  clients: ClientFactory;
  /** Runs every AWS call under its rate limit. Default `directGate` (no limit). */
  gate?: CallGate;
  /** SearchWorkspaceAssociations page size, 1..500. Default 500 (the API maximum). */
  connectPageSize?: number;
  /** Where providers log what an operator should know once. Default silent. */
  logger?: Logger;
}

export interface Providers {
  connect: ConnectProvider;
  workspaces: WorkSpacesProvider;
}

export function createProviders(options: ProvidersOptions): Providers {
  return {
    connect: new ConnectProvider({ clients: options.clients, gate: options.gate, pageSize: options.connectPageSize, logger: options.logger }),
    workspaces: new WorkSpacesProvider({ clients: options.clients, gate: options.gate }),
  };
}

/** The provider that serves a target, typed to that target's kind. */
export function providerFor(providers: Providers, target: Target): Provider<Target> {
  // Each provider rejects (TypeError) actions on targets of the other type.
  return target.type === 'connect' ? providers.connect : providers.workspaces;
}
