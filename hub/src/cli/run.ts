/**
 * The hub's commands: against the running hub's control route when it holds the embedded database,
 * else against the database directly. Prints one JSON object on stdout; errors in words, exit 2.
 */
import { existsSync, readFileSync } from 'node:fs';
import { UsageError } from '../admin.ts';
import { openDatabase } from '../db.ts';
import { EnvError, type HubEnv, readHubEnv } from '../env.ts';
import { CONTROL_HEADER, controlFile } from '../hub.ts';
import { HubStore } from '../store.ts';

export async function runCommand<T extends object>(
  route: string,
  body: object,
  direct: (store: HubStore, env: HubEnv) => Promise<T>,
  /** Done with the result before it is printed (hub:enroll's Mosquitto password file). */
  after?: (result: T) => void,
): Promise<void> {
  try {
    const env = readHubEnv();
    const viaHub = env.databaseUrl ? null : ((await askRunningHub(env, route, body)) as T | null);
    const result = viaHub ?? (await directly(env, direct));
    after?.(result);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } catch (e) {
    const known = e instanceof UsageError || e instanceof EnvError;
    process.stderr.write(`${known ? e.message : String(e)}\n`);
    process.exit(2);
  }
}

async function directly<T>(env: HubEnv, direct: (store: HubStore, env: HubEnv) => Promise<T>): Promise<T> {
  const db = await openDatabase({ url: env.databaseUrl, dataDir: env.dataDir });
  try {
    return await direct(new HubStore(db), env);
  } finally {
    await db.close();
  }
}

/** null when no hub runs on this data folder (no control file, or nothing answers). */
async function askRunningHub(env: HubEnv, route: string, body: object): Promise<object | null> {
  const file = controlFile(env.dataDir);
  if (!existsSync(file)) return null;
  const { httpPort, token } = JSON.parse(readFileSync(file, 'utf8')) as { httpPort: number; token: string };
  let res: Response;
  try {
    res = await fetch(`http://127.0.0.1:${httpPort}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CONTROL_HEADER]: token },
      body: JSON.stringify(body),
    });
  } catch {
    return null; // a control file left by a hub that was killed
  }
  if (!res.ok) throw new Error(`hub: ${res.status} ${await res.text()}`);
  return (await res.json()) as object;
}
