// The compliance checker (CON-3) through the public JS API: the module-level
// checkText / checkTexts / checkTextsAsync and the same on an Engine with its
// policy. Findings must index the JS string: text.slice(f.start, f.end) is
// always f.matched, and Array.from(text) sliced at the code-point offsets too.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { Engine, checkText, checkTexts, checkTextsAsync, seeded, termPackVersion } from './helpers.mjs'

const KEYS = [
  'category', 'codePointEnd', 'codePointStart', 'end', 'legalBasis', 'matched', 'ruleId', 'severity', 'start',
  'suggestion', 'term',
]

/** Assert every finding of `text` is well formed and points at its own span of `text`. */
function spans(text, found) {
  const codePoints = Array.from(text)
  let last = -1
  for (const f of found) {
    assert.deepEqual(Object.keys(f).sort(), KEYS)
    for (const k of ['start', 'end', 'codePointStart', 'codePointEnd']) assert.ok(Number.isSafeInteger(f[k]), k)
    assert.ok(f.start < f.end && f.end <= text.length, JSON.stringify(f))
    assert.ok(f.codePointStart < f.codePointEnd && f.codePointEnd <= codePoints.length)
    assert.equal(text.slice(f.start, f.end), f.matched)
    assert.equal(codePoints.slice(f.codePointStart, f.codePointEnd).join(''), f.matched)
    assert.ok(f.start >= last, 'findings in text order')
    last = f.start
    assert.ok(f.severity === 'block' || f.severity === 'warn')
    for (const k of ['ruleId', 'category', 'term', 'legalBasis', 'suggestion']) {
      assert.equal(typeof f[k], 'string')
      assert.ok(f[k].length > 0, `${f.ruleId}: ${k} is empty`)
    }
  }
  return found
}

/** The findings of `text`, checked for well-formedness. */
const check = (text) => spans(text, checkText(text))

const ids = (text) => check(text).map((f) => f.ruleId)

