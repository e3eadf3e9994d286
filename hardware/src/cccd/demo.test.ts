import { describe, expect, it } from 'vitest';
import { chipDemo } from './demo.ts';
import { CccdChipSimulator, sampleCitizen } from './simulator/chip.ts';
import { createTestPki } from './simulator/pki.ts';
import { SimulatedCardReader } from './simulator/reader.ts';

describe('chipDemo', () => {
  it('reports how the card was read without printing personal data', async () => {
    const citizen = sampleCitizen();
    const pki = createTestPki();
    const reader = new SimulatedCardReader();
    reader.insert(new CccdChipSimulator({ citizen, pki, pace: {}, bac: false }));
    const qr = `${citizen.idNumber}||${citizen.fullName}|15031990|Nam|Hà Nội|20042021`;
    const text = (await chipDemo(reader, { qr, trustAnchors: [pki.csca.certificate.toString()] })).join('\n');
    expect(text).toContain('opened with: pace');
    expect(text).toContain('chain: trusted');
    expect(text).toContain('0010****7064');
    expect(text).not.toContain(citizen.idNumber);
    expect(text).not.toContain('Nguyễn');
    expect(text).not.toMatch(/1990/);
  });
});
