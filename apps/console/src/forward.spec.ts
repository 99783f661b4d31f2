import { loadConsoleConfig } from './console-config';
import { forwardTarget, forwardedRequestHeaders } from './forward';

const upstreams = { command: 'http://127.0.0.1:3000', query: 'http://127.0.0.1:3001', projector: 'http://10.0.0.2:3002/base' };

describe('forwarding targets', () => {
  it('maps each prefix to its service and keeps the path and query', () => {
    expect(forwardTarget(upstreams, '/api/query/orders/1/state?asOfVersion=2')).toEqual({ service: 'query', url: 'http://127.0.0.1:3001/orders/1/state?asOfVersion=2' });
    expect(forwardTarget(upstreams, '/api/projector/projections/audit/rebuild')).toEqual({ service: 'projector', url: 'http://10.0.0.2:3002/base/projections/audit/rebuild' });
    expect(forwardTarget(upstreams, '/api/command?x=1')).toEqual({ service: 'command', url: 'http://127.0.0.1:3000/?x=1' });
  });

  it('forwards nothing outside the three services', () => {
    expect(forwardTarget(upstreams, '/api/elsewhere/x')).toBeUndefined();
    expect(forwardTarget(upstreams, '/api/toString/x')).toBeUndefined();
    expect(forwardTarget(upstreams, '/orders')).toBeUndefined();
  });

  it('never leaves the configured origin, whatever the path looks like', () => {
    for (const path of ['//evil.example/x', '/@evil.example/x', '/..//evil.example', '/%2F%2Fevil.example']) {
      const target = forwardTarget(upstreams, `/api/query${path}`);
      expect(new URL(target?.url ?? '').host).toBe('127.0.0.1:3001');
    }
  });

  it('passes the API headers and drops cookies and hop-by-hop headers', () => {
    expect(
      forwardedRequestHeaders({ authorization: 'Bearer k', 'x-min-version': '3', cookie: 'a=b', host: 'console', connection: 'keep-alive', 'if-match': '"2"' }),
    ).toEqual({ authorization: 'Bearer k', 'x-min-version': '3', 'if-match': '"2"' });
  });
});

describe('console configuration', () => {
  it('defaults to port 3003 and the services on this host at their ports', () => {
    const config = loadConsoleConfig({ QUERY_PORT: '4001' }, '/web');
    expect(config).toMatchObject({ port: 3003, webDir: '/web', upstreams: { command: 'http://127.0.0.1:3000', query: 'http://127.0.0.1:4001', projector: 'http://127.0.0.1:3002' } });
  });

  it('takes the services from CONSOLE_*_URL and refuses a URL that is not http', () => {
    expect(loadConsoleConfig({ CONSOLE_QUERY_URL: 'http://query-service:3001/' }, '/web').upstreams.query).toBe('http://query-service:3001');
    expect(() => loadConsoleConfig({ CONSOLE_COMMAND_URL: 'file:///etc' }, '/web')).toThrow('CONSOLE_COMMAND_URL must be an http(s) URL');
    expect(() => loadConsoleConfig({ CONSOLE_PORT: 'x' }, '/web')).toThrow('CONSOLE_PORT must be a port number');
  });
});
