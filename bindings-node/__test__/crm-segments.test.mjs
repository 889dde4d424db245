// Segments, personas, lifecycle stages and community tiers (CRM-4) and
// customer value (CRM-11) through the public JS API, following core's
// segment tests and tests/vectors/segments.json: a three-condition segment
// with a nested group and a window, defined from a plain object or its JSON
// text; incremental refresh as events arrive; time moving a member out on the
// manual clock; the policy's personas and their members; stages and tiers;
// RFM and the value report with CAC and LTV as decimal strings. Bad calls
// (bad rules, hostile names, persona names, missing permissions, unknown
// names and ids, rules JSON cannot hold, wrong JS types) throw a typed error
// and change nothing.
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { describe, it } from 'node:test'

import { ADMIN, BRANDRAIL_CODES, Engine, HOSTILE_HANDLES, HOSTILE_NAMES, refused, wrongType } from './helpers.mjs'

const { lifecycleStages, communityTiers } = createRequire(import.meta.url)('../index.js')

const KEY = Buffer.from('segment-test-key-32-bytes-long!!')
const DAY = 86_400_000
const NOW = new Date('2026-06-01T08:00:00Z')
const ago = (days) => new Date(NOW.getTime() - days * DAY)

/** An in-memory engine on a manual clock at NOW, with the staff of core's CRM tests. */
function company(options = { secretKey: KEY }) {
  const engine = Engine.inMemory({ ...options, clockStart: NOW })
  engine.bootstrap({ handle: ADMIN, displayName: 'IT', department: 'it' })
  for (const [handle, department] of [['li.na', 'marketing'], ['qian.yu', 'sales'], ['hr.one', 'hr'], ['zhao.min', 'executive']]) {
    engine.createPrincipal(ADMIN, { handle, displayName: handle, department })
  }
  engine.createPrincipal(ADMIN, { handle: 'data.ops', displayName: 'data', department: 'it', roles: ['data_steward'] })
  return engine
}

const phone = (value) => ({ kind: 'phone', value })
const purchase = (customerId, days, amount) => ({ customerId, kind: 'purchase', at: ago(days), amount })

/**
 * Five customers with profiles and behaviour, as in segments.json:
 * 1 Shanghai 25-34, purchases 10 and 80 days ago, community member (loyalty, repeat);
 * 2 Shanghai 45-54, purchases 10 and 20 days ago (loyalty);
 * 3 Shanghai, no age, purchases 10 and 120 days ago (decision);
 * 4 Beijing 18-24, an article, a product page and a product path step (decision);
 * 5 no profile, a 5000.00 purchase 200 days ago, community member (awareness, vip).
 */
function scenario(options) {
  const engine = company(options)
  const r = engine.ingestCustomers('li.na', [
    { identities: [phone('13800000001'), { kind: 'member_id', value: 'M-1' }], profile: { region: '上海', age_band: '25-34' } },
    { identities: [phone('13800000002')], profile: { region: '上海', age_band: '45-54' } },
    { identities: [phone('13800000003')], profile: { region: '上海' } },
    { identities: [phone('13800000004'), { kind: 'email', value: 'd@example.com' }], profile: { region: '北京', age_band: '18-24' } },
    { identities: [phone('13800000005')] },
  ])
  assert.deepEqual(r.customerIds, [1, 2, 3, 4, 5])
  const recorded = engine.recordInteractions('li.na', [
    purchase(1, 10, '100'), purchase(1, 80, '80'),
    purchase(2, 10, '100'), purchase(2, 20, '100'),
    purchase(3, 10, '30'), purchase(3, 120, '30'),
    { customerId: 4, kind: 'view', at: ago(3), page: 'article/5-minute-skincare' },
    { customerId: 4, kind: 'view', at: ago(2), page: '/product/12' },
    { customerId: 4, kind: 'path_step', at: ago(2), page: 'product' },
    purchase(5, 200, '5000.00'),
    { customerId: 5, kind: 'community_join', at: ago(30) },
    { customerId: 1, kind: 'community_join', at: ago(30) },
  ])
  assert.deepEqual([recorded.recorded, recorded.errors], [12, []])
  return engine
}

/** Shanghai repeat buyers (two purchases in 90 days), young or of unknown age. */
const SH_REPEAT = {
  all: [
    { field: { name: 'region', op: 'eq', value: '上海' } },
    { events: { kind: 'purchase', at_least: 2, within_days: 90 } },
    { any: [
      { field: { name: 'age_band', op: 'in', value: ['18-24', '25-34'] } },
      { not: { field: { name: 'age_band', op: 'exists' } } },
    ] },
  ],
}
const shRepeat = (rule = SH_REPEAT) => ({ name: 'sh-repeat', label: '上海复购', description: 'Shanghai repeat buyers', rule })

