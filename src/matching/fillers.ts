/**
 * Words that carry no question of their own: polite particles, platform menu captions, and the like.
 * They do not count as part of the message when judging how much of it a keyword explains.
 */
export const defaultFillers = [
  // Chinese particles and politeness
  '亲', '亲亲', '亲爱的', '请问', '问一下', '问下', '咨询一下', '想问一下', '想问下', '麻烦', '麻烦你', '麻烦您',
  '一下', '啊', '呀', '呢', '吗', '吧', '哦', '噢', '哈', '哈哈', '嗯', '嗯嗯', '的', '了', '啦', '么', '嘛',
  '我', '我的', '你', '你们', '您', '这个', '那个', '就是', '客服', '老板', '掌柜', '店家', '美女', '小姐姐',
  // Menu captions that shop platforms prepend to the first message
  '配送咨询', '售后咨询', '售前咨询', '商品咨询', '订单咨询', '物流咨询', '活动咨询', '其他问题', '常见问题',
  // English function words
  'i', 'me', 'my', 'a', 'an', 'the', 'is', 'are', 'am', 'it', 'this', 'that', 'you', 'your', 'please', 'pls',
  'plz', 'can', 'could', 'would', 'do', 'does', 'to', 'of', 'for', 'and', 'or', 'so', 'just', 'im', 'ive', 'we',
  'will', 'be', 'with', 'on', 'in', 'at', 'u', 'ur',
];
