import { normaliseUnicode } from './unicode-text';

describe('normaliseUnicode: the one normalisation for comparing text', () => {
  it('composes decomposed letters (NFD and NFC agree)', () => {
    expect(normaliseUnicode('Zoe\u0308')).toBe('Zoë');
    expect(normaliseUnicode('Zoë'.normalize('NFD'))).toBe(normaliseUnicode('Zoë'.normalize('NFC')));
  });

  it('folds compatibility forms: full-width letters and ligatures', () => {
    expect(normaliseUnicode('ＳＭＩＴＨ')).toBe('SMITH');
    expect(normaliseUnicode('ﬁnch')).toBe('finch');
  });

  it('removes controls, zero-width, bidirectional and BOM characters and variation selectors', () => {
    expect(normaliseUnicode('Ka\u200bte')).toBe('Kate');
    expect(normaliseUnicode('\ufeffKate\u2066\u202e')).toBe('Kate');
    expect(normaliseUnicode('Ka\u00adte\u0085')).toBe('Kate');
    expect(normaliseUnicode('Kate\ufe0f')).toBe('Kate');
  });

  it('leaves other scripts in their script and printable ASCII as it is', () => {
    expect(normaliseUnicode('Сергей')).toBe('Сергей');
    expect(normaliseUnicode('محمد')).toBe('محمد');
    expect(normaliseUnicode("O'Brien-Smith")).toBe("O'Brien-Smith");
  });
});