const PERSONAS = ['lapsed_buyers', 'loyal_members', 'young_professionals']

const ids = (members) => members.map((m) => m.customerId)

/** Every segment with all its members, as a marketer reads them: what a refused call must leave as it was. */
function segmentState(engine) {
  return engine.segments('li.na').map((s) => ({ ...s, memberList: engine.segmentMembers('li.na', s.name, 0, 100_000) }))
}

/** `refused` (helpers.mjs), also checking that no segment and no membership changed. */
async function refusedSeg(engine, code, call, extra) {
  const before = segmentState(engine)
  const error = await refused(engine, code, call, extra)
  assert.deepEqual(segmentState(engine), before, 'a refused call changes no segment')
  return error
}

describe('CRM-4: segments, personas, stages and tiers', () => {
  it('lists the lifecycle stages and community tiers', () => {
    assert.deepEqual(lifecycleStages(), ['awareness', 'interest', 'decision', 'loyalty'])
    assert.deepEqual(communityTiers(), ['new', 'repeat', 'vip'])
  })

  it('defines a three-condition segment with a nested group and a window, from an object or its JSON text', () => {
    const engine = scenario()
    const s = engine.defineSegment('li.na', shRepeat())
    assert.deepEqual(s, {
      name: 'sh-repeat', origin: 'custom', label: '上海复购', description: 'Shanghai repeat buyers', rule: SH_REPEAT,
      members: 1, refreshedAt: NOW, definedBy: 'li.na', definedAt: NOW,
    })
    assert.ok(s.refreshedAt instanceof Date && s.definedAt instanceof Date)
    // 1 qualifies; 2 is 45-54; 3's second purchase is 120 days old; 4 is in Beijing.
    assert.deepEqual(engine.segmentMembers('li.na', 'sh-repeat', 0, 10), [{ customerId: 1, stage: 'loyalty', tier: 'repeat' }])
    assert.equal(engine.segmentCount('li.na', 'sh-repeat'), 1)
    assert.deepEqual(engine.segment('qian.yu', 'sh-repeat'), s, 'read back by anyone with crm.read')

    // The same rule as JSON text defines the same segment.
    const fromText = engine.defineSegment('li.na', { ...shRepeat(JSON.stringify(SH_REPEAT)), name: 'sh-repeat-2' })
    assert.deepEqual(fromText.rule, SH_REPEAT)
    assert.equal(fromText.members, 1)

    // A preview counts without storing anything.
    assert.equal(engine.countCustomers('li.na', { field: { name: 'region', op: 'eq', value: '上海' } }), 3)
    assert.equal(engine.countCustomers('li.na', '{"field": {"name": "region", "op": "eq", "value": "北京"}}'), 1)
    assert.equal(engine.countCustomers('li.na', { all: [] }), 5, 'an empty all holds for everyone')
    assert.equal(engine.countCustomers('li.na', { any: [] }), 0, 'an empty any holds for no one')
    assert.equal(engine.countCustomers('li.na', { spend: { at_least: '5000' } }), 1)
    assert.equal(engine.countCustomers('li.na', { spend: { at_least: '29.50', at_most: '30.00', within_days: 90 } }), 1, 'customer 3: 30 in 90 days')
    assert.equal(engine.countCustomers('li.na', { has_identity: 'email' }), 1)
    assert.deepEqual(engine.segments('li.na').map((x) => x.name), [...PERSONAS, 'sh-repeat', 'sh-repeat-2'])

    // Defining is audited, with the member count.
    const audit = engine.auditQuery('zhao.min', { action: 'segment.define' })
    assert.deepEqual(audit.map((a) => [a.principal, a.entityId, a.outcome, a.detail]),
      [['li.na', 'sh-repeat', 'applied', 'defined members=1'], ['li.na', 'sh-repeat-2', 'applied', 'defined members=1']])
  })

  it('redefines a custom segment with a new rule, re-evaluating everyone', () => {
    const engine = scenario()
    engine.defineSegment('li.na', shRepeat())
    const wider = { all: [{ field: { name: 'region', op: 'eq', value: '上海' } }, { events: { kind: 'purchase', at_least: 2 } }] }
    const s = engine.defineSegment('li.na', { ...shRepeat(wider), label: '上海复购 (all time)' })
    assert.deepEqual([s.label, s.rule, s.members], ['上海复购 (all time)', { all: [wider.all[0], { events: { kind: 'purchase', at_least: 2 } }] }, 3])
    assert.deepEqual(ids(engine.segmentMembers('li.na', 'sh-repeat', 0, 10)), [1, 2, 3])
    assert.deepEqual(engine.auditQuery('zhao.min', { action: 'segment.define' }).map((a) => a.detail),
      ['defined members=1', 'redefined members=3'])
  })

  it('refreshes incrementally: one new purchase, one customer evaluated', async () => {
    const engine = scenario()
    engine.defineSegment('li.na', shRepeat())
    const first = engine.refreshSegments('li.na')
    assert.deepEqual(first.map((r) => r.name), [...PERSONAS, 'sh-repeat'])
    assert.deepEqual(first.find((r) => r.name === 'sh-repeat'), { name: 'sh-repeat', full: false, evaluated: 0, added: 0, removed: 0, members: 1 })

    engine.recordInteractions('li.na', [purchase(3, 0, '20')])
    const after = await engine.refreshSegmentsAsync('li.na')
    assert.deepEqual(after.find((r) => r.name === 'sh-repeat'), { name: 'sh-repeat', full: false, evaluated: 1, added: 1, removed: 0, members: 2 })
    assert.deepEqual(engine.segmentMembers('li.na', 'sh-repeat', 0, 10),
      [{ customerId: 1, stage: 'loyalty', tier: 'repeat' }, { customerId: 3, stage: 'loyalty', tier: null }])
    // Nothing changed since: nothing evaluated.
    assert.ok(engine.refreshSegments('li.na').every((r) => r.evaluated === 0 && !r.full))
    assert.deepEqual((await engine.segmentsAsync('li.na')).map((s) => [s.name, s.members]),
      engine.segments('li.na').map((s) => [s.name, s.members]))
  })

  it('lets time move a member out of a window, with nothing recorded (manual clock)', () => {
    const engine = scenario()
    engine.defineSegment('li.na', shRepeat())
    engine.recordInteractions('li.na', [purchase(3, 0, '20')])
    assert.deepEqual(ids(engine.segmentMembers('li.na', 'sh-repeat', 0, 10)), [1, 3])
    const auditBefore = engine.auditLen()

    // Customer 1's purchase of 80 days ago turns 95 days old.
    engine.advanceClock(15 * DAY)
    const r = engine.refreshSegments('li.na').find((x) => x.name === 'sh-repeat')
    assert.deepEqual(r, { name: 'sh-repeat', full: false, evaluated: 1, added: 0, removed: 1, members: 1 })
    assert.deepEqual(ids(engine.segmentMembers('li.na', 'sh-repeat', 0, 10)), [3])
    const s = engine.segment('li.na', 'sh-repeat')
    assert.deepEqual([s.members, s.refreshedAt], [1, new Date(NOW.getTime() + 15 * DAY)])
    assert.equal(engine.auditLen(), auditBefore, 'reads and refreshes record nothing')

    // Moving the clock back re-evaluates everyone and brings 1 back.
    engine.setClock(NOW)
    const back = engine.refreshSegments('li.na').find((x) => x.name === 'sh-repeat')
    assert.deepEqual([back.full, back.added, back.members], [true, 1, 2])
  })

  it('keeps the policy personas first, with their members and rules as plain data', async () => {
    const engine = scenario()
    engine.defineSegment('li.na', shRepeat())
    const all = engine.segments('qian.yu')
    const personas = all.filter((s) => s.origin === 'policy')
    assert.ok(personas.length >= 3, 'at least three core personas (CRM-4)')
    assert.deepEqual(all.map((s) => [s.name, s.origin, s.members]),
      [['lapsed_buyers', 'policy', 1], ['loyal_members', 'policy', 1], ['young_professionals', 'policy', 1], ['sh-repeat', 'custom', 1]])
    for (const p of personas) {
      assert.equal(p.definedBy, 'policy')
      assert.ok(p.label.length > 0 && p.description.length > 0)
    }
    assert.deepEqual(engine.segment('li.na', 'loyal_members').rule, {
      all: [{ has_identity: 'member_id' }, { any: [{ stage: ['loyalty'] }, { tier: ['repeat', 'vip'] }] }],
    })
    assert.deepEqual(engine.segment('li.na', 'lapsed_buyers').rule, {
      all: [{ events: { kind: 'purchase', at_least: 1 } }, { not: { events: { kind: 'purchase', at_least: 1, within_days: 180 } } }],
    })
    // 4 is 18-24 and viewed in the last 90 days; 1 has a member id and is loyal; 5 bought only 200 days ago.
    assert.deepEqual(engine.segmentMembers('li.na', 'young_professionals', 0, 10), [{ customerId: 4, stage: 'decision', tier: null }])
    assert.deepEqual(engine.segmentMembers('li.na', 'loyal_members', 0, 10), [{ customerId: 1, stage: 'loyalty', tier: 'repeat' }])
    assert.deepEqual(engine.segmentMembers('li.na', 'lapsed_buyers', 0, 10), [{ customerId: 5, stage: 'awareness', tier: 'vip' }])
    // A persona's own rule, given as a preview, counts the same.
    assert.equal(await engine.countCustomersAsync('li.na', engine.segment('li.na', 'young_professionals').rule), 1)
  })

  it('derives stages and tiers from behaviour, and follows merges and erasure', async () => {
    const engine = scenario()
    assert.deepEqual(engine.customerStanding('li.na', 4), {
      customerId: 4, stage: 'decision', tier: null, engagements: 3, productViews: 2, purchasesInWindow: 0, windowDays: 90,
    })
    assert.deepEqual(engine.customerStanding('li.na', 1), {
      customerId: 1, stage: 'loyalty', tier: 'repeat', engagements: 0, productViews: 0, purchasesInWindow: 2, windowDays: 90,
    })
    assert.deepEqual([engine.customerStanding('li.na', 3).stage, engine.customerStanding('li.na', 5).stage,
      engine.customerStanding('li.na', 5).tier], ['decision', 'awareness', 'vip'])
    assert.deepEqual(engine.lifecycleDistribution('li.na'), {
      customers: 5, awareness: 1, interest: 0, decision: 2, loyalty: 2, tierNew: 0, tierRepeat: 1, tierVip: 1,
    })

    // A row joining 2 and 4 merges 4 into 2: 4 reads as 2, with both histories.
    engine.ingestCustomers('qian.yu', [{ identities: [phone('13800000002'), { kind: 'email', value: 'd@example.com' }] }])
    const merged = engine.customerStanding('li.na', 4)
    assert.deepEqual([merged.customerId, merged.stage, merged.engagements, merged.purchasesInWindow], [2, 'loyalty', 3, 2])
    assert.equal(engine.lifecycleDistribution('li.na').customers, 4)

    engine.eraseCustomer('data.ops', 3, 'data-subject request')
    await refusedSeg(engine, 'not_found', () => engine.customerStanding('li.na', 3), { entity: 'customer', id: '3' })
    assert.deepEqual(engine.lifecycleDistribution('li.na'), {
      customers: 3, awareness: 1, interest: 0, decision: 0, loyalty: 2, tierNew: 0, tierRepeat: 1, tierVip: 1,
    })
  })

  it('pages members by customer id', async () => {
    const engine = scenario()
    engine.defineSegment('li.na', { name: 'everyone', label: '全部', description: 'all customers', rule: { all: [] } })
    assert.deepEqual(ids(engine.segmentMembers('li.na', 'everyone', 0, 100_000)), [1, 2, 3, 4, 5])
    assert.deepEqual(ids(engine.segmentMembers('li.na', 'everyone', 1, 2)), [2, 3])
    assert.deepEqual(ids(engine.segmentMembers('li.na', 'everyone', 4, 2)), [5])
    assert.deepEqual(engine.segmentMembers('li.na', 'everyone', 5, 2), [])
    assert.deepEqual(engine.segmentMembers('li.na', 'everyone', 2 ** 53 - 1, 1), [])
    for (const limit of [0, 100_001, -1]) {
      await refusedSeg(engine, 'validation', () => engine.segmentMembers('li.na', 'everyone', 0, limit), { field: 'limit' })
    }
    for (const bad of [1.5, NaN, Infinity, 2 ** 53]) {
      await refusedSeg(engine, 'validation', () => engine.segmentMembers('li.na', 'everyone', bad, 10), { field: 'offset' })
      await refusedSeg(engine, 'validation', () => engine.segmentMembers('li.na', 'everyone', 0, bad), { field: 'limit' })
    }
    await refusedSeg(engine, 'validation', () => engine.segmentMembers('li.na', 'everyone', -1, 10), { field: 'offset' })
  })

  it('deletes custom segments, never personas', async () => {
    const engine = scenario()
    engine.defineSegment('li.na', shRepeat())
    assert.equal(engine.deleteSegment('li.na', 'sh-repeat'), undefined)
    assert.deepEqual(engine.segments('li.na').map((s) => s.name), PERSONAS)
    await refusedSeg(engine, 'not_found', () => engine.segment('li.na', 'sh-repeat'), { entity: 'segment', id: 'sh-repeat' })
    await refusedSeg(engine, 'not_found', () => engine.deleteSegment('li.na', 'sh-repeat'), { entity: 'segment', id: 'sh-repeat' })
    for (const persona of PERSONAS) {
      await refusedSeg(engine, 'conflict', () => engine.deleteSegment('li.na', persona), { entity: 'segment', id: persona })
    }
    const [deleted] = engine.auditQuery('zhao.min', { action: 'segment.delete' })
    assert.deepEqual([deleted.principal, deleted.entityId, deleted.outcome], ['li.na', 'sh-repeat', 'applied'])
  })
})

