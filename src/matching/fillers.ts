/**
 * Words that carry no question of their own: polite particles, platform menu captions, and the like.
 * They do not count as part of the message when judging how much of it a keyword explains.
 * English fillers are also known words, so the typo index never "corrects" them into a keyword.
 */
// biome-ignore format: word lists read better packed than one per line
export const defaultFillers = [
  // Chinese particles and politeness
  '亲', '亲亲', '亲爱的', '请问', '问一下', '问下', '咨询一下', '想问一下', '想问下', '麻烦', '麻烦你', '麻烦您',
  '一下', '啊', '呀', '呢', '吗', '吧', '哦', '噢', '哈', '哈哈', '嗯', '嗯嗯', '的', '了', '啦', '么', '嘛',
  '我', '我的', '你', '你们', '您', '这个', '那个', '就是', '客服', '老板', '掌柜', '店家', '美女', '小姐姐',
  '想问', '问问', '打扰一下', '打扰了', '哇', '喔', '哟', '呐', '诶', '欸',
  // What the question is about, named generically: "这个宝贝什么时候发货" asks no more than "什么时候发货"
  '宝贝', '商品', '东西', '这件', '这款', '这双', '这条', '这套',
  // Field labels of an order or product card pasted in front of the question (the values still count)
  '订单号', '订单编号', '商品名称', '数量', '实付', '实付款', '下单时间', '付款时间', '订单信息', '商品链接',
  // Menu captions that shop platforms prepend to the first message
  '配送咨询', '售后咨询', '售前咨询', '商品咨询', '订单咨询', '物流咨询', '活动咨询', '其他问题', '常见问题',
  '咨询商品', '咨询订单', '售后服务', '我要咨询', '猜你想问',
  // English function words
  'i', 'me', 'my', 'a', 'an', 'the', 'is', 'are', 'am', 'it', 'this', 'that', 'you', 'your', 'please', 'pls',
  'plz', 'can', 'could', 'would', 'do', 'does', 'to', 'of', 'for', 'and', 'or', 'so', 'just', 'im', 'ive', 'we',
  'will', 'be', 'with', 'on', 'in', 'at', 'u', 'ur', 'was', 'were', 'been', 'has', 'have', 'had', 'dear', 'sir',
  // Shop nouns; also keeps "shop" from being read as a typo of "ship"
  'shop', 'store', 'seller',
  // Common light words one typo away from a keyword (take→fake, think→thank, arent→agent, says→days)
  'take', 'make', 'tell', 'like', 'give', 'come', 'them', 'they', 'these', 'those', 'must', 'done', 'goes', 'gave',
  'well', 'told', 'though', 'most', 'each', 'says', 'said', 'show', 'think', 'same', 'arent', 'theyre', 'last', 'call',
  // Pieces of a pasted product link
  'http', 'https', 'www', 'com', 'htm', 'html',
];
