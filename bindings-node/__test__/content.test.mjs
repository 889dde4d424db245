// Content items (CON-1, CON-2) through the public JS API, following core's
// tests/content.rs: an ad flagged by the compliance checker (CON-3), fixed,
// reviewed by brand and legal through the approval methods, approved,
// scheduled, published and closed on a manual clock; a rejection sending an
// item back to production; an edit voiding an approval; refusals and bad
// input. A refused call changes nothing.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { HOUR, refused, seeded, wrongType } from './helpers.mjs'

const START = new Date('2026-11-01T02:00:00Z')

const ad = (overrides = {}) => ({ kind: 'ad_creative', title: '双十一 广告', channel: 'douyin', isAd: true, ...overrides })

/** Items `ids` with their versions, to show a refused call changed none of them. */
const items = (engine, ids) => ids.map((id) => [engine.contentItem(id), engine.contentVersions(id)])

/** `refused` (helpers.mjs), also checking that the content items `ids` are unchanged. */
async function refusedContent(engine, ids, code, call, extra) {
  const before = items(engine, ids)
  const error = await refused(engine, code, call, extra)
  assert.deepEqual(items(engine, ids), before, 'a refused call changes no content')
  return error
}

describe('content lifecycle (CON-1, CON-2)', () => {
  it('flags, fixes, reviews, approves, schedules, publishes and closes an ad', async () => {
    const engine = seeded({ clockStart: START })
    const item = engine.planContent('li.na', ad())
    assert.deepEqual(item, {
      id: 1, kind: 'ad_creative', title: '双十一 广告', channel: 'douyin', owner: 'li.na', state: 'planned',
      version: 0, isAd: true, sensitive: false, ugc: false, format: null, sourceId: null, themeId: null,
      approvalId: null, scheduledAt: null, publishedAt: null, createdAt: START, updatedAt: START,
    })
    assert.deepEqual(engine.contentItem(item.id), item)
    assert.deepEqual(engine.contentVersions(item.id), [])
    // Nothing written yet.
    await refusedContent(engine, [item.id], 'conflict', () => engine.submitContent('li.na', item.id),
      { entity: 'content', id: '1' })

    engine.advanceClock(HOUR)
    const v1 = engine.editContent('li.na', item.id, { title: '双十一 广告', body: '全网最佳的羊绒围巾，国家级工艺！' })
    assert.deepEqual([v1.state, v1.version, v1.updatedAt], ['in_production', 1, engine.now()])
    const flagged = await refusedContent(engine, [item.id], 'policy_violation',
      () => engine.submitContent('li.na', item.id), { rule: 'CON-3' })
    assert.match(flagged.message, /CON-3/)
    assert.equal(engine.contentItem(item.id).state, 'in_production')

    const fixed = engine.editContent('li.na', item.id, { title: '双十一 广告', body: '【广告】优质羊绒围巾，工艺考究。' })
    assert.equal(fixed.version, 2)
    const submitted = engine.submitContent('li.na', item.id)
    assert.equal(submitted.state, 'in_review')
    assert.ok(Number.isSafeInteger(submitted.approvalId))
    const review = engine.approval(submitted.approvalId)
    assert.equal(review.workflow, 'content_review')
    assert.equal(review.subject.kind, 'content_version')
    assert.equal(review.subject.reference, `content-${item.id}/v2`)
    assert.deepEqual(review.subject.attributes, { is_ad: 'true', sensitive: 'false', kind: 'ad_creative' })
    await refusedContent(engine, [item.id], 'conflict',
      () => engine.editContent('li.na', item.id, { title: 'x', body: 'y' }), { entity: 'content' })
    await refusedContent(engine, [item.id], 'policy_violation', () => engine.publishContent('chen.jie', item.id),
      { rule: 'CON-2' })

    engine.approve('chen.jie', review.id, { comment: '符合品牌规范' })
    assert.equal(engine.contentItem(item.id).state, 'in_review', 'ads also need legal')
    engine.approve('sun.li', review.id, { comment: '无违规用语' })
    assert.equal(engine.contentItem(item.id).state, 'approved')

    const at = new Date(engine.now().getTime() + 6 * HOUR)
    await refusedContent(engine, [item.id], 'validation',
      () => engine.scheduleContent('li.na', item.id, new Date(engine.now().getTime() - HOUR)), { field: 'at' })
    await refusedContent(engine, [item.id], 'validation',
      () => engine.scheduleContent('li.na', item.id, new Date(NaN)), { field: 'at' })
    const scheduled = engine.scheduleContent('li.na', item.id, at)
    assert.deepEqual([scheduled.state, scheduled.scheduledAt], ['scheduled', at])
    await refusedContent(engine, [item.id], 'permission_denied', () => engine.publishContent('li.na', item.id),
      { principal: 'li.na', permission: 'content.publish' })

    const publishedAt = engine.advanceClock(6 * HOUR)
    const published = engine.publishContent('chen.jie', item.id)
    assert.deepEqual([published.state, published.publishedAt, published.scheduledAt], ['published', publishedAt, at])
    await refusedContent(engine, [item.id], 'conflict',
      () => engine.editContent('li.na', item.id, { title: 'x', body: 'y' }))
    const closed = engine.closeContent('li.na', item.id)
    assert.equal(closed.state, 'retrospective')
    assert.deepEqual(engine.contentItem(item.id), closed)

    const versions = engine.contentVersions(item.id)
    assert.deepEqual(versions.map((v) => [v.itemId, v.version, v.author]), [[1, 1, 'li.na'], [1, 2, 'li.na']])
    assert.match(versions[0].body, /最佳/, 'every version is kept')
    assert.deepEqual(versions[0].createdAt, new Date(START.getTime() + HOUR))
    assert.ok(versions.every((v) => v.createdAt instanceof Date && v.title === '双十一 广告'))
    assert.ok((await engine.verifyAudit()).ok)
    const actions = engine.auditQuery('zhao.min', { entityType: 'content', outcome: 'applied' }).map((r) => r.action)
    assert.deepEqual(actions, [
      'content.plan', 'content.edit', 'content.edit', 'content.submit', 'content.review_outcome',
      'content.schedule', 'content.publish', 'content.close',
    ])
  })

  it('returns rejected content to production; an edit voids an approval', async () => {
    const engine = seeded({ clockStart: START })
    const item = engine.planContent('li.na', ad({ isAd: false }))
    engine.editContent('li.na', item.id, { title: '探店笔记', body: '周末去了新开的门店，环境不错。' })
    const first = engine.submitContent('li.na', item.id).approvalId
    engine.reject('chen.jie', first, '配图不符合 VI')
    const rejected = engine.contentItem(item.id)
    assert.deepEqual([rejected.state, rejected.approvalId], ['in_production', first])

    engine.editContent('li.na', item.id, { title: '探店笔记', body: '周末去了新开的门店，环境不错，配图已更新。' })
    const second = engine.submitContent('li.na', item.id).approvalId
    assert.notEqual(second, first)
    assert.deepEqual(engine.approval(second).stages.map((s) => [s.name, s.state]),
      [['brand', 'active'], ['legal', 'skipped'], ['supervisor', 'skipped']], 'no legal stage for a non-ad')
    engine.approve('chen.jie', second)
    assert.equal(engine.contentItem(item.id).state, 'approved')

    // The approval covered version 2.
    const edited = engine.editContent('li.na', item.id, { title: '探店笔记', body: '改了一个字。' })
    assert.deepEqual([edited.state, edited.version, edited.approvalId], ['in_production', 3, null])
    await refusedContent(engine, [item.id], 'policy_violation',
      () => engine.scheduleContent('li.na', item.id, new Date(engine.now().getTime() + HOUR)), { rule: 'CON-2' })
  })

  it('sends sensitive content to a supervisor too', () => {
    const engine = seeded()
    const item = engine.planContent('li.na', { kind: 'article', title: '行业观察', channel: 'wechat_official_account', sensitive: true })
    assert.deepEqual([item.isAd, item.sensitive], [false, true])
    engine.editContent('li.na', item.id, { title: '行业观察', body: '今年的新品发布会。' })
    const review = engine.approval(engine.submitContent('li.na', item.id).approvalId)
    assert.deepEqual(review.stages.map((s) => [s.name, s.state]),
      [['brand', 'active'], ['legal', 'skipped'], ['supervisor', 'waiting']])
  })
})

