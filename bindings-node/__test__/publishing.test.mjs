// Content CON-4..CON-8 through the public JS API, following core's
// tests/publishing.rs: the pre-publish checklist as a report (offsets usable
// with String.prototype.slice) and as the gate of review, scheduling and
// publication; the asset library with UGC authorization and confidentiality
// labels; the publishing plan with cadence caps, slots, backlog, hot dates
// and themes; A/B variants and derivatives. Bad input (wrong JS types, empty
// and hostile strings, unknown ids, missing permissions) throws a typed error
// and changes nothing.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import {
  ADMIN, HOUR, checkKinds, planIssueKinds, quarterOf, refused, seeded, variantStyleOf, weekOf, wrongType,
} from './helpers.mjs'

/** Monday 2026-11-02, 10:00 in Shanghai. */
const START = new Date('2026-11-02T02:00:00Z')
const DAY = 24 * HOUR

/** An engine on a manual clock at START with the staff of core's publishing tests. */
function company() {
  const engine = seeded({ clockStart: START })
  engine.createPrincipal(ADMIN, { handle: 'wu.fan', displayName: '吴凡', department: 'brand' })
  engine.createPrincipal(ADMIN, { handle: 'qian.yu', displayName: '钱宇', department: 'sales' })
  return engine
}

/** Shanghai local time `day hh:mm` as a Date. */
const local = (day, hh, mm = 0) => new Date(`${day}T${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:00+08:00`)

/** Install an overlay of the policy in force. */
const policy = (engine, toml) => engine.replacePolicy('zhao.min', engine.policy().overlayToml(toml))

/** An internal image added by chen.jie; its id. */
const image = (engine, name, label) =>
  engine.addAsset('chen.jie', { kind: 'image', name, uri: `oss://brand/${name}.png`, source: 'internal', label }).id

/** An item written with `details`, reviewed by brand and approved; its id. */
function approved(engine, content, body, details = {}) {
  const item = engine.planContent('li.na', content)
  engine.editContent('li.na', item.id, { title: item.title, body, details })
  const { approvalId } = engine.submitContent('li.na', item.id)
  engine.approve('chen.jie', approvalId, { comment: 'ok' })
  assert.equal(engine.contentItem(item.id).state, 'approved')
  return item.id
}

const video = (title, ugc = false) => ({ kind: 'short_video', title, channel: 'douyin', ugc })
const secs = (durationSeconds) => ({ durationSeconds })

/**
 * Everything content-related, to show a refused call changed none of it:
 * every item with its versions, variants and derivatives (ids count up from
 * 1), every asset (chen.jie adds them all, so sees them all), the themes.
 */
function content(engine) {
  const items = []
  for (let id = 1; ; id++) {
    try {
      items.push([engine.contentItem(id), engine.contentVersions(id), engine.contentVariants(id), engine.contentDerivatives(id)])
    } catch (e) {
      if (e.code === 'not_found') break
      throw e
    }
  }
  return {
    items,
    assets: engine.assets('chen.jie', { includeRetired: true }),
    themes: engine.themes('2026-01-01', '2027-01-31'),
  }
}

/** `refused` (helpers.mjs), also checking that no content, asset or theme changed. */
async function refusedContent(engine, code, call, extra) {
  const before = content(engine)
  const error = await refused(engine, code, call, extra)
  assert.deepEqual(content(engine), before, 'a refused call changes no content')
  return error
}

/** `wrongType` (helpers.mjs), also checking that no content, asset or theme changed. */
function wrongTypeContent(engine, call) {
  const before = content(engine)
  wrongType(engine, call)
  assert.deepEqual(content(engine), before)
}

// Strings that must not get through where display text is expected.
const HOSTILE_TEXT = ['', '   ', 'nul\u0000', 'esc\u001b[31m', 'bidi\u202egnp.exe', 'zero\u200bwidth', '长'.repeat(201)]

