/** Certificates made by openssl for the TLS tests: a CA, and a broker certificate it signs. */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const openssl = (dir: string, ...args: string[]) =>
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

/** A CA in `dir`: `name`-ca.pem and its key; returns the certificate's path. */
export function makeCa(dir: string, name: string): string {
  openssl(
    dir,
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=${name} CA`,
    '-keyout',
    `${name}-ca.key`,
    '-out',
    `${name}-ca.pem`,
  );
  return join(dir, `${name}-ca.pem`);
}

/** hub.key and hub.pem in `dir`: a certificate for 127.0.0.1 and localhost signed by the CA `ca`. */
export function makeServerCert(dir: string, ca: string): { keyfile: string; certfile: string } {
  openssl(
    dir,
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=hub.tinh.test',
    '-keyout',
    'hub.key',
    '-out',
    'hub.csr',
  );
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    'hub.csr',
    '-CA',
    `${ca}-ca.pem`,
    '-CAkey',
    `${ca}-ca.key`,
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    'san.ext',
    '-out',
    'hub.pem',
  );
  return { keyfile: join(dir, 'hub.key'), certfile: join(dir, 'hub.pem') };
}
