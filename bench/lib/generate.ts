import { type Intent, intentSchema } from '../../src/content/schemas';
import { Rng } from './rng';

/**
 * Generated keyword packs and query texts for the matcher benchmark: plausible Chinese words drawn
 * from common characters, English shop words and two-word phrases, and a realistic mix of queries
 * (some containing a keyword, most not; 5–40 characters).
 */

const HAN_CHARS = [
  ...new Set(
    '的一是不了人我在有他这中大来上个国到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴切希证客货款退换订递邮尺码颜质价格优惠券积票址账号密支付微宝鞋衣裤袜帽包杯壶锅碗盘灯椅桌床柜箱袋瓶盒纸笔',
  ),
];

const EN_WORDS = (
  'order ship shipping delivery deliver refund return size colour color price discount coupon invoice ' +
  'address phone account password payment card wallet track tracking package parcel store shop open ' +
  'close hours weekend holiday gift wrap exchange warranty repair broken damaged missing late cancel ' +
  'change update email login member points voucher stock available restock preorder custom engraving ' +
  'battery charger cable screen case shoe shoes shirt dress jacket pants bag watch ring necklace perfume ' +
  'cream lotion tea coffee snack toy book lamp chair table sofa bed pillow blanket towel mug bottle ' +
  'receipt bill charge charged twice express standard international domestic customs duty tax fee ' +
  'courier pickup locker branch outlet online app website cart checkout promo code sale clearance ' +
  'bundle subscription renew renewal trial sample tester material cotton leather wool silk plastic ' +
  'metal glass wood battery manual instructions install setup assembly missing part spare replacement ' +
  'small medium large fit tight loose long short wide narrow heavy light waterproof washable'
).split(' ');

const EN_CHATTER = (
  'i you we my your the a an is are was were be have has had do does did not no yes please thanks ' +
  'hello hi hey good bad nice great really very so just still yet again now today tomorrow yesterday ' +
  'week month year morning night time can could would should will want need like love think know ' +
  'see look get got make made go went come came say said tell ask help friend mom dad kid cat dog ' +
  'weather rain sun happy sad funny story thing stuff something anything nothing maybe sure okay ' +
  'what why how when where who which there here this that these those with without about from into'
).split(' ');

const HAN_PUNCT = ['，', '。', '？', '！', ' '];

export function hanWord(rng: Rng, min = 2, max = 4): string {
  let w = '';
  const n = rng.int(min, max);
  for (let i = 0; i < n; i++) w += rng.pick(HAN_CHARS);
  return w;
}

function enKeyword(rng: Rng): string {
  return rng.chance(0.35) ? rng.pick(EN_WORDS) : `${rng.pick(EN_WORDS)} ${rng.pick(EN_WORDS)}`;
}

function keyword(rng: Rng): string {
  return rng.chance(0.6) ? hanWord(rng) : enKeyword(rng);
}

/**
 * `n` rules, each its own intent with a few keywords (80 % `any` of 2–4, 20 % `all` of two groups of
 * 1–2). Like the pack validator demands, an `any` keyword belongs to one intent only (compared
 * lowercased, spaces folded); `all` fragments may be shared. `unique: false` drops that rule: common
 * words then sit in dozens of rules (not a valid pack; a stress case for scoring).
 */
export function generateIntents(n: number, seed = 42, unique = true): Intent[] {
  const rng = new Rng(seed);
  const claimed = new Set<string>();
  const fold = (k: string) => k.toLowerCase().replace(/\s+/g, ' ');
  const fresh = (): string => {
    for (let tries = 0; ; tries++) {
      const k = keyword(rng);
      if (!unique || !claimed.has(fold(k))) {
        claimed.add(fold(k));
        return k;
      }
      if (tries > 1000) throw new Error('generateIntents: keyword space exhausted');
    }
  };
  const list = (min: number, max: number, make: () => string): string[] => {
    const out = new Set<string>();
    const count = rng.int(min, max);
    while (out.size < count) out.add(make());
    return [...out];
  };
  const intents: Intent[] = [];
  for (let i = 0; i < n; i++) {
    const rule = rng.chance(0.8)
      ? { any: list(2, 4, fresh) }
      : { all: [list(1, 2, () => keyword(rng)), list(1, 2, () => keyword(rng))] };
    intents.push(intentSchema.parse({ id: `gen-${i}`, rules: [rule] }));
  }
  return intents;
}

function clamp(text: string, rng: Rng): string {
  let t = text;
  while ([...t].length < 5) t += rng.pick(HAN_CHARS);
  const chars = [...t];
  return chars.length > 40 ? chars.slice(0, 40).join('') : t;
}

function hanSentence(rng: Rng, min: number, max: number): string {
  const n = rng.int(min, max);
  let s = '';
  while ([...s].length < n) {
    s += rng.pick(HAN_CHARS);
    if (rng.chance(0.08)) s += rng.pick(HAN_PUNCT);
  }
  return s;
}

function enSentence(rng: Rng, min: number, max: number): string {
  const target = rng.int(min, max);
  const words: string[] = [];
  while (words.join(' ').length < target) words.push(rng.pick(EN_CHATTER));
  return words.join(' ').slice(0, 40);
}

const HAN_TEMPLATES = ['请问{k}', '{k}怎么弄？', '你好，{k}吗', '我想问一下{k}的事', '{k}', '在吗？{k}'];
const EN_TEMPLATES = ['hi, {k}?', 'how about {k} please', '{k}', 'question about {k}', 'is there {k}'];

/** Keywords that make some rule of the intent true (one of `any`, or one from every group of `all`). */
function triggering(intent: Intent, rng: Rng): string[] {
  const rule = rng.pick(intent.rules);
  if (rule.any) return [rng.pick(rule.any)];
  return (rule.all ?? []).map((g) => rng.pick(g));
}

/**
 * Query texts: `matchShare` of them carry the keywords of a random rule inside a short sentence; the
 * rest is chatter (Chinese, English, mixed, with order numbers) that mostly matches nothing.
 */
export function generateQueries(
  intents: readonly Intent[],
  count: number,
  seed = 7,
  matchShare = 0.25,
  extra: readonly string[] = [],
): string[] {
  const rng = new Rng(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const r = rng.next();
    if (r < matchShare && intents.length) {
      const words = triggering(rng.pick(intents), rng);
      const han = /\p{Script=Han}/u.test(words.join(''));
      const k = words.join(han ? '' : ' ');
      out.push(clamp(rng.pick(han ? HAN_TEMPLATES : EN_TEMPLATES).replace('{k}', k), rng));
    } else if (extra.length && r < matchShare + 0.15) {
      out.push(rng.pick(extra));
    } else if (r < 0.7) {
      out.push(clamp(hanSentence(rng, 5, 30), rng));
    } else if (r < 0.9) {
      out.push(clamp(enSentence(rng, 5, 40), rng));
    } else {
      out.push(
        clamp(
          `${hanSentence(rng, 3, 12)} 订单 ${rng.int(10_000_000, 99_999_999)} ${rng.pick(EN_CHATTER)}`,
          rng,
        ),
      );
    }
  }
  return out;
}
