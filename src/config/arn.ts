/**
 * Amazon Connect ARNs of the two resource types a Connect workspace can be associated with:
 *   arn:<partition>:connect:<region>:<account>:instance/<instanceId>/agent/<userId>
 *   arn:<partition>:connect:<region>:<account>:instance/<instanceId>/routing-profile/<profileId>
 */
import { REGION_PATTERN } from './options.js';

export type ConnectResourceType = 'agent' | 'routing-profile';

export interface ConnectArn {
  partition: string;
  region: string;
  account: string;
  instanceId: string;
  resourceType: ConnectResourceType;
  resourceId: string;
}

export type ArnParse = { ok: true; arn: ConnectArn } | { ok: false; reason: string };

const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov'];
const SHAPE = 'arn:<partition>:connect:<region>:<account>:instance/<instanceId>/agent/<userId> or …/routing-profile/<routingProfileId>';

/** Partitions whose regions carry a prefix; a mismatch means the ARN was edited by hand wrongly. */
function partitionOfRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export function parseConnectArn(text: string): ArnParse {
  const fail = (reason: string): ArnParse => ({ ok: false, reason });
  if (/\s/.test(text)) return fail('contains whitespace');
  const m = /^arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)$/.exec(text);
  if (!m) return fail(`not an ARN (expected ${SHAPE})`);
  const [, partition, service, region, account, resource] = m;
  if (!PARTITIONS.includes(partition)) {
    return fail(`unknown partition '${partition}' (expected aws, aws-cn or aws-us-gov)`);
  }
  if (service !== 'connect') return fail(`ARN of service '${service}', not of Amazon Connect ('connect')`);
  if (!REGION_PATTERN.test(region)) return fail(`'${region}' is not a valid AWS region`);
  if (partitionOfRegion(region) !== partition) {
    return fail(`region ${region} is not in partition ${partition}`);
  }
  if (!/^[0-9]{12}$/.test(account)) return fail(`account '${account}' is not a 12-digit AWS account id`);
  const r = /^instance\/([^/]+)(?:\/([^/]+)\/([^/]+))?$/.exec(resource);
  if (!r) return fail(`resource '${resource}' is not of the form instance/<instanceId>/agent/<userId> or instance/<instanceId>/routing-profile/<routingProfileId>`);
  const [, instanceId, type, resourceId] = r;
  if (type === undefined) {
    return fail('this is the ARN of the instance itself; only users (…/agent/…) and routing profiles (…/routing-profile/…) can be associated');
  }
  if (type === 'user') return fail("user ARNs use 'agent', not 'user': …/instance/<instanceId>/agent/<userId>");
  if (type !== 'agent' && type !== 'routing-profile') {
    return fail(
      `this is a ${type} ARN; only users (…/agent/…) and routing profiles (…/routing-profile/…) can be associated with a workspace`,
    );
  }
  // AWS compares ARNs exactly and Connect's ids are lowercase: an uppercase spelling names a
  // resource that does not exist, and under prune the real (lowercase) association would be
  // removed while the misspelt one fails to be added.
  if (/[A-Z]/.test(instanceId) || /[A-Z]/.test(resourceId)) {
    return fail(`Amazon Connect ids are lowercase, and AWS compares ARNs exactly: write '${text.replace(/instance\/.*$/, (m) => m.toLowerCase())}'`);
  }
  return { ok: true, arn: { partition, region, account, instanceId, resourceType: type, resourceId } };
}
