import { describe, expect, it } from 'vitest';
import { backspace, telexType, tonePosition } from './telex.ts';

const type = (keys: string) => [...keys].reduce((text, k) => telexType(text, k), '');

describe('Telex', () => {
  it('shapes vowels and đ', () => {
    expect(type('aa')).toBe('â');
    expect(type('aw')).toBe('ă');
    expect(type('ee')).toBe('ê');
    expect(type('oo')).toBe('ô');
    expect(type('ow')).toBe('ơ');
    expect(type('uw')).toBe('ư');
    expect(type('w')).toBe('ư');
    expect(type('dd')).toBe('đ');
    expect(type('DDa')).toBe('Đa');
    expect(type('uow')).toBe('ươ');
  });

  it('writes whole Vietnamese words', () => {
    expect(type('ddawng kys khai sinh')).toBe('đăng ký khai sinh');
    expect(type('tieengs vieetj')).toBe('tiếng việt');
    expect(type('nguwowif')).toBe('người');
    expect(type('chuwngs thuwcj')).toBe('chứng thực');
    expect(type('ddaats ddai')).toBe('đất đai');
    expect(type('khoong')).toBe('không');
    expect(type('hooj tichj')).toBe('hộ tịch');
  });

  it('puts the tone on the right vowel', () => {
    expect(type('hoaf')).toBe('hòa');
    expect(type('toans')).toBe('toán');
    expect(type('quas')).toBe('quá');
    expect(type('gif')).toBe('gì');
    expect(type('giaf')).toBe('già');
    expect(type('thuyr')).toBe('thủy');
    expect(type('nguyeenx')).toBe('nguyễn');
    // Tone typed before the shape moves with it.
    expect(type('tiseeng')).toBe('tiếng');
    expect(type('hoafn')).toBe('hoàn');
    expect(type('hoafi')).toBe('hoài');
    expect(type('muaf')).toBe('mùa');
    expect(tonePosition('bcd')).toBe(-1);
  });

  it('z removes the tone; a repeated key undoes its mark', () => {
    expect(type('asz')).toBe('a');
    expect(type('ass')).toBe('as');
    expect(type('aaa')).toBe('aa');
    expect(type('ddd')).toBe('dd');
    expect(type('z')).toBe('z');
    expect(type('s')).toBe('s');
  });

  it('applies to the last word only; backspace removes one character', () => {
    expect(telexType('đăng ky', 's')).toBe('đăng ký');
    expect(backspace('ký')).toBe('k');
    expect(backspace('')).toBe('');
  });
});
