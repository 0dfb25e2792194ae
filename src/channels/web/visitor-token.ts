import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Widget visitors are anonymous: the server hands out an id with an HMAC token, and only the holder
 * of the token may write as that visitor, read their history or listen to their stream.
 */
export class VisitorTokens {
  constructor(private readonly secret: string) {}

  issue(): { customerId: string; token: string } {
    const customerId = `v_${randomBytes(12).toString('base64url')}`;
    return { customerId, token: this.sign(customerId) };
  }

  sign(customerId: string): string {
    return createHmac('sha256', this.secret).update(customerId).digest('base64url');
  }

  verify(customerId: string, token: string | undefined): boolean {
    if (!token) return false;
    const a = Buffer.from(this.sign(customerId));
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
