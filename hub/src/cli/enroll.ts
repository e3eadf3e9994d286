/**
 * `npm run -s hub:enroll -- <siteId>` (PROTOCOL.md §5): registers a site with the hub (or gives it a
 * new secret, revoking the old) and prints `{"site","hubUrl","username","password"}` once.
 */
import { checkSiteId, enrolSite, type UsageError } from '../admin.ts';
import { runCommand } from './run.ts';

const args = process.argv.slice(2);
let siteId = '';
try {
  if (args.length !== 1) checkSiteId(undefined);
  siteId = checkSiteId(args[0]);
} catch (e) {
  process.stderr.write(`${(e as UsageError).message}\n`);
  process.exit(2);
}
await runCommand('/api/local/enroll', { site: siteId }, (store, env) =>
  enrolSite(store, env, siteId, Date.now()),
);