describe('compliance: module-level checkText', () => {
  it('is exported as a function next to Engine and Policy', () => {
    for (const f of [checkText, checkTexts, checkTextsAsync]) assert.equal(typeof f, 'function')
  })

  it('finds a true positive in every category, with legal basis and suggestion', () => {
    const cases = [
      ['本品是同类产品中的最佳选择', 'absolute', 'ABS-001'],
      ['国家领导人同款茶具', 'authority'],
      ['坚持使用可治愈失眠', 'medical', 'MED-002'],
      ['本品安全无毒，放心食用', 'health_food', 'HLT-003'],
      ['七天美白，焕亮肌肤', 'cosmetics', 'COS-001'],
      ['理财计划保本保息', 'finance_guarantee', 'FIN-001'],
      ['考研冲刺班，保过！', 'education_guarantee', 'EDU-001'],
      ['地铁口物业，三年升值', 'real_estate', 'EST-001'],
      ['库存仅剩三件', 'false_scarcity', 'SCA-001'],
      ['活动最后一天，快来抢购', 'urgency', 'URG-001'],
      ['工厂直销出厂价', 'price', 'PRC-001'],
      ['性能碾压同级车型', 'disparagement', 'DIS-001'],
      ['好酒千杯不醉', 'alcohol', 'ALC-001'],
      ['小朋友快让妈妈买', 'minors', 'MIN-001'],
      ['大师开光手串', 'superstition', 'SUP-001'],
      ['线上博彩平台', 'obscene_gambling', 'OBS-005'],
      ['招聘：仅限男性', 'discrimination', 'DSC-005'],
      ['中华民国时期的老建筑', 'political', 'POL-002'],
      ['联系 13800138000 王经理', 'personal_data', 'PII-PHONE'],
      ['效果[具体数据]', 'placeholder', 'PLACEHOLDER'],
    ]
    for (const [text, category, ruleId] of cases) {
      const found = check(text)
      const f = found.find((x) => x.category === category)
      assert.ok(f, `${text}: ${JSON.stringify(found)}`)
      if (ruleId) assert.equal(f.ruleId, ruleId, text)
    }
    const f = check('本品是同类产品中的最佳选择')[0]
    assert.deepEqual(
      { ...f, legalBasis: undefined, suggestion: undefined },
      {
        ruleId: 'ABS-001', category: 'absolute', severity: 'block', term: '最佳', matched: '最佳',
        start: 9, end: 11, codePointStart: 9, codePointEnd: 11, legalBasis: undefined, suggestion: undefined,
      },
    )
    assert.match(f.legalBasis, /广告法.*第九条/)
    assert.equal(check('库存仅剩三件')[0].severity, 'warn')
  })

  it('lets ordinary words through (exceptions)', () => {
    for (const text of [
      '最近天气转凉，注意保暖',
      '最后，感谢各位的支持',
      '这是我第一次参加展会',
      '第一步：打开包装',
      '第一季度销售额稳步增长',
      '最初的设计来自一位用户',
      '请在最佳赏味期内食用',
      '数据已最大化地保护',
      '我们会在第一时间回复',
      '最高人民法院发布典型案例',
      '尺码 XXXL 有货',
      '客服 138****8000',
      '订单号 20261122000123456789',
      '',
      '   \n\t  ',
    ]) {
      assert.deepEqual(check(text), [], text)
    }
  })

  it('sees through evasions: width, spaces, zero-width, emoji, punctuation, traditional characters', () => {
    for (const [text, term] of [
      ['本品是最 佳选择', '最佳'],
      ['本品是最\u3000佳选择', '最佳'],
      ['本品是最\u200b佳选择', '最佳'],
      ['本品是最\ufeff佳选择', '最佳'],
      ['本品是最\u202e佳选择', '最佳'],
      ['本品是最、佳选择', '最佳'],
      ['本品是最……佳选择', '最佳'],
      ['本品是最🔥佳选择', '最佳'],
      ['本品是最\t佳选择', '最佳'],
      ['本品是最\n佳选择', '最佳'],
      ['本品是最佳選擇', '最佳'],
      ['國家級品質', '国家级'],
      ['理财：保 本 保 息', '保本'],
      ['ＭＥＤ：可以治・愈', '治愈'],
    ]) {
      const found = check(text)
      assert.ok(found.some((f) => f.term === term), `${JSON.stringify(text)}: ${JSON.stringify(found)}`)
    }
    for (const text of ['ＮＯ．１ 的口碑', 'No. 1 的口碑', 'TOP１ 品牌', 'ｔｏｐ 1 品牌']) {
      assert.ok(check(text).some((f) => f.category === 'absolute'), text)
    }
    const [f] = check('國家級品質')
    assert.deepEqual([f.ruleId, f.term, f.matched], ['ABS-103', '国家级', '國家級'])
  })

  it('gives offsets into the JS string, emoji and non-BMP characters included', () => {
    const text = '🎉新品：最\u200b佳口感，國家級認證！'
    const [a, b] = check(text)
    assert.deepEqual([a.matched, a.start, a.end, a.codePointStart, a.codePointEnd], ['最\u200b佳', 5, 8, 4, 7])
    assert.deepEqual([b.matched, b.start, b.end, b.codePointStart, b.codePointEnd], ['國家級', 11, 14, 10, 13])

    for (const text of [
      '👨‍👩‍👧 全家都说这是最好的选择',
      '🇨🇳🇨🇳 国货之光，销量全国第一',
      '𠮷野家：𠮷𠮷最佳拍档',
      '最🔥佳',
      '最👍🏽佳口碑，保😀本',
      '🎉'.repeat(1000) + '最佳' + '𠮷'.repeat(1000) + '保本',
      'e\u0301e\u0301 最佳 \u{1F600}\u{10FFFF}\uFFFF 13800138000',
    ]) {
      assert.ok(check(text).length > 0, text)
    }
    const [nonBmp] = check('𠮷野家：𠮷𠮷最佳拍档')
    assert.deepEqual([nonBmp.start, nonBmp.codePointStart], [9, 6])
  })

  it('keeps lone surrogates (a cut-off emoji) in matched and in the offsets', () => {
    for (const text of ['最\ud83d佳', '\ud83d最佳', '最佳\ud83d', '\ude00最佳\ud83d\ud83d保本', '🎉'.slice(0, 1) + '国家级']) {
      const found = check(text)
      assert.ok(found.length > 0, JSON.stringify(text))
    }
    const [f] = check('最\ud83d佳')
    assert.equal(f.matched, '最\ud83d佳')
    assert.deepEqual([f.start, f.end, f.codePointStart, f.codePointEnd], [0, 3, 0, 3])
  })

  it('holds for random mixes of terms, exceptions, emoji, noise and surrogates', () => {
    // A fixed-seed generator (mulberry32), so a failure reproduces.
    let seed = 20261122
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    }
    const pieces = [
      '最', '佳', '最佳', '國家級', '保本', '最近', '第一次', '第一', '治愈', '🎉', '👨‍👩‍👧', '𠮷', '\u200b', ' ', '，',
      '\ud83d', '\ude00', 'ＮＯ．１', 'No.1', '13800138000', '１３８００１３８０００', 'TODO', 'XXXL', '[具体数据]',
      '{{姓名}}', 'li@example.com', 'e\u0301', '\u0000', '\u001b', '品牌', 'a', '仅剩',
    ]
    const texts = []
    for (let i = 0; i < 400; i++) {
      const n = 1 + Math.floor(random() * 16)
      texts.push(Array.from({ length: n }, () => pieces[Math.floor(random() * pieces.length)]).join(''))
    }
    const one = texts.map((t) => check(t))
    assert.ok(one.flat().length > 400, 'the mixes find things')
    const batch = checkTexts(texts)
    batch.forEach((found, i) => spans(texts[i], found))
    assert.deepEqual(batch, one, 'a batch gives what single calls give')
    assert.deepEqual(Engine.inMemory().checkTexts(texts), one, 'an engine on the default policy too')
  })

  it('finds unmasked personal data and placeholders', () => {
    for (const [text, ruleId, matched] of [
      ['联系 13800138000 王经理', 'PII-PHONE', '13800138000'],
      ['电话：+86 138-0013-8000。', 'PII-PHONE', '+86 138-0013-8000'],
      ['热线 １３８００１３８０００', 'PII-PHONE', '１３８００１３８０００'],
      ['📞13800138000', 'PII-PHONE', '13800138000'],
      ['身份证11010519491231002X', 'PII-ID', '11010519491231002X'],
      ['邮箱 Li.Na+vip@example.com.cn 咨询', 'PII-EMAIL', 'Li.Na+vip@example.com.cn'],
      ['卡号 4111 1111 1111 1111', 'PII-CARD', '4111 1111 1111 1111'],
      ['效果[具体数据]，欢迎体验', 'PLACEHOLDER', '[具体数据]'],
      ['尊敬的{{客户姓名}}：', 'PLACEHOLDER', '{{客户姓名}}'],
      ['TODO 补充卖点', 'PLACEHOLDER', 'TODO'],
      ['价格待定', 'PLACEHOLDER', '待定'],
      ['联系人 XXX', 'PLACEHOLDER', 'XXX'],
    ]) {
      const f = check(text).find((x) => x.ruleId === ruleId)
      assert.ok(f, `${text}: ${JSON.stringify(checkText(text))}`)
      assert.equal(f.matched, matched)
      assert.equal(f.severity, 'block')
      assert.equal(f.category, ruleId === 'PLACEHOLDER' ? 'placeholder' : 'personal_data')
    }
    for (const text of ['客服 138****8000', '身份证 110105********002X', '身份证110105194912310021', '价格 12800 元']) {
      assert.deepEqual(ids(text), [], text)
    }
    const found = check('客户王女士（13800138000）说：效果[具体数据]，TODO 补充')
    assert.deepEqual(found.map((f) => f.ruleId), ['PII-PHONE', 'PLACEHOLDER', 'PLACEHOLDER'])
  })
})

