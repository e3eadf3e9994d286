/** Where the queue-server package lives, found from this file whether it runs from source or bundled. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function packageRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir))
    if (existsSync(join(dir, 'config', 'demo-site.yaml')) && existsSync(join(dir, 'package.json')))
      return dir;
  throw new Error(`queue-server package not found above ${from}`);
}

export const QUEUE_SERVER_ROOT = packageRoot(dirname(fileURLToPath(import.meta.url)));
export const REPO_ROOT = dirname(QUEUE_SERVER_ROOT);
export const DEMO_SITE_CONFIG = join(QUEUE_SERVER_ROOT, 'config', 'demo-site.yaml');
export const APPS_DIST = join(REPO_ROOT, 'kiosk-ui', 'dist');
