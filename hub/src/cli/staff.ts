/**
 * `npm run -s hub:staff -- add <user> --role <admin|manager>` (PROTOCOL.md §5): creates or resets a hub
 * account and prints `{"username","role","password"}` with a new password, once.
 */
import { parseStaffArgs, setStaff, type UsageError } from '../admin.ts';
import { runCommand } from './run.ts';

const args = process.argv.slice(2);
let account: ReturnType<typeof parseStaffArgs>;
try {
  account = parseStaffArgs(args);
} catch (e) {
  process.stderr.write(`${(e as UsageError).message}\n`);
  process.exit(2);
}
await runCommand('/api/local/staff', { args }, (store) =>
  setStaff(store, account.username, account.role, Date.now()),
);