describe('CRM-4: bad rules and bad calls throw a typed error and change nothing', () => {
  it('refuses bad rules with validation and the path at fault', async () => {
    const engine = scenario()
    engine.defineSegment('li.na', shRepeat())
    const bad = [
      [{ field: { name: 'national_id', op: 'eq', value: '1' } }, 'rule.field.name'],
      [{ field: { name: 'no_such_field', op: 'exists' } }, 'rule.field.name'],
      [{ events: { kind: 'purchase', within_days: 0 } }, 'rule.events'],
      [{ events: { kind: 'purchase', within_days: 11_001 } }, 'rule.events'],
      [{ events: { kind: 'purchse' } }, 'rule.events.kind'],
      [{ events: { kind: 'purchase', within: 90 } }, 'rule.events.within'],
      [{ events: { kind: 'purchase', at_least: 3, at_most: 2 } }, 'rule.events'],
      [{ events: { kind: 'purchase', at_least: 2.5 } }, 'rule.events.at_least'],
      [{ events: { kind: 'purchase', at_least: -1 } }, 'rule.events.at_least'],
      [{ all: [{ stage: ['loyalty'] }, { events: { kind: 'view', within_days: 0 } }] }, 'rule.all[1].events'],
      [{ any: [{ tier: ['gold'] }] }, 'rule.any[0].tier[0]'],
      [{ stage: [] }, 'rule.stage'],
      [{ spend: { at_least: '-5' } }, 'rule.spend'],
      [{ spend: {} }, 'rule.spend'],
      // Amounts are exact decimal text, as everywhere in the API: a number
      // (not exact once a float) or an exponent is refused at its path.
      [{ spend: { at_least: 1000 } }, 'rule.spend.at_least'],
      [{ spend: { at_most: 99.5 } }, 'rule.spend.at_most'],
      [{ spend: { at_least: '1e3' } }, 'rule.spend.at_least'],
      [{ spend: { at_least: '1_000' } }, 'rule.spend.at_least'],
      [{ all: [{ spend: { at_least: '100', at_most: 5000 } }] }, 'rule.all[0].spend.at_most'],
      [{ field: { name: 'region', op: 'eq', value: 'x\u202ey' } }, 'rule.field.value'],
      [{ field: { name: 'region', op: 'eq' } }, 'rule.field'],
      [{ field: { name: 'region', op: 'eq', value: ['x'] } }, 'rule.field'],
      [{ consent: { channel: 'We Chat!', purpose: 'marketing' } }, 'rule.consent'],
      [{ has_identity: 'passport' }, 'rule.has_identity'],
      [{ first_seen: { within_days: 0 } }, 'rule.first_seen'],
      [{ alll: [] }, 'rule'],
      [{ all: [], any: [] }, 'rule'],
      [{}, 'rule'],
      [[], 'rule'],
      [null, 'rule'],
      [42, 'rule'],
      ['', 'rule'],
      ['{"all": [', 'rule.all'],
      ['not json', 'rule'],
    ]
    // Nine groups deep, and 65 conditions.
    let deep = { all: [] }
    for (let i = 0; i < 9; i++) deep = { not: deep }
    bad.push([deep, 'rule.not.not.not.not.not.not.not.not.not'])
    bad.push([{ any: Array.from({ length: 64 }, () => ({ stage: ['loyalty'] })) }, 'rule.any[63]'])
    for (const [rule, field] of bad) {
      const error = await refusedSeg(engine, 'validation', () => engine.defineSegment('li.na', { ...shRepeat(rule), name: 'bad' }), { field })
      assert.ok(error.message.length > 0 && !error.message.includes('\u202e'), error.message)
      await refusedSeg(engine, 'validation', () => engine.countCustomers('li.na', rule), { field })
      await refusedSeg(engine, 'validation', () => engine.countCustomersAsync('li.na', rule), { field })
      // Redefining an existing segment with a bad rule keeps the old one.
      await refusedSeg(engine, 'validation', () => engine.defineSegment('li.na', shRepeat(rule)), { field })
    }
    assert.deepEqual(engine.segment('li.na', 'sh-repeat').rule, SH_REPEAT)
  })

  it('refuses what JSON cannot hold with validation naming the place in the rule', async () => {
    const engine = scenario()
    const cyclic = { all: [] }
    cyclic.all.push(cyclic)
    const odd = { all: [{}] }
    odd.all[0]['x\u202ey'] = () => 1
    const cases = [
      [() => 1, 'rule'],
      [{ all: [{ stage: ['loyalty'] }, () => 1] }, 'rule.all[1]'],
      [{ not: { events: { kind: 'purchase', at_least: () => 2 } } }, 'rule.not.events.at_least'],
      [{ all: [Symbol('x')] }, 'rule.all[0]'],
      [{ events: { kind: 'purchase', at_least: 2n } }, 'rule.events.at_least'],
      [{ events: { kind: 'purchase', at_least: NaN } }, 'rule.events.at_least'],
      [{ events: { kind: 'purchase', within_days: Infinity } }, 'rule.events.within_days'],
      [{ all: [undefined] }, 'rule.all[0]'],
      [{ all: [, { stage: ['loyalty'] }] }, 'rule.all[0]'],
      [{ all: new Array(2 ** 32 - 1) }, 'rule.all[0]'],
      [{ first_seen: new Date() }, 'rule.first_seen'],
      [{ all: Buffer.from('[]') }, 'rule.all'],
      [{ all: new Uint8Array(2) }, 'rule.all'],
      [{ all: [Promise.resolve()] }, 'rule.all[0]'],
      [cyclic, 'rule'],
      [{ field: { name: 'region', op: 'in', value: new Array(100_001).fill('x') } }, 'rule'],
      // A key that is not a plain name is left out of the field.
      [odd, 'rule.all[0]'],
    ]
    for (const [rule, field] of cases) {
      const e = await refusedSeg(engine, 'validation', () => engine.countCustomers('li.na', rule), { field })
      assert.ok(!e.message.includes('\u202e'), e.message)
      await refusedSeg(engine, 'validation', () => engine.countCustomersAsync('li.na', rule), { field })
      await refusedSeg(engine, 'validation', () => engine.defineSegment('li.na', { ...shRepeat(rule), name: 'bad' }), { field })
    }
    // A rule left out of a call is a missing rule (in a SegmentDef, a missing field: see the wrong-type test).
    await refusedSeg(engine, 'validation', () => engine.countCustomers('li.na'), { field: 'rule' })
    await refusedSeg(engine, 'validation', () => engine.countCustomersAsync('li.na', undefined), { field: 'rule' })
    // A property set to undefined is left out, as JSON.stringify leaves it out.
    assert.equal(engine.countCustomers('li.na', { field: { name: 'age_band', op: 'exists', value: undefined } }), 3)
    // An exception thrown while the rule is read is thrown as it is.
    const boom = new Error('boom')
    const before = segmentState(engine)
    assert.throws(() => engine.countCustomers('li.na', { get all() { throw boom } }), (e) => e === boom)
    assert.deepEqual(segmentState(engine), before)
  })

  it('reads the rule when countCustomersAsync is called', async () => {
    const engine = scenario()
    const rule = { field: { name: 'region', op: 'eq', value: '上海' } }
    const pending = engine.countCustomersAsync('li.na', rule)
    assert.ok(pending instanceof Promise)
    rule.field.value = '北京'
    assert.equal(await pending, 3)
  })

  it('refuses hostile and persona names, and defining without segment.manage', async () => {
    const engine = scenario()
    for (const name of HOSTILE_HANDLES) {
      await refusedSeg(engine, 'validation', () => engine.defineSegment('li.na', { ...shRepeat(), name }), { field: 'name' })
    }
    await refusedSeg(engine, 'validation', () => engine.defineSegment('li.na', { ...shRepeat(), name: "'; DROP TABLE segment; --" }), { field: 'name' })
    for (const label of HOSTILE_NAMES) {
      await refusedSeg(engine, 'validation', () => engine.defineSegment('li.na', { ...shRepeat(), label }), { field: 'label' })
      await refusedSeg(engine, 'validation', () => engine.defineSegment('li.na', { ...shRepeat(), description: label }), { field: 'description' })
    }
    for (const persona of PERSONAS) {
      await refusedSeg(engine, 'conflict', () => engine.defineSegment('li.na', { ...shRepeat(), name: persona }), { entity: 'segment', id: persona })
    }
    await refusedSeg(engine, 'permission_denied', () => engine.defineSegment('qian.yu', { ...shRepeat(), name: 'mine' }),
      { principal: 'qian.yu', permission: 'segment.manage' })
    await refusedSeg(engine, 'permission_denied', () => engine.defineSegment('nobody', shRepeat()), { permission: 'segment.manage' })
    assert.equal(engine.can('li.na', 'segment.manage'), true)
    assert.equal(engine.can('qian.yu', 'segment.manage'), false)

    engine.defineSegment('li.na', shRepeat())
    await refusedSeg(engine, 'permission_denied', () => engine.deleteSegment('qian.yu', 'sh-repeat'), { permission: 'segment.manage' })
    const denied = engine.auditQuery('zhao.min', { action: 'segment.define' }).filter((a) => a.outcome === 'denied')
    assert.deepEqual(denied.map((a) => a.principal), ['qian.yu', 'nobody'])
  })

  it('refuses reads without crm.read, and unknown names and ids', async () => {
    const engine = scenario()
    const rule = { all: [] }
    for (const call of [
      () => engine.segments('hr.one'),
      () => engine.segmentsAsync('hr.one'),
      () => engine.segment('hr.one', 'loyal_members'),
      () => engine.segmentCount('hr.one', 'loyal_members'),
      () => engine.segmentMembers('hr.one', 'loyal_members', 0, 10),
      () => engine.refreshSegments('hr.one'),
      () => engine.refreshSegmentsAsync('hr.one'),
      () => engine.countCustomers('hr.one', rule),
      () => engine.countCustomersAsync('hr.one', rule),
      () => engine.customerStanding('hr.one', 1),
      () => engine.lifecycleDistribution('hr.one'),
      () => engine.segments('nobody'),
    ]) {
      await refusedSeg(engine, 'permission_denied', call, { permission: 'crm.read' })
    }
    for (const name of ['no-such', '', "'; DROP TABLE segment; --", 'x'.repeat(100_000)]) {
      await refusedSeg(engine, 'not_found', () => engine.segment('li.na', name), { entity: 'segment', id: name })
      await refusedSeg(engine, 'not_found', () => engine.segmentCount('li.na', name), { entity: 'segment' })
      await refusedSeg(engine, 'not_found', () => engine.segmentMembers('li.na', name, 0, 10), { entity: 'segment' })
      await refusedSeg(engine, 'not_found', () => engine.deleteSegment('li.na', name), { entity: 'segment' })
    }
    await refusedSeg(engine, 'not_found', () => engine.customerStanding('li.na', 99), { entity: 'customer', id: '99' })
    for (const id of [1.5, NaN, Infinity, 2 ** 53]) {
      await refusedSeg(engine, 'validation', () => engine.customerStanding('li.na', id), { field: 'id' })
    }
  })

  it('throws napi-rs codes for values of the wrong JS type, before anything is done', () => {
    const engine = scenario()
    engine.defineSegment('li.na', shRepeat())
    const before = segmentState(engine)
    const good = shRepeat()
    for (const call of [
      () => engine.defineSegment('li.na', 'sh-repeat'),
      () => engine.defineSegment('li.na', null),
      () => engine.defineSegment('li.na'),
      () => engine.defineSegment('li.na', { ...good, name: 42 }),
      () => engine.defineSegment('li.na', { ...good, label: null }),
      () => engine.defineSegment('li.na', { name: 'x1', label: 'x', description: 'x' }),
      () => engine.defineSegment(42, good),
      () => engine.deleteSegment('li.na', 42),
      () => engine.segment('li.na'),
      () => engine.segment('li.na', ['sh-repeat']),
      () => engine.segmentCount(null, 'sh-repeat'),
      () => engine.segments(),
      () => engine.segmentsAsync(42),
      () => engine.refreshSegmentsAsync(null),
      () => engine.segmentMembers('li.na', 'sh-repeat', '0', 10),
      () => engine.segmentMembers('li.na', 'sh-repeat', 0, 10n),
      () => engine.segmentMembers('li.na', 'sh-repeat', 0),
      () => engine.countCustomers(42, { all: [] }),
      () => engine.countCustomersAsync(null, { all: [] }),
      () => engine.customerStanding('li.na', '1'),
      () => engine.customerStanding('li.na', 1n),
      () => engine.lifecycleDistribution(),
      () => engine.rfm(42),
      () => engine.rfmAsync(null),
      () => engine.customerValue('li.na', '2026-01-01', NOW),
      () => engine.customerValue('li.na', ago(10), NOW.getTime()),
      () => engine.customerValue('li.na', ago(10), NOW, 500),
      () => engine.customerValue('li.na', ago(10)),
    ]) {
      wrongType(engine, call)
      assert.throws(call, (e) => typeof e.code === 'string' && !BRANDRAIL_CODES.has(e.code))
    }
    assert.deepEqual(segmentState(engine), before)
  })
})

