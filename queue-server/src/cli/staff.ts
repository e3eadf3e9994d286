/**
 * `npm run staff -- add <username> --role <admin|manager|officer> [--name "Họ tên"]` creates or resets a
 * staff account and prints a new password once; `npm run staff -- list` lists accounts.
 */
import { STAFF_ROLES, type StaffRole } from '@oss/protocol';
import { hashPassword, randomSecret } from '../auth/secrets.ts';
import { readEnv } from '../env.ts';
import { Store } from '../storage/store.ts';

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function main(args: string[]): string {
  const env = readEnv();
  const store = Store.open(env.dataDir);
  try {
    const [command, username] = args;
    if (command === 'list') return JSON.stringify(store.listStaff(), null, 2);
    if (command !== 'add' || !username || !/^[a-z0-9][a-z0-9._-]{1,31}$/.test(username))
      throw new Error(
        'Cách dùng: npm run staff -- add <tên đăng nhập> --role <admin|manager|officer> [--name "Họ tên"] | list\n' +
          'Usage: npm run staff -- add <username> --role <admin|manager|officer> [--name "Full name"] | list\n' +
          '(tên đăng nhập / username: [a-z0-9][a-z0-9._-]{1,31})',
      );
    const role = option(args, '--role') as StaffRole | undefined;
    if (!role || !STAFF_ROLES.includes(role))
      throw new Error(
        `--role phải là một trong ${STAFF_ROLES.join(', ')} / --role must be one of ${STAFF_ROLES.join(', ')}`,
      );
    const password = randomSecret(12);
    store.upsertStaff({
      username,
      display_name: option(args, '--name') ?? username,
      role,
      password_hash: hashPassword(password),
      created_at: Date.now(),
    });
    store.audit(Date.now(), 'cli', 'staff.upsert', { username, role });
    return JSON.stringify({ username, role, password });
  } finally {
    store.close();
  }
}

try {
  process.stdout.write(`${main(process.argv.slice(2))}\n`);
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
}
