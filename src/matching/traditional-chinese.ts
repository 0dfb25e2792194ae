// Traditional → simplified for the characters shoppers actually type about orders, goods and service.
// A compact table rather than a full OpenCC dictionary: we only need matching to see 退貨 as 退货.
const PAIRS =
  '貨货發发運运費费優优質质碼码訂订單单換换價价錢钱買买賣卖寶宝貝贝東东號号問问題题麼么時时們们個个這这說说話话' +
  '還还沒没為为給给對对開开關关會会來来過过後后檢检驗验標标準准確确認认評评務务處处應应該该樣样條条歡欢謝谢聯联' +
  '繫系係系網网頁页點点擊击紅红綠绿藍蓝黃黄長长寬宽輕轻帶带門门現现實实際际據据電电腦脑機机視视頻频線线庫库補补' +
  '償偿賠赔損损壞坏維维護护證证書书稅税戶户頭头銀银額额餘余筆笔幾几週周郵邮遞递達达區区縣县鄉乡鎮镇樓楼層层詢询' +
  '諮咨員员專专業业滿满減减贈赠禮礼裝装錯错誤误擔担憂忧悶闷氣气爛烂髒脏舊旧斷断緊紧鬆松顏颜邊边無无經经讓让請请' +
  '幫帮煩烦聽听見见覺觉種种類类數数購购車车載载輸输倉仓儲储簽签攬揽轉转塊块錶表鐘钟鍋锅襪袜褲裤衛卫紙纸燈灯飾饰' +
  '極极歲岁嗎吗甚什麽么隻只猶犹豫豫嗎吗餓饿飯饭麵面點点鬧闹結结帳账複复雜杂廣广告告謊谎騙骗欺欺詐诈鑒鉴鑑鉴偽伪' +
  '傳传遲迟慢慢快快遠远近近將将盡尽處处擬拟預预約约準准備备異异狀状況况態态顯显示示辦办續续紀纪錄录麗丽漂漂亮亮' +
  '號号碼码尺尺寸寸偏偏碼码穿穿鞋鞋衣衣褲裤裙裙襯衬衫衫針针織织絨绒棉棉絲丝縮缩鏈链鈕钮釦扣鑽钻銷销';
const MAP = new Map<string, string>();
for (let i = 0; i + 1 < PAIRS.length; i += 2) {
  const from = PAIRS[i]!;
  const to = PAIRS[i + 1]!;
  if (from !== to) MAP.set(from, to);
}

export function toSimplified(text: string): string {
  let out = '';
  for (const ch of text) out += MAP.get(ch) ?? ch;
  return out;
}