describe('CON-4: the pre-publish checklist', () => {
  it('reports links, assets, required fields and the ad label in one report and gates review', async () => {
    const engine = company()
    policy(engine, '[content]\nallowed_link_domains = ["brand.com"]\nrequired_fields = ["title", "body", "channel", "assets"]\n')
    const pub = image(engine, 'scarf', 'public')
    const internal = image(engine, 'draft-board', 'internal')
    const retired = image(engine, 'old-logo', 'public')
    engine.retireAsset('chen.jie', retired)

    const ad = engine.planContent('li.na', { kind: 'ad_creative', title: '秋冬新品', channel: 'weibo', isAd: true })
    // The emoji is two UTF-16 units but one code point: every offset after it differs.
    const body = '🧣围巾上新，详情见 https://shop.brand.com/a?b=1 与 https://evil.cn/x，旧链接 http://bad_host/ 以及 javascript:alert(1)。'
    engine.editContent('li.na', ad.id, { title: '秋冬新品', body, details: { assets: [pub, internal, retired, 9999] } })
    const r = engine.prepublishCheck(ad.id)
    assert.deepEqual([r.itemId, r.version, r.passed], [ad.id, 1, false])
    assert.deepEqual(r.issues.map((i) => i.check), [
      'link_domain', 'link_malformed', 'link_malformed', 'asset_confidential', 'asset_retired', 'asset_missing',
      'ad_label_missing',
    ])
    assert.ok(r.issues.every((i) => i.rule === 'CON-4' && i.severity === 'block'))
    assert.equal(r.blocking, 7)
    assert.deepEqual(r.issues.map((i) => i.matched),
      ['https://evil.cn/x', 'http://bad_host/', 'javascript:alert(1', String(internal), String(retired), '9999', null])
    const located = r.issues.filter((i) => i.start !== null)
    assert.equal(located.length, 3)
    for (const i of located) {
      assert.equal(i.field, 'body')
      assert.equal(body.slice(i.start, i.end), i.matched, 'start/end are JS string (UTF-16) offsets')
      assert.equal(Array.from(body).slice(i.codePointStart, i.codePointEnd).join(''), i.matched)
      assert.equal(i.start, i.codePointStart + 1, 'the emoji counts twice in UTF-16')
    }
    assert.deepEqual(r.issues.filter((i) => i.start === null).map((i) => [i.start, i.end, i.codePointStart, i.codePointEnd]),
      Array(4).fill([null, null, null, null]))
    assert.match(r.issues[0].suggestion, /brand\.com/)
    assert.deepEqual([r.titleFindings, r.bodyFindings], [[], []])
    assert.ok(checkKinds().includes('link_domain') && checkKinds().length === 14)

    // The gate: refused, typed, nothing changed.
    const err = await refusedContent(engine, 'policy_violation', () => engine.submitContent('li.na', ad.id), { rule: 'CON-4' })
    assert.match(err.message, /link_domain/)
    assert.equal(engine.contentItem(ad.id).state, 'in_production')

    // Fixed: allowed links, a public asset, the ad label.
    engine.editContent('li.na', ad.id, {
      title: '秋冬新品', body: '【广告】围巾上新，详情见 https://shop.brand.com/a?b=1。', details: { assets: [pub] },
    })
    const fixed = engine.prepublishCheck(ad.id)
    assert.deepEqual([fixed.version, fixed.passed, fixed.blocking, fixed.issues], [2, true, 0, []])
    assert.equal(engine.submitContent('li.na', ad.id).state, 'in_review')

    // A required field missing (an edit without details keeps none).
    const note = engine.planContent('li.na', { kind: 'image_post', title: '上新', channel: 'weibo' })
    engine.editContent('li.na', note.id, { title: '上新', body: '秋冬上新。' })
    const missing = engine.prepublishCheck(note.id)
    assert.deepEqual(missing.issues.map((i) => [i.check, i.field, i.start]), [['field_missing', 'assets', null]])
    await refusedContent(engine, 'policy_violation', () => engine.submitContent('li.na', note.id), { rule: 'CON-4' })

    // Unknown items, items without a version, bad ids and types.
    await refusedContent(engine, 'not_found', () => engine.prepublishCheck(424242), { entity: 'content', id: '424242' })
    const empty = engine.planContent('li.na', { kind: 'article', title: '空', channel: 'zhihu' })
    await refusedContent(engine, 'conflict', () => engine.prepublishCheck(empty.id), { entity: 'content' })
    for (const id of [1.5, -1.5, NaN, Infinity, 2 ** 53]) {
      await refusedContent(engine, 'validation', () => engine.prepublishCheck(id), { field: 'id' })
    }
    for (const id of ['1', 1n, null, undefined, {}]) {
      wrongTypeContent(engine, () => engine.prepublishCheck(id))
    }
  })

  it('stops scheduling and publication once an asset is retired after approval', async () => {
    const engine = company()
    const img = image(engine, 'scarf', 'public')
    const id = approved(engine, { kind: 'image_post', title: '围巾', channel: 'weibo' }, '秋冬围巾上新。', { assets: [img] })
    engine.retireAsset('chen.jie', img)
    const err = await refusedContent(engine, 'policy_violation', () => engine.publishContent('chen.jie', id), { rule: 'CON-4' })
    assert.match(err.message, /asset_retired/)
    await refusedContent(engine, 'policy_violation',
      () => engine.scheduleContent('li.na', id, new Date(START.getTime() + DAY)), { rule: 'CON-4' })
    assert.equal(engine.contentItem(id).state, 'approved')
    await refusedContent(engine, 'conflict', () => engine.retireAsset('chen.jie', img), { entity: 'asset' })
  })

  it('keeps, replaces and refuses version details', async () => {
    const engine = company()
    const item = engine.planContent('li.na', video('开箱'))
    const bad = [
      [{ durationSeconds: 0 }, 'durationSeconds'],
      [{ durationSeconds: 86_401 }, 'durationSeconds'],
      [{ durationSeconds: -1 }, 'durationSeconds'],
      [{ durationSeconds: 1.5 }, 'durationSeconds'],
      [{ durationSeconds: NaN }, 'durationSeconds'],
      [{ durationSeconds: 2 ** 32 }, 'durationSeconds'],
      [{ paragraphSpacing: NaN }, 'paragraphSpacing'],
      [{ paragraphSpacing: -1.5 }, 'paragraphSpacing'],
      [{ paragraphSpacing: Infinity }, 'paragraphSpacing'],
      [{ paragraphSpacing: 0 }, 'paragraphSpacing'],
      [{ template: "poster\u0000'; DROP TABLE content_item;--" }, 'template'],
      [{ template: 'bidi\u202e' }, 'template'],
      [{ palette: '' }, 'palette'],
      [{ fonts: [''] }, 'fonts'],
      [{ fonts: ['esc\u001b[31m'] }, 'fonts'],
      [{ fonts: Array(21).fill('f') }, 'fonts'],
      [{ assets: [1, 1] }, 'assets'],
      [{ assets: [-3] }, 'assets'],
      [{ assets: [0] }, 'assets'],
      [{ assets: [1.5] }, 'assets'],
      [{ assets: Array.from({ length: 501 }, (_, i) => i + 1) }, 'assets'],
    ]
    for (const [details, field] of bad) {
      await refusedContent(engine, 'validation',
        () => engine.editContent('li.na', item.id, { title: '开箱', body: '脚本', details }), { field })
    }
    for (const details of ['30', 30, [], true, null, { durationSeconds: '30' }, { fonts: 'Arial' }, { assets: ['1'] },
      { assets: 1 }, { paragraphSpacing: 1n }, { template: 1 }]) {
      wrongTypeContent(engine, () => engine.editContent('li.na', item.id, { title: '开箱', body: '脚本', details }))
    }
    assert.equal(engine.contentItem(item.id).version, 0)

    // Declared, kept by a text edit, replaced (even by {}) by another.
    const details = {
      durationSeconds: 30, paragraphSpacing: 1.5, template: 'poster-a', fonts: ['思源黑体'], palette: 'autumn-2026',
      assets: [],
    }
    engine.editContent('li.na', item.id, { title: '开箱', body: '脚本', details })
    engine.editContent('li.na', item.id, { title: '开箱', body: '脚本 2' })
    engine.editContent('li.na', item.id, { title: '开箱', body: '脚本 3', details: undefined })
    engine.editContent('li.na', item.id, { title: '开箱', body: '脚本 4', details: {} })
    assert.deepEqual(engine.contentVersions(item.id).map((v) => v.details), [details, details, details, {
      durationSeconds: null, paragraphSpacing: null, template: null, fonts: [], palette: null, assets: [],
    }])
  })
})

