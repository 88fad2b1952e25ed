/**
 * SigV4 verification, as AWS does it: the sandbox signs the request it received again, with the
 * secret it knows for the request's access key, and the two signatures must be equal. A client
 * whose signer is wrong (a stale secret, a wrong region or service, a header changed after
 * signing, a body that is not the one signed, its hash header included) is refused with
 * InvalidSignatureException, as AWS would refuse it, instead of passing against a server that
 * never looks. Any list of signed headers that holds `host` is accepted, as at AWS.
 *
 * The canonical form is the SDK's own (@smithy/signature-v4, the signer every AWS SDK for
 * JavaScript client uses), applied to the request as it arrived on the wire: its method, raw path,
 * query, the headers it lists as signed, and its body. The request time is not checked against
 * the sandbox's clock, which tests move at will; AWS refuses a signature more than 5 minutes old.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;._-]+), ?Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Node's sha256 in the shape the SDK's signer takes (its own `Hash` class is not a dependency of ours). */
export class Sha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    throw new Error('not used by the signer');
  }
}

export interface SigningSecret {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Why a signature was refused (the message AWS gives), or undefined when it is valid. */
export async function signatureProblem(req: IncomingMessage, body: Buffer, secret: SigningSecret): Promise<string | undefined> {
  const m = AUTHORIZATION.exec(String(req.headers.authorization ?? ''));
  if (m === null) return 'Authorization header requires Credential, SignedHeaders and Signature.';
  const [, accessKeyId, day, region, service, signedHeaders, signature] = m as unknown as string[];
  if (accessKeyId !== secret.accessKeyId) return 'The access key in the Credential is not the one verified.';
  const amzDate = headerValue(req, 'x-amz-date');
  const d = amzDate === undefined ? null : AMZ_DATE.exec(amzDate);
  if (d === null) return "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.";
  if (!amzDate!.startsWith(day!)) return `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${day}' != '${amzDate!.slice(0, 8)}'`;
  const headers: Record<string, string> = {};
  for (const name of signedHeaders!.split(';')) {
    const v = headerValue(req, name);
    if (v === undefined) return `Signed header '${name}' is not in the request.`;
    headers[name] = v;
  }
  if (!('host' in headers)) return "'Host' must be a 'SignedHeader' in the AWS Authorization.";
  // The signer takes a signed x-amz-content-sha256 as the payload's hash without hashing the
  // body: the body must hash to it, or a body changed after signing would pass.
  const bodyHash = createHash('sha256').update(body).digest('hex');
  const claimed = headers['x-amz-content-sha256'];
  if (claimed !== undefined && claimed !== bodyHash) return 'The provided x-amz-content-sha256 header does not match what was computed.';
  const raw = req.url ?? '/';
  const q = raw.indexOf('?');
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(q < 0 ? '' : raw.slice(q + 1))) {
    const prev = query[k];
    query[k] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), v];
  }
  const request = new HttpRequest({ method: req.method ?? 'GET', protocol: 'http:', hostname: 'sandbox', path: q < 0 ? raw : raw.slice(0, q), query, headers, body });
  const signer = new SignatureV4({
    credentials: secret,
    region: region!,
    service: service!,
    sha256: Sha256,
    uriEscapePath: true,
    applyChecksum: 'x-amz-content-sha256' in headers,
  });
  // Exactly the headers the client listed (AWS accepts any list that holds host), not the SDK's choice.
  const signableHeaders = new Set(Object.keys(headers));
  const [, y, mo, da, h, mi, s] = d.map(Number) as number[];
  const signed = await signer.sign(request, { signingDate: new Date(Date.UTC(y!, mo! - 1, da!, h!, mi!, s!)), signingRegion: region!, signingService: service!, signableHeaders });
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? ''))?.[1];
  const expectedHeaders = /SignedHeaders=([^,]+)/.exec(String(signed.headers.authorization ?? ''))?.[1];
  if (expected === signature && expectedHeaders === signedHeaders) return undefined;
  return 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
}

function bytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}
