import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * A real moto server (the AWS API emulator, PyPI `moto[server]`) for the integration tests: started from the
 * project's `.venv` on a free loopback port, with the SDK pointed at it through AWS_ENDPOINT_URL and dummy
 * credentials. Missing `.venv` fails the suite: it is never skipped.
 */
const repoRoot = join(__dirname, '..', '..', '..');
/** ACCESS_REMEDIATOR_VENV overrides the venv, as for scripts/check-templates.sh. */
export const MOTO_SERVER_BIN = join(
  process.env.ACCESS_REMEDIATOR_VENV ?? join(repoRoot, '.venv'),
  'bin',
  'moto_server',
);

/** Moto's default account: the credentials the tests run with (the central account, management of the org). */
export const MOTO_DEFAULT_ACCOUNT = '123456789012';

const ENVIRONMENT: Record<string, string | undefined> = {
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

export interface MotoServer {
  endpoint: string;
  /** Empties every backend (POST /moto-api/reset). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilAnswering(
  endpoint: string,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`moto_server exited with code ${child.exitCode} before answering:\n${output()}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within 30 s:\n${output()}`);
}

export async function startMotoServer(): Promise<MotoServer> {
  if (!existsSync(MOTO_SERVER_BIN)) {
    throw new Error(
      `${MOTO_SERVER_BIN} is missing: run scripts/setup-python.sh to install moto server (and cfn-lint, SAM CLI) into .venv`,
    );
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(MOTO_SERVER_BIN, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  try {
    await waitUntilAnswering(endpoint, child, () => log);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }

  const saved = Object.fromEntries(
    Object.keys({ ...ENVIRONMENT, AWS_ENDPOINT_URL: '' }).map((k) => [k, process.env[k]]),
  );
  const apply = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply({ ...ENVIRONMENT, AWS_ENDPOINT_URL: endpoint });

  return {
    endpoint,
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
    },
    async stop() {
      apply(saved);
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Registers the server for a test file: started in beforeAll, stopped in afterAll. The returned holder's `server`
 * is set once started. Raises the file's test timeout, since emulated calls take milliseconds each.
 */
export function useMotoServer(): { server: MotoServer } {
  jest.setTimeout(60_000);
  const holder = {} as { server: MotoServer };
  beforeAll(async () => {
    holder.server = await startMotoServer();
  }, 60_000);
  afterAll(async () => {
    await holder.server?.stop();
  });
  return holder;
}