describe('CON-5: brand spelling, video length, layout and VI', () => {
  it('reports each with its field, match and suggestion', async () => {
    const engine = company()
    policy(engine, `[content]
brand_names = [{ canonical = "BrandRail", wrong = ["Brandrail", "BrandRial", "布兰德瑞"] }]
[content.layout]
approved_fonts = ["思源黑体"]
approved_palettes = ["autumn-2026"]
approved_templates = ["poster-a"]
`)
    const title = '🍂Brandrail 秋冬'
    const art = engine.planContent('li.na', { kind: 'article', title, channel: 'wechat_official_account' })
    const body = 'BrandRail 与 BrandRial 以及 布兰德瑞：BrandRail Pro。'
    engine.editContent('li.na', art.id, {
      title, body,
      details: { paragraphSpacing: 1.2, template: 'poster-z', fonts: ['思源黑体', 'Comic Sans'], palette: 'neon' },
    })
    const r = engine.prepublishCheck(art.id)
    assert.deepEqual(r.issues.map((i) => [i.check, i.field, i.matched]), [
      ['brand_spelling', 'title', 'Brandrail'],
      ['brand_spelling', 'body', 'BrandRial'],
      ['brand_spelling', 'body', '布兰德瑞'],
      ['paragraph_spacing', 'paragraph_spacing', null],
      ['template', 'template', null],
      ['font', 'fonts', 'Comic Sans'],
      ['palette', 'palette', null],
    ])
    assert.ok(r.issues.every((i) => i.rule === 'CON-5'))
    assert.equal(r.issues[0].suggestion, 'BrandRail')
    // In the title the leaf before the name is 2 UTF-16 units, 1 code point.
    assert.deepEqual([r.issues[0].start, r.issues[0].end, r.issues[0].codePointStart, r.issues[0].codePointEnd], [2, 11, 1, 10])
    assert.equal(title.slice(r.issues[0].start, r.issues[0].end), 'Brandrail')
    assert.deepEqual([r.issues[1].start, r.issues[1].end, r.issues[1].codePointStart], [12, 21, 12])
    for (const i of r.issues.filter((x) => x.field === 'body')) assert.equal(body.slice(i.start, i.end), i.matched)
    const err = await refusedContent(engine, 'policy_violation', () => engine.submitContent('li.na', art.id), { rule: 'CON-5' })
    assert.match(err.message, /brand_spelling/)

    // A template in the asset library is approved too.
    engine.addAsset('chen.jie', { kind: 'template', name: 'poster-z', uri: 'oss://vi/poster-z.psd', source: 'internal', label: 'public' })
    engine.editContent('li.na', art.id, {
      title: 'BrandRail 秋冬', body: 'BrandRail 秋冬系列。',
      details: { paragraphSpacing: 1.5, template: 'poster-z', fonts: ['思源黑体'], palette: 'autumn-2026' },
    })
    assert.equal(engine.prepublishCheck(art.id).passed, true)
    // A text edit keeps the details.
    engine.editContent('li.na', art.id, { title: 'BrandRail 秋冬', body: 'BrandRail。' })
    assert.equal(engine.contentVersions(art.id).at(-1).details.paragraphSpacing, 1.5)

    // Without declared spacing an article gets a warning, not a block.
    const plain = engine.planContent('li.na', { kind: 'article', title: '指南', channel: 'zhihu' })
    engine.editContent('li.na', plain.id, { title: '指南', body: '正文。' })
    const warned = engine.prepublishCheck(plain.id)
    assert.deepEqual([warned.passed, warned.blocking, warned.issues.map((i) => [i.check, i.severity])],
      [true, 0, [['paragraph_spacing', 'warn']]])

    // A compliance finding in the title is reported with title offsets.
    engine.editContent('li.na', plain.id, { title: '🍂全网最佳指南', body: '正文。', details: { paragraphSpacing: 1.5 } })
    const flagged = engine.prepublishCheck(plain.id)
    assert.equal(flagged.passed, false)
    assert.deepEqual(flagged.titleFindings.map((f) => [f.term, f.matched, f.start, f.codePointStart]), [['最佳', '最佳', 4, 3]])
    await refusedContent(engine, 'policy_violation', () => engine.submitContent('li.na', plain.id), { rule: 'CON-3' })

    // Short video: 15–60 s, declared.
    const v = engine.planContent('li.na', video('开箱'))
    for (const [durationSeconds, ok] of [[undefined, false], [14, false], [15, true], [60, true], [61, false]]) {
      engine.editContent('li.na', v.id, { title: '开箱', body: '开箱视频脚本。', details: { durationSeconds } })
      const check = engine.prepublishCheck(v.id)
      assert.equal(check.passed, ok, `${durationSeconds}`)
      if (!ok) assert.ok(['video_length', 'field_missing'].includes(check.issues[0].check))
    }
  })
})

