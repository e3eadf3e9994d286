/**
 * Where a dossier's status comes from (PROTOCOL.md §6, the kiosk's "Tra cứu hồ sơ"): the province's
 * information system for administrative procedures, behind a small interface like the hardware
 * drivers. `HttpJsonDossierSource` reads any HTTP JSON endpoint through a URL template and a field
 * mapping (what a province configures: docs/appointments.md); `SimulatedDossierSource` stands in for
 * the demo and the tests. No vendor API is assumed.
 */
import { DOSSIER_STATUS_LABELS, type DossierInfo, type DossierStatus, fail } from '@oss/protocol';
import type { DossierRules } from '@oss/queue-server/core';

export interface DossierSource {
  readonly name: string;
  /** The dossier's status, or null when the source does not know the code. */
  lookup(code: string): Promise<DossierInfo | null>;
}

type HttpJsonRules = Extract<DossierRules['source'], { kind: 'http-json' }>;

export class HttpJsonDossierSource implements DossierSource {
  readonly name = 'http-json';
  constructor(private readonly rules: HttpJsonRules) {}

  async lookup(code: string): Promise<DossierInfo | null> {
    const url = this.rules.urlTemplate.replace('{code}', encodeURIComponent(code));
    let body: unknown;
    try {
      const res = await fetch(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.rules.timeoutMs),
      });
      if (res.status === 404) return null;
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      body = await res.json();
    } catch {
      unreachable();
    }
    const { fields, statusMap } = this.rules;
    const raw = pick(body, fields.status);
    if (raw === undefined || raw === null) return null;
    const status = (statusMap[String(raw)] ?? 'unknown') as DossierStatus;
    return info(code, status in DOSSIER_STATUS_LABELS ? status : 'unknown', this.name, {
      procedureName: text(pick(body, fields.procedureName)),
      receivedAt: text(pick(body, fields.receivedAt)),
      dueAt: text(pick(body, fields.dueAt)),
    });
  }
}

/**
 * The demo's stand-in: a dossier this site received is "received" on its day, "processing" for
 * the next two, then "ready". Codes it never received are unknown, as a real system would say.
 */
export class SimulatedDossierSource implements DossierSource {
  readonly name = 'simulated';
  constructor(
    private readonly received: (code: string) => { at: number; day: string } | null,
    private readonly clock: () => number,
    private readonly isoLocal: (epochMs: number) => string,
  ) {}

  async lookup(code: string): Promise<DossierInfo | null> {
    const receipt = this.received(code);
    if (!receipt) return null;
    const days = (this.clock() - receipt.at) / 86_400_000;
    const status: DossierStatus = days < 1 ? 'received' : days < 3 ? 'processing' : 'ready';
    return info(code, status, this.name, {
      receivedAt: this.isoLocal(receipt.at),
      dueAt: this.isoLocal(receipt.at + 3 * 86_400_000),
    });
  }
}

function info(
  code: string,
  status: DossierStatus,
  source: string,
  extra: { procedureName?: string | undefined; receivedAt?: string | undefined; dueAt?: string | undefined },
): DossierInfo {
  const defined = Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined));
  return { code, status, statusText: DOSSIER_STATUS_LABELS[status], source, ...defined };
}

/** A dotted path (`data.trangThai`) into parsed JSON. */
function pick(value: unknown, path: string | undefined): unknown {
  if (!path) return undefined;
  let v = value;
  for (const key of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' || typeof v === 'number' ? String(v).slice(0, 200) : undefined;
}

function unreachable(): never {
  fail(
    'unavailable',
    'Chưa kết nối được hệ thống thông tin giải quyết thủ tục hành chính của tỉnh, quý khách vui lòng thử lại sau',
    "The province's administrative procedures system cannot be reached; please try again later",
  );
}