describe('CRM-11: RFM and customer value', () => {
  it('scores RFM by quintile, with amounts as decimal strings, for clearance only', async () => {
    const engine = scenario()
    const rfm = engine.rfm('data.ops')
    // Last purchases: 1, 2 and 3 ten days ago (frequency 2 each in the
    // 365-day window), 5 two hundred days ago.
    assert.deepEqual(rfm, [
      { customerId: 1, lastPurchaseAt: ago(10), recencyDays: 10, frequency: 2, monetary: '180', recencyScore: 2, frequencyScore: 2, monetaryScore: 2 },
      { customerId: 2, lastPurchaseAt: ago(10), recencyDays: 10, frequency: 2, monetary: '200', recencyScore: 2, frequencyScore: 2, monetaryScore: 3 },
      { customerId: 3, lastPurchaseAt: ago(10), recencyDays: 10, frequency: 2, monetary: '60', recencyScore: 2, frequencyScore: 2, monetaryScore: 1 },
      { customerId: 5, lastPurchaseAt: ago(200), recencyDays: 200, frequency: 1, monetary: '5000.00', recencyScore: 1, frequencyScore: 1, monetaryScore: 4 },
    ])
    assert.ok(rfm.every((r) => r.lastPurchaseAt instanceof Date))
    assert.deepEqual(await engine.rfmAsync('data.ops'), rfm)
    // Merged customers count for the survivor.
    engine.ingestCustomers('qian.yu', [{ identities: [phone('13800000002'), phone('13800000003')] }])
    const after = engine.rfm('data.ops')
    assert.deepEqual(after.map((r) => [r.customerId, r.frequency, r.monetary]), [[1, 2, '180'], [2, 4, '260'], [5, 1, '5000.00']])

    await refusedSeg(engine, 'permission_denied', () => engine.rfm('li.na'), { principal: 'li.na', permission: 'crm.read_sensitive' })
    await refusedSeg(engine, 'permission_denied', () => engine.rfmAsync('li.na'), { permission: 'crm.read_sensitive' })
  })

  it('reports value figures of a period with CAC and LTV', async () => {
    const engine = scenario()
    const from = new Date('2026-01-01T00:00:00Z')
    const to = new Date('2026-07-01T00:00:00Z')
    const v = engine.customerValue('li.na', from, to, '500')
    // In the period: 1, 2 and 3 bought twice each (440 in all); 5's purchase
    // is older. All five customers were first seen in it.
    assert.deepEqual(v, {
      from, to, buyers: 3, purchases: 6, revenue: '440', averageOrderValue: '73.33', purchaseFrequency: 2,
      repeatBuyers: 3, repurchaseRate: 1, newCustomers: 5, acquisitionSpend: '500', cac: '100.00',
      ltv: '887.25', ltvToCac: 8.8725,
    })
    // LTV = average order value x purchases per buyer per year x 3 years x margin 1.
    const days = (to - from) / DAY
    assert.ok(Math.abs(Number(v.ltv) - 73.33 * 2 * (365 / days) * 3) < 0.05, v.ltv)

    const none = engine.customerValue('qian.yu', from, to)
    assert.deepEqual([none.acquisitionSpend, none.cac, none.ltvToCac, none.revenue], [null, null, null, '440'])
    assert.deepEqual(engine.customerValue('li.na', from, to, null), none)
    const empty = engine.customerValue('li.na', new Date('2020-01-01T00:00:00Z'), new Date('2020-02-01T00:00:00Z'), '0')
    assert.deepEqual([empty.buyers, empty.repurchaseRate, empty.newCustomers, empty.cac, empty.ltvToCac], [0, 0, 0, null, null])
  })

  it('refuses bad periods, bad spend, missing permission and a missing key', async () => {
    const engine = scenario()
    const from = new Date('2026-01-01T00:00:00Z')
    const to = new Date('2026-07-01T00:00:00Z')
    await refusedSeg(engine, 'validation', () => engine.customerValue('li.na', to, from), { field: 'to' })
    await refusedSeg(engine, 'validation', () => engine.customerValue('li.na', from, from), { field: 'to' })
    await refusedSeg(engine, 'validation', () => engine.customerValue('li.na', new Date(NaN), to), { field: 'from' })
    await refusedSeg(engine, 'validation', () => engine.customerValue('li.na', from, new Date(NaN)), { field: 'to' })
    for (const spend of ['-1', '1e3', '', '1_000', '+5', 'x\u202e1', 'NaN', '9'.repeat(40)]) {
      const e = await refusedSeg(engine, 'validation', () => engine.customerValue('li.na', from, to, spend), { field: 'acquisitionSpend' })
      assert.ok(!e.message.includes('\u202e'), e.message)
    }
    await refusedSeg(engine, 'permission_denied', () => engine.customerValue('hr.one', from, to, '500'), { permission: 'crm.read' })

    const keyless = company({})
    for (const call of [() => keyless.rfm('data.ops'), () => keyless.rfmAsync('data.ops'), () => keyless.customerValue('li.na', from, to)]) {
      await refusedSeg(keyless, 'configuration', call)
    }
  })
})
