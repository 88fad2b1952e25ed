/** The daemon's HTTP side: --listen parsing and the /healthz, /readyz, /metrics routes. */
import assert from 'node:assert/strict';
import { parseListen, startHttpServer, type HttpServer, type Readiness } from '../../src/daemon/http.js';
import { Metrics } from '../../src/daemon/metrics.js';

describe('daemon http: parseListen', () => {
  const valid = [
    { reason: 'host and port', value: '127.0.0.1:9464', want: { host: '127.0.0.1', port: 9464 } },
    { reason: 'no host: every interface', value: ':9464', want: { host: '0.0.0.0', port: 9464 } },
    { reason: 'a bracketed IPv6 host', value: '[::1]:9464', want: { host: '::1', port: 9464 } },
    { reason: 'the IPv6 any address', value: '[::]:80', want: { host: '::', port: 80 } },
    { reason: 'a port alone: loopback', value: '9464', want: { host: '127.0.0.1', port: 9464 } },
    { reason: 'a host name', value: 'metrics.local:9100', want: { host: 'metrics.local', port: 9100 } },
    { reason: 'port 0 (any free port)', value: '127.0.0.1:0', want: { host: '127.0.0.1', port: 0 } },
    { reason: 'the highest port', value: '0.0.0.0:65535', want: { host: '0.0.0.0', port: 65535 } },
  ];
  for (const tc of valid) {
    it(`accepts ${tc.reason}: ${tc.value}`, () => assert.deepEqual(parseListen(tc.value), tc.want));
  }

  const invalid = [
    { reason: 'no port', value: 'localhost' },
    { reason: 'an empty port', value: '127.0.0.1:' },
    { reason: 'a port above 65535', value: '127.0.0.1:65536' },
    { reason: 'a negative port', value: '127.0.0.1:-1' },
    { reason: 'a port that is not a number', value: '127.0.0.1:http' },
    { reason: 'an unbracketed IPv6 address', value: '::1:9464' },
    { reason: 'IPv6 without a port', value: '[::1]' },
    { reason: 'a URL', value: 'http://127.0.0.1:9464' },
    { reason: 'nothing', value: '' },
  ];
  for (const tc of invalid) {
    it(`refuses ${tc.reason}: '${tc.value}', naming the value`, () => {
      assert.throws(() => parseListen(tc.value), (err: unknown) => {
        assert.ok(err instanceof TypeError);
        assert.equal(err.message, `expected HOST:PORT such as 127.0.0.1:9464, got '${tc.value}'`);
        return true;
      });
    });
  }
});

describe('daemon http: startHttpServer', () => {
  let server: HttpServer | undefined;
  let readiness: Readiness = { ready: false, reason: 'first reconcile not finished' };
  const metrics = new Metrics({ defaultMetrics: false });
  metrics.zero();
  before(async () => {
    server = await startHttpServer({ host: '127.0.0.1', port: 0 }, metrics, () => readiness);
  });
  after(async () => {
    await server?.close();
  });
  const get = (path: string, init?: RequestInit) => fetch(`${server!.url}${path}`, init);

  it('listens where told, on the port the system picked', () => {
    assert.match(server!.url, /^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
  });

  const routes = [
    { reason: '/healthz: alive', path: '/healthz', status: 200, body: 'ok\n' },
    { reason: '/healthz with a query string', path: '/healthz?verbose=1', status: 200, body: 'ok\n' },
    { reason: 'an unknown path: 404 with the paths it serves', path: '/', status: 404, body: 'not found: try /healthz, /readyz or /metrics\n' },
    { reason: 'a near miss is not a route', path: '/metrics/', status: 404, body: 'not found: try /healthz, /readyz or /metrics\n' },
  ];
  for (const tc of routes) {
    it(`GET ${tc.reason}`, async () => {
      const r = await get(tc.path);
      assert.equal(r.status, tc.status);
      assert.equal(await r.text(), tc.body);
    });
  }

  const states = [
    { reason: 'not ready: 503 with the reason', readiness: { ready: false, reason: 'first reconcile not finished' }, status: 503, body: 'not ready: first reconcile not finished\n' },
    { reason: 'ready: 200 with what it enforces', readiness: { ready: true, reason: 'enforcing 11 targets' }, status: 200, body: 'ok: enforcing 11 targets\n' },
  ];
  for (const tc of states) {
    it(`/readyz ${tc.reason} (asked on every request)`, async () => {
      readiness = tc.readiness;
      const r = await get('/readyz');
      assert.equal(r.status, tc.status);
      assert.equal(await r.text(), tc.body);
    });
  }

  it('/metrics: the Prometheus text format of the registry', async () => {
    metrics.onReload('applied', { revision: 'abc', files: 1, documents: 2, targets: 3 });
    const r = await get('/metrics');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), metrics.registry.contentType);
    const text = await r.text();
    assert.match(text, /^# TYPE workspace_reconciler_desired_state_info gauge$/m);
    assert.match(text, /^workspace_reconciler_desired_state_info\{revision="abc",files="1",documents="2",targets="3"\} 1$/m);
    assert.match(text, /^controller_runtime_reconcile_total\{controller="connect",result="success"\} 0$/m);
  });

  const methods = ['POST', 'PUT', 'DELETE'];
  for (const method of methods) {
    it(`${method} is refused with 405 and Allow: GET, HEAD`, async () => {
      const r = await get('/metrics', { method });
      assert.equal(r.status, 405);
      assert.equal(r.headers.get('allow'), 'GET, HEAD');
    });
  }

  it('HEAD is answered like GET, without a body', async () => {
    const r = await get('/healthz', { method: 'HEAD' });
    assert.equal(r.status, 200);
    assert.equal(await r.text(), '');
  });

  it('a port in use is an error from startHttpServer', async () => {
    const port = Number(new URL(server!.url).port);
    await assert.rejects(startHttpServer({ host: '127.0.0.1', port }, metrics, () => readiness), /EADDRINUSE/);
  });
});
