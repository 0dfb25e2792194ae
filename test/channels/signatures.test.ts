import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkSlack, checkTwilio, safeEqual } from '../../src/channels/bottender/signatures';

describe('signatures', () => {
  it('safeEqual compares strings of different lengths without throwing', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', 'x')).toBe(false);
  });

  it('checkSlack refuses non-numeric and far-off timestamps as stale', () => {
    const body = Buffer.from('{}');
    const now = 1_700_000_000_000;
    const sig = (ts: string) => `v0=${createHmac('sha256', 's').update(`v0:${ts}:{}`).digest('hex')}`;
    expect(checkSlack(body, sig('1700000000'), '1700000000', 's', now)).toBeNull();
    expect(checkSlack(body, sig('1700000299'), '1700000299', 's', now)).toBeNull();
    expect(checkSlack(body, sig('1699999600'), '1699999600', 's', now)).toBe('stale_timestamp');
    expect(checkSlack(body, sig('1e9'), '1e9', 's', now)).toBe('stale_timestamp');
  });

  it("checkTwilio matches Twilio's documented example", () => {
    // Twilio's request-validation sample (TwilioDevEd/api-snippets, security/signature_validation).
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const params = (caller: string) =>
      new URLSearchParams({
        CallSid: 'CA1234567890ABCDE',
        Caller: caller,
        Digits: '1234',
        From: caller,
        To: '+18005551212',
      });
    expect(checkTwilio(url, params('+14158675310'), 'GvWf1cFY/Q7PnoempGyD5oXAezc=', '12345')).toBeNull();
    expect(checkTwilio(url, params('+14158675309'), 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', '12345')).toBeNull();
    expect(checkTwilio(url, params('+14158675309'), 'GvWf1cFY/Q7PnoempGyD5oXAezc=', '12345')).toBe(
      'bad_signature',
    );
  });
});
