// Times the compliance checker from Node: checkText on a 5 KB article of ad
// copy (median of many runs) and checkTexts / checkTextsAsync throughput over
// 1000 such articles. Build first: `npm run build:release` (a debug build
// works too, about 20 times slower). Not a test: it asserts nothing.
//
//   node bench/compliance.mjs [runs]
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { Engine, checkText, checkTexts, checkTextsAsync } = require('../index.js')

// Paragraphs of the copy a marketing team writes: mostly clean, with the
// usual slips (superlatives, guarantees, urgency, a phone number), emoji,
// full-width punctuation and some Latin.
const PARAGRAPHS = [
  '🎉 双十一焕新季正式开启！本次活动覆盖厨房电器、个护美妆和智能家居三大品类，参与品牌超过两百家。会员下单即享积分翻倍，满 300 元减 40 元，部分商品支持 12 期免息分期。',
  '这款空气炸锅采用 360° 立体热风循环技术，无需放油也能做出外酥里嫩的口感。5.5L 大容量，一次可以烤一整只鸡，适合三到五口之家。可视化窗口让你随时查看烹饪状态，不用开盖。',
  '我们的研发团队历时两年，测试了上千种食材，只为找到最佳的温度曲线。国家级实验室检测报告显示，产品各项指标均符合标准。（检测报告编号见详情页）',
  '最近很多用户问我们：第一次使用应该注意什么？其实很简单，第一步，撕掉包装膜；第二步，空烧五分钟去除异味；第三步，按照食谱放入食材即可。第一季度我们还会推出配套食谱小程序。',
  '护肤篇｜秋冬换季，肌肤容易干燥起皮。这款保湿精华添加了神经酰胺和透明质酸，温和不刺激，敏感肌也可以放心使用。坚持使用四周，肌肤水润有光泽。七天美白的说法并不科学，请理性看待。',
  '限时福利：前 100 名下单的用户额外赠送便携收纳袋一个，库存仅剩最后一批，先到先得。活动时间：11 月 1 日 00:00 至 11 月 11 日 23:59，以系统时间为准。',
  '用户评价：“用了一个月，真的很方便，每天早上十分钟就能搞定早餐。”——来自上海的王女士。“颜值很高，放在厨房里很好看。”——来自成都的李先生。更多评价请查看商品详情页。',
  '售后无忧：全国联保三年，支持七天无理由退换货。如有任何问题，请联系在线客服，或拨打服务热线 400-820-8820（工作日 9:00–18:00）。客服经理 138****8000 为您一对一服务。',
  '关于品牌：我们成立于 2012 年，专注于小家电的设计与制造，产品远销三十多个国家和地区。我们相信好的设计应该让生活更简单，而不是更复杂。Design for everyday life.',
  '门店信息：北京朝阳大悦城店、上海徐家汇港汇恒隆店、广州天河城店、深圳万象城店均已开设体验专区，欢迎到店试用。到店出示本页面可领取新品试吃券一张，数量有限，领完即止。',
  '温馨提示：本活动最终解释权在法律允许范围内归主办方所有。商品图片仅供参考，请以实物为准。如遇系统繁忙，请稍后重试。我们会在第一时间处理您的订单。',
  '加入会员群，每周三晚八点直播抽奖，奖品包括新款料理机、咖啡机和购物卡。扫码添加小助手微信即可入群，备注“双十一”优先通过。联系人：张经理 13800138000。',
]

/** A ~5 KB article: the paragraphs from `offset` on, with a number varied so articles differ. */
function article(offset) {
  const out = []
  for (let i = 0; Buffer.byteLength(out.join('\n')) < 5 * 1024; i++) {
    out.push(PARAGRAPHS[(offset + i) % PARAGRAPHS.length].replace('300', String(300 + offset)))
  }
  return out.join('\n')
}

const runs = Number(process.argv[2] ?? 2000)
const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1]
const one = article(0)
const articles = Array.from({ length: 1000 }, (_, i) => article(i))
const bytes = articles.reduce((n, a) => n + Buffer.byteLength(a), 0)

function timeSingle(label, check) {
  for (let i = 0; i < 200; i++) check(one)
  const times = []
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint()
    check(one)
    times.push(Number(process.hrtime.bigint() - t) / 1e3)
  }
  console.log(`${label}: median ${median(times).toFixed(1)} µs, p90 ${times.sort((a, b) => a - b)[Math.floor(runs * 0.9)].toFixed(1)} µs (${runs} runs)`)
}

async function timeBatch(label, check) {
  await check(articles)
  const times = []
  for (let i = 0; i < 7; i++) {
    const t = process.hrtime.bigint()
    await check(articles)
    times.push(Number(process.hrtime.bigint() - t) / 1e9)
  }
  const s = median(times)
  console.log(`${label}: median ${(s * 1e3).toFixed(1)} ms for 1000 articles, ${(bytes / 1e6 / s).toFixed(1)} MB/s`)
}

const engine = Engine.inMemory()
console.log(`article: ${Buffer.byteLength(one)} bytes, ${one.length} UTF-16 units, ${checkText(one).length} findings; `
  + `batch: ${(bytes / 1e6).toFixed(2)} MB, ${checkTexts(articles).flat().length} findings`)
timeSingle('checkText', checkText)
timeSingle('engine.checkText', (t) => engine.checkText(t))
await timeBatch('checkTexts', async (a) => checkTexts(a))
await timeBatch('checkTextsAsync', checkTextsAsync)
await timeBatch('engine.checkTexts', async (a) => engine.checkTexts(a))
await timeBatch('4 × checkTextsAsync(250) in parallel', (a) => Promise.all([0, 1, 2, 3].map((i) => checkTextsAsync(a.slice(i * 250, (i + 1) * 250)))))