describe('compliance: batches', () => {
  const texts = ['最佳', '', '无风险的最近', '\u0000\u0001\u007f', '坚持使用可治愈失眠', '保本保息，国家级', '最佳']

  it('return one array per text, in order', () => {
    const out = checkTexts(texts)
    assert.equal(out.length, texts.length)
    assert.deepEqual(out, texts.map((t) => checkText(t)))
    assert.deepEqual(out.map((f) => f.length), [1, 0, 1, 0, 1, 2, 1])
    assert.deepEqual(checkTexts([]), [])
    assert.deepEqual(checkTexts(Array(10_000).fill('')).length, 10_000)
  })

  it('run off the JS thread with checkTextsAsync, the same findings in the same order', async () => {
    const pending = checkTextsAsync(texts)
    assert.ok(pending instanceof Promise)
    assert.deepEqual(await pending, checkTexts(texts))
    assert.deepEqual(await checkTextsAsync([]), [])
    const many = await Promise.all([0, 1, 2, 3].map((i) => checkTextsAsync(texts.slice(i))))
    many.forEach((out, i) => assert.deepEqual(out, checkTexts(texts.slice(i))))
  })

  it('copy the texts when called and leave the event loop running', async () => {
    const big = Array.from({ length: 200 }, (_, i) => `第${i}篇：最近上新，` + '品质如一，口碑见证。'.repeat(400) + '最佳')
    const texts = [...big]
    const pending = checkTextsAsync(texts)
    let turned = false
    setImmediate(() => { turned = true })
    texts.length = 0
    const out = await pending
    assert.ok(turned, 'the event loop turned while the batch was checked')
    assert.equal(out.length, 200)
    out.forEach((found, i) => spans(big[i], found))
    assert.ok(out.every((found) => found.length === 1 && found[0].term === '最佳'))
  })
})

