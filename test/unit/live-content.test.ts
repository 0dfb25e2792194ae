import { describe, expect, it } from 'vitest';
import type { BotConfig } from '../../src/bot-config/bot-config';
import { compileContent } from '../../src/content/live-content';
import { intentSchema, replySchema } from '../../src/content/schemas';
import { defaultRoutingConfig } from '../../src/routing/routing-config';
import { defaultShopSettings } from '../../src/shop/settings';

function doc(useExamples: boolean): BotConfig {
  const shop = defaultShopSettings();
  shop.matcher.useExamples = useExamples;
  return {
    shop,
    routing: defaultRoutingConfig(),
    intents: [
      intentSchema.parse({
        id: 'invoice',
        rules: [{ any: ['发票'] }],
        examples: ['能开票吗', '开个票', '要报销凭证', '可以开增值税票吗', '开票抬头怎么填'],
      }),
      intentSchema.parse({
        id: 'size',
        rules: [{ any: ['尺码'] }],
        examples: ['穿多大码', '170穿什么码', '偏大还是偏小', '码数准吗', '平时穿M拍哪个'],
      }),
    ],
    replies: ['invoice', 'size', 'greeting', 'handoff', 'away'].map((id) =>
      replySchema.parse({ id, text: { zh: [id] } }),
    ),
  };
}

describe('compiled content', () => {
  it('scores against the examples only when the shop turns it on', () => {
    const off = compileContent(doc(false), 1).matcher.match('开个票');
    expect(off.candidates.some((c) => c.source === 'example')).toBe(false);
    const on = compileContent(doc(true), 1).matcher.match('开个票');
    expect(on.candidates.find((c) => c.source === 'example')?.intent).toBe('invoice');
  });
});
