/** A small site for core tests: two services, three counters, the usual priority classes. */
import type { SiteConfig } from '../site-config.ts';

const t = (vi: string, en: string) => ({ vi, en });

export function testConfig(overrides: Partial<SiteConfig> = {}): SiteConfig {
  return {
    site: {
      id: 'test',
      name: t('Bộ phận một cửa thử', 'Test one-stop shop'),
      address: 'Hà Nội',
      timezone: 'Asia/Ho_Chi_Minh',
    },
    openingHours: [{ days: [1, 2, 3, 4, 5], open: '07:30', close: '17:00' }],
    enforceOpeningHours: false,
    services: [
      { id: 'civil-status', prefix: 'A', name: t('Hộ tịch', 'Civil status'), meanServiceMinutes: 6 },
      { id: 'land', prefix: 'B', name: t('Đất đai', 'Land'), meanServiceMinutes: 15 },
    ],
    procedures: [
      {
        id: 'birth-registration',
        code: '1.001193',
        name: t('Đăng ký khai sinh', 'Birth registration'),
        field: t('Hộ tịch', 'Civil status'),
        serviceId: 'civil-status',
        requiredPapers: [t('Tờ khai đăng ký khai sinh', 'Birth registration form')],
        fee: t('Miễn lệ phí', 'Free'),
        processingTime: t('Trong ngày', 'Same day'),
        legalBasis: ['Luật Hộ tịch 2014'],
      },
    ],
    counters: [
      { id: 'counter-1', number: 1, name: t('Quầy 1', 'Counter 1'), serviceIds: ['civil-status'] },
      { id: 'counter-2', number: 2, name: t('Quầy 2', 'Counter 2'), serviceIds: ['land'] },
      { id: 'counter-3', number: 3, name: t('Quầy 3', 'Counter 3'), serviceIds: ['land', 'civil-status'] },
    ],
    priorityClasses: [
      { id: 'normal', name: t('Thường', 'Normal'), weight: 1, declarable: false },
      { id: 'elderly', name: t('Người cao tuổi', 'Elderly'), weight: 4, declarable: true, minAge: 60 },
      {
        id: 'disabled',
        name: t('Người khuyết tật', 'Person with a disability'),
        weight: 4,
        declarable: true,
      },
    ],
    targets: { waitMinutes: 15, withinTargetShare: 0.9, satisfactionShare: 0.95, maxWaitMinutes: 30 },
    routingPolicy: 'accumulating',
    ...overrides,
  };
}

/** 2026-11-23 09:00 in Hà Nội (a Monday). */
export const MONDAY_9AM = Date.parse('2026-11-23T09:00:00+07:00');
export const MINUTE = 60_000;

export function idSequence(prefix = 'id'): () => string {
  let n = 0;
  return () => `${prefix}-${++n}`;
}