describe('compliance: an engine checks with its policy', () => {
  const copy = '品牌焕新，全网爆款，最佳口碑'
  const companyTerms = (engine) => engine.policy().overlay({
    compliance: {
      custom_terms: [
        { term: '爆款', category: 'absolute', severity: 'warn', legal_basis: '', suggestion: '热门' },
        { term: '秒杀全网', category: 'brand_voice', severity: 'block', legal_basis: '品牌语言规范 3.2', suggestion: '限时优惠' },
      ],
      custom_exceptions: ['最佳口碑'],
    },
  })

  it('is the module-level check while the default policy is in force', () => {
    const engine = Engine.inMemory()
    for (const text of [copy, '', '保本保息', '🎉最\u200b佳']) assert.deepEqual(engine.checkText(text), checkText(text))
  })

  it('applies company terms and exceptions installed with replacePolicy', async () => {
    const engine = seeded()
    const before = spans(copy, engine.checkText(copy))
    assert.deepEqual(before.map((f) => f.term), ['最佳'])
    engine.replacePolicy('zhao.min', companyTerms(engine))
    const after = spans(copy, engine.checkText(copy))
    assert.deepEqual(after.map((f) => [f.ruleId, f.term, f.matched, f.severity]), [['CUSTOM-1', '爆款', '爆款', 'warn']])
    assert.match(after[0].legalBasis, /第九条/, 'an empty legal basis falls back to the category\'s')
    assert.equal(after[0].suggestion, '热门')

    const evasive = '双十一秒杀 全网！'
    const [own] = spans(evasive, engine.checkText(evasive))
    assert.deepEqual([own.ruleId, own.category, own.severity, own.legalBasis, own.matched],
      ['CUSTOM-2', 'brand_voice', 'block', '品牌语言规范 3.2', '秒杀 全网'])

    assert.deepEqual(checkText(copy).map((f) => f.term), ['最佳'], 'the module-level check keeps the shipped pack')
    assert.deepEqual(Engine.inMemory().checkText(copy).map((f) => f.term), ['最佳'], 'other engines are unaffected')
    assert.deepEqual(engine.checkTexts([copy, evasive]).map((f) => f.map((x) => x.ruleId)), [['CUSTOM-1'], ['CUSTOM-2']])
    assert.deepEqual(await engine.checkTextsAsync([copy, evasive]), engine.checkTexts([copy, evasive]))
  })

  it('turns the placeholder and personal-data checks off when the policy says so', () => {
    const engine = seeded()
    const text = 'TODO 联系 13800138000'
    assert.deepEqual(engine.checkText(text).map((f) => f.ruleId), ['PLACEHOLDER', 'PII-PHONE'])
    const off = engine.policy().overlay({ compliance: { block_placeholders: false, require_masked_personal_data: false } })
    engine.replacePolicy('zhao.min', off)
    assert.deepEqual(engine.checkText(text), [])
    assert.equal(checkText(text).length, 2)
  })

  it('follows each replacement and ignores refused ones', () => {
    const engine = seeded()
    engine.replacePolicy('zhao.min', companyTerms(engine))
    assert.throws(() => engine.replacePolicy('li.na', engine.policy().overlay({ compliance: { custom_terms: [] } })),
      (e) => e.code === 'permission_denied')
    assert.equal(engine.checkText(copy)[0].ruleId, 'CUSTOM-1')
    engine.replacePolicy('zhao.min', engine.policy().overlay({ compliance: { custom_terms: [], custom_exceptions: [] } }))
    assert.deepEqual(engine.checkText(copy).map((f) => f.term), ['最佳'])
  })

  it('refuses bad company terms when the policy is built', () => {
    const engine = seeded()
    assert.throws(
      () => engine.policy().overlay({ compliance: { custom_terms: [{ term: '', category: 'absolute', severity: 'block', legal_basis: '', suggestion: '' }] } }),
      (e) => e.code === 'validation' && e.field.startsWith('compliance.custom_terms[0]'),
    )
    assert.throws(
      () => engine.policy().overlay({ compliance: { custom_terms: [{ term: '爆款', category: 'absolute', severity: 'fatal', legal_basis: '', suggestion: '' }] } }),
      (e) => e.code === 'validation',
    )
  })
})