describe('CON-6: the asset library', () => {
  const ugc = (authorization) => ({
    kind: 'video', name: '用户开箱', uri: 'oss://ugc/unbox.mp4', source: 'ugc', label: 'public', authorization,
  })
  const signed = (signedAt, expiresAt) => ({
    grantedBy: '小红薯 @mia', reference: 'AUTH-2026-118', signedAt, expiresAt, scope: 'douyin, xiaohongshu; 12 months',
  })
  const at = (days) => new Date(START.getTime() + days * DAY)

  it('takes user-generated material only with a signed authorization in force', async () => {
    const engine = company()
    const err = await refusedContent(engine, 'policy_violation', () => engine.addAsset('chen.jie', ugc()), { rule: 'CON-6' })
    assert.match(err.message, /authorization/)
    await refusedContent(engine, 'policy_violation', () => engine.addAsset('chen.jie', ugc(signed(at(-400), at(-35)))),
      { rule: 'CON-6' })
    await refusedContent(engine, 'validation', () => engine.addAsset('chen.jie', ugc(signed(at(1)))),
      { field: 'authorization.signedAt' })
    await refusedContent(engine, 'validation', () => engine.addAsset('chen.jie', ugc(signed(at(0), at(-1)))),
      { field: 'authorization.expiresAt' })
    await refusedContent(engine, 'validation', () => engine.addAsset('chen.jie', ugc(signed(new Date(NaN)))),
      { field: 'authorization.signedAt' })
    for (const text of HOSTILE_TEXT) {
      await refusedContent(engine, 'validation',
        () => engine.addAsset('chen.jie', ugc({ ...signed(at(-1)), grantedBy: text })), { field: 'authorization.grantedBy' })
      await refusedContent(engine, 'validation',
        () => engine.addAsset('chen.jie', ugc({ ...signed(at(-1)), scope: text })), { field: 'authorization.scope' })
    }
    await refusedContent(engine, 'permission_denied', () => engine.addAsset('li.na', ugc(signed(at(-1)))),
      { principal: 'li.na', permission: 'asset.manage', reason: 'missing_permission' })
    for (const auth of ['signed', [], 1, { ...signed(at(-1)), signedAt: at(-1).toISOString() }, { ...signed(at(-1)), signedAt: undefined },
      { ...signed(at(-1)), expiresAt: at(30).getTime() }, { ...signed(at(-1)), grantedBy: 7 }]) {
      wrongTypeContent(engine, () => engine.addAsset('chen.jie', ugc(auth)))
    }
    assert.deepEqual(engine.assets('chen.jie'), [])

    const a = engine.addAsset('chen.jie', ugc(signed(at(-1), at(30))))
    assert.deepEqual(a, {
      id: 1, kind: 'video', name: '用户开箱', uri: 'oss://ugc/unbox.mp4', source: 'ugc', label: 'public',
      department: 'brand', owner: 'chen.jie', state: 'active', authorized: true, contentId: null, readers: [],
      authorization: signed(at(-1), at(30)), createdAt: START, retiredAt: null,
    })
    // Without an end date it never lapses.
    assert.equal(engine.addAsset('chen.jie', ugc(signed(at(-1)))).authorization.expiresAt, null)

    // Content using it publishes while the authorization runs, not after.
    const id = approved(engine, video('用户开箱', true), '用户开箱视频。', { durationSeconds: 30, assets: [a.id] })
    engine.advanceClock(31 * DAY)
    assert.equal(engine.asset('li.na', a.id).authorized, false)
    const r = engine.prepublishCheck(id)
    assert.deepEqual([r.issues[0].check, r.issues[0].rule, r.issues[0].matched], ['asset_unauthorized', 'CON-6', String(a.id)])
    const refusal = await refusedContent(engine, 'policy_violation', () => engine.publishContent('chen.jie', id), { rule: 'CON-6' })
    assert.match(refusal.message, /CON-6/)
  })

  it('lets labels decide who reads; refusals carry reason not_cleared and are audited', async () => {
    const engine = company()
    const secret = engine.addAsset('chen.jie', {
      kind: 'document', name: '2027 新品路线图', uri: 'oss://brand/roadmap.pdf', source: 'internal', label: 'secret',
      readers: ['zhao.min', 'zhao.min'],
    })
    assert.deepEqual(secret.readers, ['zhao.min'])
    const conf = image(engine, 'campaign-draft', 'confidential')
    const internal = image(engine, 'team-photo', 'internal')

    assert.equal(engine.asset('chen.jie', secret.id).id, secret.id)
    assert.equal(engine.asset('zhao.min', secret.id).id, secret.id)
    const err = await refusedContent(engine, 'permission_denied', () => engine.asset('wu.fan', secret.id),
      { principal: 'wu.fan', permission: 'asset.read:secret', reason: 'not_cleared' })
    assert.match(err.message, /not_cleared/)
    assert.equal(engine.asset('wu.fan', conf).id, conf, 'the department reads confidential assets')
    await refusedContent(engine, 'permission_denied', () => engine.asset('qian.yu', conf), { reason: 'not_cleared' })
    assert.equal(engine.asset('qian.yu', internal).label, 'internal')

    const ids = (who, filter) => engine.assets(who, filter).map((a) => a.id)
    assert.deepEqual(ids('chen.jie'), [secret.id, conf, internal])
    assert.deepEqual(ids('wu.fan'), [conf, internal])
    assert.deepEqual(ids('qian.yu'), [internal])
    assert.deepEqual(ids('chen.jie', { label: 'secret' }), [secret.id])
    assert.deepEqual(ids('chen.jie', { kind: 'image' }), [conf, internal])
    assert.deepEqual(ids('chen.jie', {}), ids('chen.jie', undefined))
    // Reads of confidential and secret assets are in the log; listings are not.
    const reads = engine.auditQuery('zhao.min', { action: 'asset.read' })
    assert.equal(reads.length, 5)
    assert.deepEqual(reads.map((x) => x.outcome), ['applied', 'applied', 'denied', 'applied', 'denied'])

    // Relabel: sales may read once named.
    const relabelled = engine.relabelAsset('chen.jie', conf, 'secret', ['qian.yu'])
    assert.deepEqual([relabelled.label, relabelled.readers], ['secret', ['qian.yu']])
    assert.equal(engine.asset('qian.yu', conf).id, conf)
    await refusedContent(engine, 'permission_denied', () => engine.asset('wu.fan', conf), { reason: 'not_cleared' })
    // wu.fan manages assets but may not relabel or retire what he cannot read.
    await refusedContent(engine, 'permission_denied', () => engine.relabelAsset('wu.fan', conf, 'public'),
      { reason: 'not_cleared' })
    await refusedContent(engine, 'permission_denied', () => engine.retireAsset('wu.fan', conf), { reason: 'not_cleared' })
    await refusedContent(engine, 'permission_denied', () => engine.relabelAsset('li.na', internal, 'public'),
      { permission: 'asset.manage' })
    await refusedContent(engine, 'not_found', () => engine.relabelAsset('chen.jie', conf, 'secret', ['nobody']),
      { entity: 'principal', id: 'nobody' })
    await refusedContent(engine, 'validation', () => engine.relabelAsset('chen.jie', conf, 'top_secret'), { field: 'label' })
    await refusedContent(engine, 'validation', () => engine.relabelAsset('chen.jie', conf, 'secret', ["x'); DROP TABLE asset;--"]),
      { field: 'readers' })
    // Left out, readers are none.
    assert.deepEqual(engine.relabelAsset('chen.jie', internal, 'confidential').readers, [])

    // Unknown ids and principals, deactivated readers.
    await refusedContent(engine, 'not_found', () => engine.asset('chen.jie', 999), { entity: 'asset', id: '999' })
    await refusedContent(engine, 'not_found', () => engine.retireAsset('chen.jie', 999), { entity: 'asset' })
    await refusedContent(engine, 'permission_denied', () => engine.asset('ghost', internal), { reason: 'unknown_principal' })
    await refusedContent(engine, 'permission_denied', () => engine.assets('ghost'), { reason: 'unknown_principal' })
    engine.deactivatePrincipal(ADMIN, 'zhao.min')
    await refusedContent(engine, 'permission_denied', () => engine.asset('zhao.min', secret.id), { reason: 'deactivated' })
    for (const id of [1.5, -1.5, NaN, 2 ** 53]) {
      await refusedContent(engine, 'validation', () => engine.asset('chen.jie', id), { field: 'id' })
      await refusedContent(engine, 'validation', () => engine.retireAsset('chen.jie', id), { field: 'id' })
    }
  })

  it('refuses bad assets and arguments of the wrong type', async () => {
    const engine = company()
    const asset = (overrides) => ({ kind: 'image', name: 'x', uri: 'oss://x', source: 'internal', label: 'public', ...overrides })
    for (const name of HOSTILE_TEXT) {
      await refusedContent(engine, 'validation', () => engine.addAsset('chen.jie', asset({ name })), { field: 'name' })
    }
    for (const uri of ['', ' ', 'oss://a b', 'oss://a\u0000b', 'oss://a\nb', 'oss://a\u0007', `oss://${'x'.repeat(2048)}`]) {
      await refusedContent(engine, 'validation', () => engine.addAsset('chen.jie', asset({ uri })), { field: 'uri' })
    }
    await refusedContent(engine, 'validation', () => engine.addAsset('chen.jie', asset({ kind: 'podcast' })), { field: 'kind' })
    await refusedContent(engine, 'validation', () => engine.addAsset('chen.jie', asset({ kind: 'content' })), { field: 'kind' })
    await refusedContent(engine, 'validation', () => engine.addAsset('chen.jie', asset({ source: 'stolen' })), { field: 'source' })
    await refusedContent(engine, 'validation', () => engine.addAsset('chen.jie', asset({ label: 'PUBLIC' })), { field: 'label' })
    await refusedContent(engine, 'validation', () => engine.addAsset('chen.jie', asset({ readers: ['Bad Handle'] })),
      { field: 'readers' })
    await refusedContent(engine, 'not_found', () => engine.addAsset('chen.jie', asset({ readers: ['nobody'] })),
      { entity: 'principal' })
    await refusedContent(engine, 'validation', () => engine.assets('chen.jie', { kind: 'podcast' }), { field: 'kind' })
    await refusedContent(engine, 'permission_denied', () => engine.addAsset('qian.yu', asset()), { permission: 'asset.manage' })
    for (const call of [
      () => engine.addAsset('chen.jie'),
      () => engine.addAsset('chen.jie', 'image'),
      () => engine.addAsset('chen.jie', asset({ kind: 1 })),
      () => engine.addAsset('chen.jie', asset({ name: undefined })),
      () => engine.addAsset('chen.jie', asset({ readers: 'zhao.min' })),
      () => engine.addAsset(null, asset()),
      () => engine.assets('chen.jie', 'image'),
      () => engine.assets('chen.jie', { includeRetired: 'yes' }),
      () => engine.asset('chen.jie', '1'),
      () => engine.relabelAsset('chen.jie', 1, 2),
      () => engine.relabelAsset('chen.jie', 1, 'public', 'qian.yu'),
      () => engine.retireAsset('chen.jie', 1n),
      () => engine.archiveContent('chen.jie', 1),
    ]) {
      wrongTypeContent(engine, call)
    }
    // SQL in a name is just text.
    const sql = "'); DROP TABLE asset;--"
    assert.equal(engine.addAsset('chen.jie', asset({ name: sql })).name, sql)
    assert.equal(engine.assets('qian.yu')[0].name, sql)
  })

  it('archives approved content, not drafts', async () => {
    const engine = company()
    const draft = engine.planContent('li.na', { kind: 'article', title: '草稿', channel: 'zhihu' })
    await refusedContent(engine, 'policy_violation', () => engine.archiveContent('chen.jie', draft.id, 'public'), { rule: 'CON-6' })
    const id = approved(engine, { kind: 'image_post', title: '秋冬', channel: 'weibo' }, '秋冬上新。')
    const a = engine.archiveContent('chen.jie', id, 'internal')
    assert.deepEqual([a.kind, a.contentId, a.uri, a.label, a.source, a.name], ['content', id, `content:${id}/v1`, 'internal', 'internal', '秋冬'])
    await refusedContent(engine, 'not_found', () => engine.archiveContent('chen.jie', 777, 'public'), { entity: 'content', id: '777' })
    await refusedContent(engine, 'validation', () => engine.archiveContent('chen.jie', id, 'open'), { field: 'label' })
    await refusedContent(engine, 'validation', () => engine.archiveContent('chen.jie', -0.5, 'public'), { field: 'contentId' })
    await refusedContent(engine, 'permission_denied', () => engine.archiveContent('li.na', id, 'public'), { permission: 'asset.manage' })
  })
})

