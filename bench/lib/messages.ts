import type { Rng } from './rng';

/**
 * Realistic customer messages for the end-to-end benchmarks: greetings, questions a shop bot answers
 * or hands off, and the text it does not understand. Mixed Chinese and English, as in the shop.
 */
export const GREETINGS = [
  '你好',
  '您好',
  '在吗',
  '在不在？',
  '有人吗',
  'hello',
  'hi there',
  'Hi, are you there?',
  '你好，在吗',
];

export const QUESTIONS = [
  '什么时候发货？',
  '我的订单什么时候发货',
  '今天能发货吗',
  '请问今天下单什么时候发货呀',
  '退款怎么还没到账',
  '我要退款',
  '转人工',
  '人工客服',
  '你好，我想问一下什么时候发货',
  '请问包邮吗',
  '这个有优惠券吗',
  '尺码偏大还是偏小',
  '可以开发票吗',
  '怎么修改收货地址',
  '订单号 2024112312345 还没收到',
  '快递到哪了',
  'When will you ship my order?',
  'can I get a refund please',
  'agent please',
  'do you ship to Canada?',
  'how do I change my address',
  'is this in stock',
  'where is my parcel, order 88123411',
];

export const UNKNOWN = [
  '今天天气不错',
  '我昨天买的那个杯子颜色有点不一样，能不能换一个蓝色的',
  '哈哈',
  '好的',
  '谢谢',
  'ok',
  'thanks!',
  'my cat likes the box more than the toy',
  '这个和上次买的是同一款吗？感觉材质不太一样',
  'asdfgh',
  '嗯嗯',
  'what is the meaning of life',
  '你们老板是谁',
  '我朋友推荐来的',
  'Can you recommend something for my mom? She likes gardening',
  '👍',
];

/** A message drawn with weights: 20 % greetings, 40 % questions, 40 % unknown text. */
export function realisticMessage(rng: Rng): string {
  const r = rng.next();
  if (r < 0.2) return rng.pick(GREETINGS);
  if (r < 0.6) return rng.pick(QUESTIONS);
  return rng.pick(UNKNOWN);
}

export const ALL_MESSAGES = [...GREETINGS, ...QUESTIONS, ...UNKNOWN];
