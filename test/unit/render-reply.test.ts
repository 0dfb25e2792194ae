import { describe, expect, it } from 'vitest';
import { renderReply, templateUses } from '../../src/content/render-reply';
import type { ReplyTemplate } from '../../src/content/schemas';

const handoff = (zh: string, en: string): ReplyTemplate =>
  ({ id: 'handoff', text: { zh: [zh], en: [en] } }) as ReplyTemplate;

describe('reply templates', () => {
  it('tell which variables they use, in any locale, spaces inside the braces allowed', () => {
    const counted = handoff('您前面还有{{ queuePosition }}位', 'Please wait');
    expect(templateUses(counted, 'queuePosition', 'waitMinutes')).toBe(true);
    expect(templateUses(counted, 'waitMinutes')).toBe(false);
    const plain = handoff('请稍等', 'About {{waitMinutes}} minutes');
    expect(templateUses(plain, 'waitMinutes')).toBe(true);
    expect(templateUses(handoff('请稍等', 'Please wait'), 'queuePosition', 'waitMinutes')).toBe(false);
  });

  it('render a lower bound as given', () => {
    const r = renderReply(
      handoff('您前面还有{{queuePosition}}位', 'x'),
      'handoff',
      'zh',
      'zh',
      { queuePosition: '500+' },
      0,
    );
    expect(r.text).toBe('您前面还有500+位');
  });
});
