/** One list of yes/no words for survey files and the add-on (core/yesno.ts). */
import { describe, expect, it } from 'vitest';
import { yesNo } from '../../core/yesno.ts';

describe('yes/no words', () => {
  it('reads yes and no words in any case and spacing, booleans, blanks, and nothing else', () => {
    for (const w of ['yes', ' Y ', 'TRUE', '1', '是', '是的', '会', '愿意', '对', 'ja', 'Oui', 'si', 'sí', true]) expect(yesNo(w)).toBe(true);
    for (const w of ['no', 'N', 'false', '0', '否', '不是', '不会', '不', '不愿意', 'nein', 'non', false]) expect(yesNo(w)).toBe(false);
    for (const w of ['', '  ', null, undefined]) expect(yesNo(w)).toBeUndefined();
    for (const w of ['maybe', '2', 'yess', '可能']) expect(yesNo(w)).toBeNull();
  });
});