describe('content refusals and bad input', () => {
  it('refuses bad items, texts and ids', async () => {
    const engine = seeded({ clockStart: START })
    await refused(engine, 'validation', () => engine.planContent('li.na', ad({ title: '' })), { field: 'title' })
    await refused(engine, 'validation', () => engine.planContent('li.na', ad({ title: 'a\u202eb' })), { field: 'title' })
    await refused(engine, 'validation', () => engine.planContent('li.na', ad({ channel: 'Dou Yin' })), { field: 'channel' })
    const kind = await refused(engine, 'validation', () => engine.planContent('li.na', ad({ kind: 'podcast' })),
      { field: 'kind' })
    assert.match(kind.message, /ad_creative/, 'the message lists the kinds')
    await refused(engine, 'permission_denied', () => engine.planContent('sun.li.x', ad()))
    await refused(engine, 'permission_denied', () => engine.planContent('sun.li', ad()), { permission: 'content.create' })
    await refused(engine, 'not_found', () => engine.contentItem(1), { entity: 'content', id: '1' })

    const item = engine.planContent('li.na', ad())
    const mine = [item.id]
    for (const body of ['', '   ', 'a\u0000b', 'esc\u001b[31m', '长'.repeat(400_000)]) {
      await refusedContent(engine, mine, 'validation',
        () => engine.editContent('li.na', item.id, { title: 't', body }), { field: 'body' })
    }
    await refusedContent(engine, mine, 'validation',
      () => engine.editContent('li.na', item.id, { title: '', body: 'b' }), { field: 'title' })
    await refusedContent(engine, mine, 'not_found', () => engine.editContent('li.na', 999, { title: 't', body: 'b' }),
      { entity: 'content', id: '999' })
    await refusedContent(engine, mine, 'not_found', () => engine.contentVersions(999))
    await refusedContent(engine, mine, 'conflict', () => engine.closeContent('li.na', item.id))
    await refusedContent(engine, mine, 'policy_violation', () => engine.publishContent('chen.jie', item.id))
    await refusedContent(engine, mine, 'policy_violation',
      () => engine.scheduleContent('li.na', item.id, new Date(engine.now().getTime() + HOUR)))
    for (const id of [1.5, -1.5, NaN, Infinity, 2 ** 53, -(2 ** 53)]) {
      for (const call of [
        () => engine.contentItem(id),
        () => engine.contentVersions(id),
        () => engine.editContent('li.na', id, { title: 't', body: 'b' }),
        () => engine.submitContent('li.na', id),
        () => engine.scheduleContent('li.na', id, new Date(engine.now().getTime() + HOUR)),
        () => engine.publishContent('chen.jie', id),
        () => engine.closeContent('li.na', id),
      ]) {
        await refusedContent(engine, mine, 'validation', call, { field: 'id' })
      }
    }

    // SQL in a body is just text; a long body within 1 MiB is kept whole.
    const sql = "'); DROP TABLE content_item;--"
    engine.editContent('li.na', item.id, { title: 't', body: sql })
    const long = '长'.repeat(300_000)
    engine.editContent('li.na', item.id, { title: 't', body: long })
    assert.deepEqual(engine.contentVersions(item.id).map((v) => v.body), [sql, long])
  })

  it('refuses arguments of the wrong type before reaching the engine', () => {
    const engine = seeded()
    const item = engine.planContent('li.na', ad())
    const later = new Date(Date.now() + HOUR)
    for (const call of [
      () => engine.planContent('li.na'),
      () => engine.planContent('li.na', 'ad'),
      () => engine.planContent('li.na', { title: 't', channel: 'douyin' }),
      () => engine.planContent('li.na', ad({ isAd: 'yes' })),
      () => engine.planContent('li.na', ad({ sensitive: 1 })),
      () => engine.planContent(42, ad()),
      () => engine.editContent('li.na', item.id, { title: 't' }),
      () => engine.editContent('li.na', item.id, 'body'),
      () => engine.editContent('li.na', String(item.id), { title: 't', body: 'b' }),
      () => engine.submitContent('li.na', 1n),
      () => engine.scheduleContent('li.na', item.id, later.getTime()),
      () => engine.scheduleContent('li.na', item.id, later.toISOString()),
      () => engine.scheduleContent('li.na', item.id),
      () => engine.contentItem('1'),
      () => engine.contentVersions(null),
    ]) {
      const before = items(engine, [item.id])
      wrongType(engine, call)
      assert.deepEqual(items(engine, [item.id]), before)
    }
  })
})
