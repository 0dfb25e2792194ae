/** The constant answer of the baseline servers (serve-bare.ts, serve-raw.ts): about the app's size. */
export const REPLY = {
  conversationId: '00000000-0000-4000-8000-000000000000',
  intent: 'shipping-time',
  score: 1,
  replies: [
    {
      kind: 'template',
      text: '您好！现货订单一般在付款后 48 小时内发货，预售商品以商品页为准。',
      templateId: 'shipping-time',
    },
  ],
  handoff: false,
  throttled: false,
};
