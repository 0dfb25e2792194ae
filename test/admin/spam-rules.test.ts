import { describe, expect, it } from 'vitest';
import { botConfigSchema } from '../../src/bot-config/bot-config';
import { regexProblem, shopSettingsSchema, spamCheck, spamRulesSchema } from '../../src/shop/settings';

describe('spam rules: safe regular expressions', () => {
  it.each([
    '\\d{11}',
    '(微信|VX|v信)\\s*[:：]?\\s*[a-z0-9_-]{5,}',
    'https?://\\S+',
    '^(加|➕)(我|个)?(微信|qq)',
    '(?:\\d{3}-){2}\\d{4}',
    '[a-z]+@[a-z]+\\.com',
    '(?<name>ab)+c',
    '(a|b)+',
  ])('accepts %s', (p) => {
    expect(regexProblem(p)).toBeUndefined();
  });

  it.each([
    ['(a+)+$', /nested quantifier/],
    ['(\\w*\\s?)*x', /nested quantifier/],
    ['([a-z]+)*@', /nested quantifier/],
    ['(.*a){3,}', /nested quantifier/],
    ['((ab)*c)+', /nested quantifier/],
    ['(a|ab)+c', /repeated alternatives/],
    ['(x|x)*y', /repeated alternatives/],
    ['(a)\\1', /back-references/],
    ['([a-z]+', /invalid regular expression/],
    ['a{2,1}', /invalid regular expression/],
  ])('refuses %s', (p, why) => {
    expect(regexProblem(p)).toMatch(why);
  });

  it('the schema names the bad pattern by index; a refused pattern never reaches spamCheck', () => {
    const r = spamRulesSchema.safeParse({ patterns: ['ok', '(a+)+'] });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(['patterns', 1]);
    const slow = 'a'.repeat(40);
    const t = performance.now();
    expect(spamCheck(`${slow}!`, spamRulesSchema.parse({ patterns: ['(a|b)+c'] }))).toEqual([]);
    expect(performance.now() - t).toBeLessThan(50);
  });

  it('flags keywords (folded like intent keywords), patterns and too many links', () => {
    const rules = spamRulesSchema.parse({
      keywords: ['加微信', 'FREE MONEY'],
      patterns: ['v[x信]\\s*\\w{5,}'],
      maxLinks: 1,
    });
    expect(spamCheck('加微信！', rules)).toEqual(['keyword:加微信']);
    expect(spamCheck('ｆｒｅｅ money here', rules)).toEqual(['keyword:FREE MONEY']);
    expect(spamCheck('加我 VX abcdef', rules)).toEqual(['pattern:v[x信]\\s*\\w{5,}']);
    expect(spamCheck('see http://a.cn and www.b.cn', rules)).toEqual(['links:2']);
    expect(spamCheck('什么时候发货', rules)).toEqual([]);
  });

  it('documents saved before spam and alert settings existed still parse, with defaults', () => {
    const settings = shopSettingsSchema.parse({ name: 'Old Shop' });
    expect(settings.spam).toEqual({ keywords: [], patterns: [], maxLinks: 0 });
    expect(settings.alerts).toEqual({
      firstResponseSeconds: 60,
      windowMinutes: 15,
      queueLength: 20,
      overdueChats: 5,
    });
    expect(botConfigSchema.shape.shop.safeParse({}).success).toBe(true);
  });
});
