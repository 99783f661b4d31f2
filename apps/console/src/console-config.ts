import { ConfigError, portFromEnv, type Env } from '@ordersource/platform';

/**
 * The console's own settings: where it listens and where the three services' public APIs are.
 * It holds no keys and no database: every call carries the signed-in user's key to a service,
 * which decides (API.md "Ops console (web)").
 */
export interface ConsoleConfig {
  port: number;
  host: string;
  upstreams: Upstreams;
  /** The built page (index.html + assets/), see build/build-web.ts. */
  webDir: string;
  logLevel: string;
}

/** The services by the prefix the page uses: /api/command/..., /api/query/..., /api/projector/... */
export interface Upstreams {
  command: string;
  query: string;
  projector: string;
}

export function loadConsoleConfig(env: Env, defaultWebDir: string): ConsoleConfig {
  return {
    port: portFromEnv(env, 'CONSOLE_PORT', 3003),
    host: env.CONSOLE_HOST || '0.0.0.0',
    upstreams: {
      command: serviceUrl(env, 'CONSOLE_COMMAND_URL', `http://127.0.0.1:${portFromEnv(env, 'COMMAND_PORT', 3000)}`),
      query: serviceUrl(env, 'CONSOLE_QUERY_URL', `http://127.0.0.1:${portFromEnv(env, 'QUERY_PORT', 3001)}`),
      projector: serviceUrl(env, 'CONSOLE_PROJECTOR_URL', `http://127.0.0.1:${portFromEnv(env, 'PROJECTOR_PORT', 3002)}`),
    },
    webDir: env.CONSOLE_WEB_DIR || defaultWebDir,
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}

/** An origin (optionally with a base path), without a trailing slash: the forwarder appends the request path. */
function serviceUrl(env: Env, name: string, fallback: string): string {
  const raw = env[name] || fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${name} must be an http(s) URL, got "${raw}"`);
  if (url.search || url.hash) throw new ConfigError(`${name} must not carry a query or fragment, got "${raw}"`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