describe('compliance: bad input', () => {
  const engine = Engine.inMemory()
  const single = [['checkText', checkText], ['engine.checkText', (t) => engine.checkText(t)]]
  const batch = [
    ['checkTexts', checkTexts],
    ['checkTextsAsync', checkTextsAsync],
    ['engine.checkTexts', (t) => engine.checkTexts(t)],
    ['engine.checkTextsAsync', (t) => engine.checkTextsAsync(t)],
  ]
  const notStrings = [42, null, undefined, {}, [], ['最佳'], true, 10n, Symbol('最佳'), () => '最佳', new String('最佳'), Buffer.from('最佳')]

  it('a text that is not a string throws StringExpected, synchronously', () => {
    for (const [name, call] of single) {
      for (const value of notStrings) {
        assert.throws(() => call(value), (e) => e instanceof Error && e.code === 'StringExpected' && /^text: expected a string, got /.test(e.message), `${name}(${String(typeof value)})`)
      }
      assert.throws(() => call(), (e) => e.code === 'StringExpected' && /got undefined/.test(e.message))
    }
  })

  it('a batch that is not an array of strings throws, naming the bad element, before any work', () => {
    for (const [name, call] of batch) {
      for (const value of ['最佳', 42, null, undefined, { length: 1, 0: '最佳' }, new Set(['最佳'])]) {
        assert.throws(() => call(value), (e) => e.code === 'ArrayExpected' && /^texts: expected an array of strings/.test(e.message), name)
      }
      assert.throws(() => call(['最佳', 42]), (e) => e.code === 'StringExpected' && e.message === 'texts[1]: expected a string, got number', name)
      assert.throws(() => call(['最佳', '', null]), (e) => e.code === 'StringExpected' && /^texts\[2\]: .*got null/.test(e.message), name)
      assert.throws(() => call(['最佳', , '']), (e) => e.code === 'StringExpected' && /^texts\[1\]/.test(e.message), name)
      // A sparse array of 2^32 - 1 fails at its first hole without allocating for it.
      assert.throws(() => call(new Array(2 ** 32 - 1)), (e) => e.code === 'StringExpected' && /^texts\[0\]/.test(e.message), name)
    }
    const trap = ['最佳']
    Object.defineProperty(trap, 1, { get() { throw new RangeError('from the getter') }, enumerable: true })
    assert.throws(() => checkTexts(trap), (e) => e instanceof RangeError && e.message === 'from the getter')
  })

  it('checks a 5 MB text, control characters and noise without trouble', async () => {
    const huge = '最近的活动很好。'.repeat(220_000) + '最佳'
    assert.ok(Buffer.byteLength(huge) > 5_000_000)
    const [f] = spans(huge, checkText(huge))
    assert.deepEqual([f.term, f.start, f.end], ['最佳', huge.length - 2, huge.length])
    const [[g]] = await engine.checkTextsAsync([huge])
    assert.deepEqual(g, f)

    const noise = '🔥\u200b\u0000 '.repeat(100_000)
    assert.deepEqual(checkText(noise), [])
    const dense = '最佳'.repeat(50_000)
    const found = spans(dense, checkText(dense))
    assert.equal(found.length, 50_000)
    assert.equal(found.at(-1).end, dense.length)

    for (const text of ['a\u0000最\u0001佳\u007f\u001b[31m', '\u0000'.repeat(10) + '最佳', '最\r\n佳\u0085\u2028', '\u0007'.repeat(1000)]) {
      check(text)
    }
    assert.equal(check('a\u0000最\u0001佳')[0].matched, '最\u0001佳')
    assert.equal(check('\u0000'.repeat(10) + '最佳')[0].start, 10, 'a NUL does not end the text')
    assert.equal(checkText('最佳').length, 1, 'still working afterwards')
  })
})

describe('compliance: the term pack', () => {
  it('names the version it was built with', () => {
    const version = termPackVersion()
    assert.match(version, /^\d{4}\.\d+$/)
    assert.equal(version, termPackVersion())
  })
})