describe('CON-7: the publishing plan', () => {
  it('refuses a third Douyin video on one day (the cadence cap)', async () => {
    const engine = company()
    const day = '2026-11-04'
    const ids = [0, 1, 2].map((i) => approved(engine, video(`短视频${i}`, i === 0), '脚本。', secs(30)))
    engine.scheduleContent('li.na', ids[0], local(day, 12))
    engine.scheduleContent('li.na', ids[1], local(day, 18))
    const err = await refusedContent(engine, 'policy_violation', () => engine.scheduleContent('li.na', ids[2], local(day, 20)),
      { rule: 'CON-7' })
    assert.match(err.message, /douyin/)
    // The next day has room; rescheduling within its own day is fine.
    assert.equal(engine.scheduleContent('li.na', ids[2], local('2026-11-05', 12)).state, 'scheduled')
    assert.deepEqual(engine.scheduleContent('li.na', ids[1], local(day, 12)).scheduledAt, local(day, 12))
  })

  it('reports cadence, UGC, mix, slots and backlog for a week', async () => {
    const engine = company()
    const a = approved(engine, video('UGC 开箱', true), '脚本。', secs(20))
    const b = approved(engine, video('工厂探访'), '脚本。', secs(45))
    engine.scheduleContent('li.na', a, local('2026-11-04', 12))
    engine.scheduleContent('li.na', b, local('2026-11-04', 12))
    const x = approved(engine, { kind: 'image_post', title: 'KOC 试穿', channel: 'xiaohongshu', format: 'koc' }, '试穿笔记。')
    engine.scheduleContent('li.na', x, local('2026-11-05', 15))
    const w = approved(engine, { kind: 'article', title: '秋冬指南', channel: 'wechat_official_account' }, '正文。',
      { paragraphSpacing: 1.75 })
    engine.publishContent('chen.jie', w)
    const idle = approved(engine, video('压箱底'), '脚本。', secs(30))

    engine.advanceClock(8 * DAY)
    const plan = engine.weekPlan('2026-11-04')
    assert.deepEqual([plan.from, plan.to, plan.timeZone], ['2026-11-02', '2026-11-08', 'Asia/Shanghai'])
    assert.deepEqual(plan.entries.map((e) => [e.itemId, e.localDate, e.localTime, e.onSlot]), [
      [w, '2026-11-02', '10:00', null],
      [a, '2026-11-04', '12:00', true],
      [b, '2026-11-04', '12:00', true],
      [x, '2026-11-05', '15:00', false],
    ])
    assert.deepEqual(plan.entries[3], {
      itemId: x, title: 'KOC 试穿', channel: 'xiaohongshu', kind: 'image_post', format: 'koc', ugc: false,
      state: 'scheduled', at: local('2026-11-05', 15), localDate: '2026-11-05', localTime: '15:00', onSlot: false,
      themeId: null,
    })
    const of = (kind) => plan.issues.filter((i) => i.kind === kind)
    assert.deepEqual(of('missed_cadence').filter((i) => i.channel !== 'douyin').map((i) => [i.channel, i.expected, i.actual]), [
      ['wechat_official_account', 3, 1],
      ['wechat_official_account', 1, 0],
      ['xiaohongshu', 7, 1],
    ])
    assert.equal(of('missed_cadence').filter((i) => i.channel === 'douyin').length, 6)
    assert.equal(of('ugc_shortfall').length, 6)
    assert.ok(of('ugc_shortfall').every((i) => i.periodStart !== '2026-11-04' && /^\d{4}-\d\d-\d\d$/.test(i.periodStart)))
    assert.equal(of('mix_missing').length, 1)
    assert.match(of('mix_missing')[0].message, /amateur_review/)
    assert.deepEqual(of('slot_conflict').map((i) => i.itemIds), [[a, b]])
    assert.deepEqual(of('off_slot').map((i) => i.itemIds), [[x]])
    assert.deepEqual(of('backlog').map((i) => [i.itemIds, i.periodStart, i.severity]), [[[idle], null, 'warn']])
    assert.equal(of('over_frequency').length, 0)
    assert.ok(plan.issues.every((i) => planIssueKinds().includes(i.kind)))
    assert.deepEqual(engine.publishingPlan('2026-11-02', '2026-11-08'), plan)
    assert.deepEqual(weekOf('2026-11-04'), { from: '2026-11-02', to: '2026-11-08' })
    assert.deepEqual(weekOf('2026-11-22'), { from: '2026-11-16', to: '2026-11-22' })
  })

  it('refuses bad ranges and days', async () => {
    const engine = company()
    await refusedContent(engine, 'validation', () => engine.publishingPlan('2026-11-08', '2026-11-01'), { field: 'to' })
    await refusedContent(engine, 'validation', () => engine.publishingPlan('2026-01-01', '2027-03-01'), { field: 'to' })
    await refusedContent(engine, 'validation', () => engine.hotDates('2026-01-01', '2027-03-01'), { field: 'to' })
    await refusedContent(engine, 'validation', () => engine.themes('2026-11-08', '2026-11-01'), { field: 'to' })
    await refusedContent(engine, 'validation', () => engine.quarterPlan(2026, 5), { field: 'quarter' })
    for (const q of [0, -1, 1.5, NaN]) {
      await refusedContent(engine, 'validation', () => engine.quarterPlan(2026, q), { field: 'quarter' })
    }
    await refusedContent(engine, 'validation', () => engine.quarterPlan(2026.5, 1), { field: 'year' })
    await refusedContent(engine, 'validation', () => engine.quarterPlan(2 ** 40, 1), { field: 'year' })
    const badDays = [
      '', '2026-02-30', '2026-13-01', '2026-1-05', '2026-11-4', '26-11-04', '+2026-11-04', '2026/11/04',
      '2026-11-04T00:00:00Z', ' 2026-11-04', '２０２６-11-04', '\u202e2026-11-04', "2026-11-04'; DROP TABLE theme;--",
      '2026-11-04\u0000',
    ]
    for (const d of badDays) {
      await refusedContent(engine, 'validation', () => engine.weekPlan(d), { field: 'date' })
      await refusedContent(engine, 'validation', () => engine.publishingPlan(d, '2026-11-08'), { field: 'from' })
      await refusedContent(engine, 'validation', () => engine.hotDates('2026-11-01', d), { field: 'to' })
      assert.throws(() => weekOf(d), (e) => e.code === 'validation' && e.field === 'date')
    }
    assert.equal(engine.weekPlan('2028-02-29').from, '2028-02-28', 'a leap day is a day')
    for (const call of [
      () => engine.weekPlan(new Date()),
      () => engine.weekPlan(20261104),
      () => engine.weekPlan(),
      () => engine.publishingPlan('2026-11-01'),
      () => engine.quarterPlan('2026', 4),
      () => engine.quarterPlan(2026, 4n),
      () => engine.hotDates(null, '2026-11-01'),
      () => engine.themes({}, '2026-11-01'),
      () => weekOf(1),
      () => quarterOf('2026', '4'),
    ]) {
      wrongTypeContent(engine, call)
    }
  })
})

