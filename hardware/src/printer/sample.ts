import type { PrintableTicket } from './ticket.ts';

/** A realistic ticket for the preview, the benchmark and the golden-image tests. */
export function sampleTicket(overrides: Partial<PrintableTicket> = {}): PrintableTicket {
  return {
    siteName: {
      vi: 'Bộ phận Một cửa UBND phường Bến Nghé',
      en: 'One-stop shop, Ben Nghe Ward People’s Committee',
    },
    number: 'A012',
    serviceName: { vi: 'Hộ tịch', en: 'Civil status' },
    counters: ['3', '4'],
    ahead: 4,
    wait: { minMinutes: 10, maxMinutes: 20 },
    issuedAt: '2026-11-22T08:01:02.345+07:00',
    publicUrl: 'https://motcua.example.vn/t/8f3kq2xv9w7m',
    procedure: {
      name: { vi: 'Đăng ký khai sinh', en: 'Birth registration' },
      requiredPapers: [
        { vi: 'Tờ khai đăng ký khai sinh', en: 'Birth registration form' },
        { vi: 'Giấy chứng sinh', en: 'Birth certificate from the hospital' },
        { vi: 'Căn cước công dân của cha hoặc mẹ', en: 'Citizen ID card of the father or mother' },
      ],
    },
    ...overrides,
  };
}

export function sampleOfflineTicket(): PrintableTicket {
  const { wait: _wait, ahead: _ahead, procedure: _procedure, ...rest } = sampleTicket({ number: 'A901' });
  return { ...rest, offline: true };
}
