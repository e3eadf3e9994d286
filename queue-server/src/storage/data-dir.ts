/**
 * The data folder holds the site database and the citizen-hash key: only the server's own user may
 * read it. It is created 0700 with files 0600; looser modes left by older versions are tightened.
 */
import { chmodSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { StorageError } from './errors.ts';

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

/** Creates `dataDir` if needed; returns the paths whose modes were tightened (for a warning). */
export function prepareDataDir(dataDir: string): string[] {
  const existing = statSync(dataDir, { throwIfNoEntry: false });
  if (existing && !existing.isDirectory())
    throw new StorageError(
      {
        vi: `Thư mục dữ liệu ${dataDir} là một tệp, không phải thư mục: đặt OSS_DATA_DIR sang thư mục khác hoặc chuyển tệp đó đi`,
        en: `the data folder ${dataDir} is a file, not a folder: set OSS_DATA_DIR to another folder or move that file away`,
      },
      'not-a-folder',
    );
  mkdirSync(dataDir, { recursive: true, mode: DIR_MODE });
  const tightened: string[] = [];
  const tighten = (path: string, mode: number) => {
    if ((statSync(path).mode & 0o777 & ~mode) === 0) return;
    chmodSync(path, mode);
    tightened.push(path);
  };
  tighten(dataDir, DIR_MODE);
  const backups = join(dataDir, 'backups');
  for (const dir of [dataDir, backups]) {
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) continue;
    if (dir !== dataDir) tighten(dir, DIR_MODE);
    for (const entry of readdirSync(dir, { withFileTypes: true }))
      if (entry.isFile()) tighten(join(dir, entry.name), FILE_MODE);
  }
  return tightened;
}

/** Makes a file the server wrote (a backup copy) private to its user. */
export function makePrivate(file: string): void {
  chmodSync(file, FILE_MODE);
}