describe('CON-8: themes, hot dates, variants and derivatives', () => {
  it('plans a quarter around hot dates and themes', async () => {
    const engine = company()
    const q = engine.quarterPlan(2026, 4)
    assert.deepEqual([q.from, q.to], ['2026-10-01', '2026-12-31'])
    assert.deepEqual(q.hotDates.map((h) => [h.date, h.name]),
      [['2026-10-01', '国庆节'], ['2026-11-11', '双十一'], ['2026-12-12', '双十二'], ['2026-12-25', '圣诞节']])
    assert.deepEqual(q.hotDates[1], { date: '2026-11-11', name: '双十一', kind: 'shopping_festival' })
    assert.equal(q.issues.filter((i) => i.kind === 'hot_date_uncovered').length, 4)
    assert.deepEqual(quarterOf(2026, 4), { from: '2026-10-01', to: '2026-12-31' })
    assert.deepEqual(quarterOf(2028, 1), { from: '2028-01-01', to: '2028-03-31' })
    assert.throws(() => quarterOf(2026, 0), (e) => e.code === 'validation' && e.field === 'quarter')

    const t = engine.addTheme('li.na', { name: '双十一 暖冬季', starts: '2026-11-01', ends: '2026-11-15', hotDate: '双十一', description: '羊绒与围巾' })
    assert.deepEqual(t, {
      id: 1, name: '双十一 暖冬季', starts: '2026-11-01', ends: '2026-11-15', hotDate: '双十一', description: '羊绒与围巾',
      createdBy: 'li.na', createdAt: START,
    })
    const q2 = engine.quarterPlan(2026, 4)
    assert.deepEqual(q2.themes, [t])
    const uncovered = q2.issues.filter((i) => i.kind === 'hot_date_uncovered').map((i) => i.periodStart)
    assert.deepEqual(uncovered, ['2026-10-01', '2026-12-12', '2026-12-25'])
    assert.deepEqual(engine.themes('2026-11-10', '2026-11-10'), [t])
    assert.deepEqual(engine.themes('2026-12-01', '2026-12-31'), [])
    const minimal = engine.addTheme('li.na', { name: '年终', starts: '2026-12-20', ends: '2026-12-31' })
    assert.deepEqual([minimal.hotDate, minimal.description], [null, ''])
    // Lunar holidays sit on their dates of the year.
    assert.deepEqual(engine.hotDates('2027-01-01', '2027-03-31').filter((h) => h.name === '春节').map((h) => h.date), ['2027-02-06'])

    // An item joins the theme; an unknown theme is refused.
    const item = engine.planContent('li.na', { kind: 'article', title: '暖冬', channel: 'zhihu', themeId: t.id })
    assert.equal(item.themeId, t.id)
    await refusedContent(engine, 'not_found', () => engine.planContent('li.na', { kind: 'article', title: '暖冬', channel: 'zhihu', themeId: 99 }),
      { entity: 'theme', id: '99' })
    await refusedContent(engine, 'validation', () => engine.planContent('li.na', { kind: 'article', title: '暖冬', channel: 'zhihu', themeId: 1.5 }),
      { field: 'themeId' })
    for (const format of ['', 'Amateur Review', 'koc\u0000', "koc'; --"]) {
      await refusedContent(engine, 'validation', () => engine.planContent('li.na', { kind: 'article', title: '暖冬', channel: 'zhihu', format }),
        { field: 'format' })
    }

    // Bad themes.
    const theme = (overrides) => ({ name: 'x', starts: '2026-11-01', ends: '2026-11-02', ...overrides })
    for (const name of HOSTILE_TEXT) {
      await refusedContent(engine, 'validation', () => engine.addTheme('li.na', theme({ name })), { field: 'name' })
    }
    await refusedContent(engine, 'validation', () => engine.addTheme('li.na', theme({ starts: '2026-11-02', ends: '2026-11-01' })), { field: 'ends' })
    await refusedContent(engine, 'validation', () => engine.addTheme('li.na', theme({ starts: '2026-01-01', ends: '2027-06-01' })), { field: 'ends' })
    await refusedContent(engine, 'validation', () => engine.addTheme('li.na', theme({ starts: '2026-11-31' })), { field: 'starts' })
    await refusedContent(engine, 'validation', () => engine.addTheme('li.na', theme({ ends: 'tomorrow' })), { field: 'ends' })
    await refusedContent(engine, 'validation', () => engine.addTheme('li.na', theme({ description: 'a\u0007b' })), { field: 'description' })
    await refusedContent(engine, 'validation', () => engine.addTheme('li.na', theme({ description: '长'.repeat(2001) })), { field: 'description' })
    await refusedContent(engine, 'not_found', () => engine.addTheme('li.na', theme({ hotDate: '光棍节' })), { entity: 'hot_date' })
    await refusedContent(engine, 'not_found', () => engine.addTheme('li.na', theme({ hotDate: "双十一'; DROP TABLE theme;--" })), { entity: 'hot_date' })
    await refusedContent(engine, 'permission_denied', () => engine.addTheme('qian.yu', theme()), { permission: 'content.create' })
    for (const call of [
      () => engine.addTheme('li.na'),
      () => engine.addTheme('li.na', theme({ starts: new Date() })),
      () => engine.addTheme('li.na', theme({ ends: 20261102 })),
      () => engine.addTheme('li.na', theme({ hotDate: 11 })),
      () => engine.planContent('li.na', { kind: 'article', title: '暖冬', channel: 'zhihu', themeId: '1' }),
      () => engine.planContent('li.na', { kind: 'article', title: '暖冬', channel: 'zhihu', ugc: 'yes' }),
      () => engine.planContent('li.na', { kind: 'article', title: '暖冬', channel: 'zhihu', format: 1 }),
    ]) {
      wrongTypeContent(engine, call)
    }
  })

  it('records A/B variants and their results', async () => {
    const engine = company()
    const item = engine.planContent('li.na', { kind: 'article', title: '早餐', channel: 'wechat_official_account' })
    engine.editContent('li.na', item.id, { title: '早餐', body: '三分钟早餐。', details: { paragraphSpacing: 1.5 } })
    const title = (text, style) => ({ kind: 'title', text, style })
    const a = engine.addVariant('li.na', item.id, title('3 个理由让你爱上早餐'))
    const b = engine.addVariant('li.na', item.id, title('为什么早餐只要 3 分钟？'))
    const c = engine.addVariant('li.na', item.id, { kind: 'copy', text: '一杯热豆浆，开启暖冬早晨。', style: 'plain' })
    assert.deepEqual(a, {
      id: 1, itemId: item.id, kind: 'title', style: 'number', label: 'A', text: '3 个理由让你爱上早餐', createdBy: 'li.na',
      createdAt: START, impressions: 0, clicks: 0, clickRate: null,
    })
    assert.deepEqual([b.label, b.style], ['B', 'question'])
    assert.deepEqual([c.label, c.kind, c.style], ['A', 'copy', 'plain'])
    assert.deepEqual(['3 个理由', '５分钟', '三分钟早餐', '为什么 3 分钟就够？', '你吃早餐了吗', '秋日早餐指南'].map(variantStyleOf),
      ['number', 'number', 'number', 'question', 'question', 'plain'])

    const banned = await refusedContent(engine, 'policy_violation', () => engine.addVariant('li.na', item.id, title('全网最佳早餐')),
      { rule: 'CON-3' })
    assert.match(banned.message, /CON-3/)
    await refusedContent(engine, 'not_found', () => engine.addVariant('li.na', 999, title('早餐')), { entity: 'content', id: '999' })
    for (const text of HOSTILE_TEXT) {
      await refusedContent(engine, 'validation', () => engine.addVariant('li.na', item.id, title(text)), { field: 'text' })
    }
    for (const text of ['', ' \n ', 'a\u0000b', 'esc\u001b[31m']) {
      await refusedContent(engine, 'validation', () => engine.addVariant('li.na', item.id, { kind: 'copy', text }), { field: 'text' })
    }
    await refusedContent(engine, 'validation', () => engine.addVariant('li.na', item.id, { kind: 'body', text: 'x' }), { field: 'kind' })
    await refusedContent(engine, 'validation', () => engine.addVariant('li.na', item.id, title('早餐', 'fancy')), { field: 'style' })
    await refusedContent(engine, 'validation', () => engine.addVariant('li.na', 0.5, title('早餐')), { field: 'itemId' })
    await refusedContent(engine, 'permission_denied', () => engine.addVariant('qian.yu', item.id, title('早餐')),
      { permission: 'content.edit' })

    // Results: numbers or BigInts; clicks never exceed impressions.
    const a1 = engine.recordVariantResults('li.na', a.id, 1000, 42)
    const a2 = engine.recordVariantResults('li.na', a.id, 1000n, 18n)
    assert.deepEqual([a1.impressions, a1.clicks, a2.impressions, a2.clicks, a2.clickRate], [1000, 42, 2000, 60, 0.03])
    assert.equal(engine.recordVariantResults('li.na', a.id, 0, 0n).clicks, 60)
    await refusedContent(engine, 'validation', () => engine.recordVariantResults('li.na', b.id, 10, 11), { field: 'clicks' })
    for (const [impressions, clicks, field] of [
      [-1, 0, 'impressions'], [-1n, 0, 'impressions'], [1.5, 0, 'impressions'], [NaN, 0, 'impressions'],
      [Infinity, 0, 'impressions'], [2 ** 53, 0, 'impressions'], [2n ** 64n, 0, 'impressions'], [-(2n ** 64n), 0, 'impressions'],
      [18_446_744_073_709_551_615n, 0, 'impressions'], [1, -0.5, 'clicks'], [1, -5n, 'clicks'],
    ]) {
      await refusedContent(engine, 'validation', () => engine.recordVariantResults('li.na', b.id, impressions, clicks), { field })
    }
    await refusedContent(engine, 'permission_denied', () => engine.recordVariantResults('chen.jie', b.id, 1, 0),
      { permission: 'metrics.ingest' })
    await refusedContent(engine, 'not_found', () => engine.recordVariantResults('li.na', 4242, 1, 0), { entity: 'variant', id: '4242' })
    for (const call of [
      () => engine.recordVariantResults('li.na', b.id, '10', 1),
      () => engine.recordVariantResults('li.na', b.id, 10, null),
      () => engine.recordVariantResults('li.na', b.id, 10),
      () => engine.recordVariantResults('li.na', b.id, { valueOf: () => 10 }, 1),
      () => engine.recordVariantResults('li.na', `${b.id}`, 10, 1),
      () => engine.addVariant('li.na', item.id, 'title'),
      () => engine.addVariant('li.na', item.id, { kind: 'title' }),
      () => engine.addVariant('li.na', item.id, { kind: 'title', text: 7 }),
      () => engine.contentVariants('1'),
      () => variantStyleOf(3),
    ]) {
      wrongTypeContent(engine, call)
    }
    assert.deepEqual(engine.contentVariants(item.id).map((v) => [v.id, v.impressions]), [[a.id, 2000], [b.id, 0], [c.id, 0]])
    await refusedContent(engine, 'not_found', () => engine.contentVariants(31337), { entity: 'content' })

    // SQL in a variant is just text.
    const sql = "'; DROP TABLE content_variant;--"
    assert.equal(engine.addVariant('li.na', item.id, title(sql)).text, sql)
  })

  it('derives pieces for other channels from a source', async () => {
    const engine = company()
    const item = engine.planContent('li.na', { kind: 'article', title: '早餐', channel: 'wechat_official_account' })
    engine.editContent('li.na', item.id, { title: '早餐', body: '三分钟早餐。', details: { paragraphSpacing: 1.5 } })
    const d = engine.deriveContent('li.na', item.id, { kind: 'image_post', title: '早餐 图文', channel: 'weibo', format: 'koc', ugc: true })
    assert.deepEqual([d.sourceId, d.state, d.version, d.title, d.channel, d.format, d.ugc, d.owner],
      [item.id, 'in_production', 1, '早餐 图文', 'weibo', 'koc', true, 'li.na'])
    const [v] = engine.contentVersions(d.id)
    assert.deepEqual([v.title, v.body, v.details.paragraphSpacing, v.author], ['早餐 图文', '三分钟早餐。', 1.5, 'li.na'])
    assert.deepEqual(engine.contentDerivatives(item.id), [d])
    assert.deepEqual(engine.contentDerivatives(d.id), [])
    assert.equal(engine.contentItem(item.id).sourceId, null)

    const empty = engine.planContent('li.na', { kind: 'article', title: '空', channel: 'zhihu' })
    await refusedContent(engine, 'conflict', () => engine.deriveContent('li.na', empty.id, { kind: 'sms', title: '短信', channel: 'sms_sender' }),
      { entity: 'content' })
    await refusedContent(engine, 'not_found', () => engine.deriveContent('li.na', 999, { kind: 'sms', title: '短信', channel: 'sms_sender' }),
      { entity: 'content', id: '999' })
    await refusedContent(engine, 'not_found', () => engine.contentDerivatives(31337), { entity: 'content' })
    await refusedContent(engine, 'permission_denied', () => engine.deriveContent('qian.yu', item.id, { kind: 'sms', title: '短信', channel: 'sms_sender' }),
      { permission: 'content.create' })
    await refusedContent(engine, 'validation', () => engine.deriveContent('li.na', item.id, { kind: 'fax', title: '传真', channel: 'fax' }),
      { field: 'kind' })
    for (const t of HOSTILE_TEXT) {
      await refusedContent(engine, 'validation', () => engine.deriveContent('li.na', item.id, { kind: 'sms', title: t, channel: 'sms_sender' }),
        { field: 'title' })
    }
    await refusedContent(engine, 'validation', () => engine.deriveContent('li.na', 1.5, { kind: 'sms', title: '短信', channel: 'sms_sender' }),
      { field: 'sourceId' })
    for (const call of [
      () => engine.deriveContent('li.na', item.id),
      () => engine.deriveContent('li.na', String(item.id), { kind: 'sms', title: '短信', channel: 'sms_sender' }),
      () => engine.deriveContent('li.na', item.id, { kind: 'sms', title: '短信' }),
      () => engine.contentDerivatives(null),
    ]) {
      wrongTypeContent(engine, call)
    }

    // A published item takes no more variants; its checklist has nothing that blocks.
    const id = approved(engine, { kind: 'image_post', title: '上新', channel: 'weibo' }, '上新。')
    engine.publishContent('chen.jie', id)
    await refusedContent(engine, 'conflict', () => engine.addVariant('li.na', id, { kind: 'title', text: '上新 2' }), { entity: 'content' })
    assert.equal(engine.prepublishCheck(id).blocking, 0)
  })
})
