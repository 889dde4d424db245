// Interactions (CRM-3) through the public JS API, following core's
// tests/crm.rs (crm3_interactions_purchases_and_funnels): batches recorded
// with a per-row report, click-path funnels per customer and in aggregate,
// purchase summaries with decimal-string amounts, masked and clear history, a
// merge carrying history, erasure removing it. Bad calls (wrong JS types, bad
// funnels, missing permissions) throw a typed error and change nothing.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { ADMIN, BRANDRAIL_CODES, Engine, refused, wrongType } from './helpers.mjs'
import { createRequire } from 'node:module'

const { interactionKinds } = createRequire(import.meta.url)('../index.js')

const KEY = Buffer.from('crm-test-key-crm-test-key-32byte')
const DAY = 86_400_000
const MINUTE = 60_000
const NOW = new Date('2026-11-11T12:00:00Z')

/** An in-memory engine on a manual clock at NOW, with the staff of core's CRM tests. */
function company(options = { secretKey: KEY }) {
  const engine = Engine.inMemory({ ...options, clockStart: NOW })
  engine.bootstrap({ handle: ADMIN, displayName: 'IT', department: 'it' })
  for (const [handle, department] of [['li.na', 'marketing'], ['qian.yu', 'sales'], ['hr.one', 'hr'], ['zhao.min', 'executive']]) {
    engine.createPrincipal(ADMIN, { handle, displayName: handle, department })
  }
  engine.createPrincipal(ADMIN, { handle: 'data.ops', displayName: 'data', department: 'it', roles: ['data_steward'] })
  engine.grantRole(ADMIN, 'zhao.min', 'supervisor')
  return engine
}

const phone = (value) => ({ kind: 'phone', value })

/** An interaction `minutes` after a day before NOW, as core's `event`. */
function event(customerId, kind, page, amount, minutes) {
  const row = { customerId, kind, at: new Date(NOW.getTime() - DAY + minutes * MINUTE), channel: 'wechat_mini_program' }
  if (page !== undefined) row.page = page
  if (amount !== undefined) row.amount = amount
  return row
}

const STEPS = ['home', 'product', 'reviews']
const WINDOW = [new Date(NOW.getTime() - 2 * DAY), NOW]

/** Three customers a, b, c and core's batch: 10 good rows, then bad ones. */
function scenario() {
  const engine = company()
  const [a, b, c] = engine.ingestCustomers('li.na', [
    { identities: [phone('13800138001')] },
    { identities: [phone('13800138002')] },
    { identities: [phone('13800138003')] },
  ]).customerIds
  const rows = [
    // a: the whole path, then two purchases.
    event(a, 'path_step', 'home', undefined, 0),
    event(a, 'path_step', 'product', undefined, 1),
    event(a, 'path_step', 'reviews', undefined, 2),
    event(a, 'purchase', undefined, '299.00', 3),
    event(a, 'purchase', undefined, '101', 60),
    // b: home and reviews, never the product page in between.
    event(b, 'path_step', 'home', undefined, 0),
    event(b, 'path_step', 'reviews', undefined, 1),
    // c: product before home: only home counts.
    event(c, 'path_step', 'product', undefined, 0),
    event(c, 'path_step', 'home', undefined, 1),
    event(c, 'view', 'article/秋冬', undefined, 2),
    // bad rows
    event(404, 'view', 'home', undefined, 0),
    event(a, 'purchase', undefined, undefined, 0),
    event(a, 'purchase', undefined, '-5', 0),
    event(a, 'purchase', undefined, '1e3', 0),
    event(a, 'view', undefined, undefined, 0),
    event(a, 'click', 'home', '3', 0),
    { ...event(a, 'view', 'home', undefined, 0), channel: 'We Chat!' },
    { ...event(a, 'view', 'home', undefined, 0), at: new Date(NOW.getTime() + 3 * DAY) },
    event(a, 'view', 'x\u202ey', undefined, 0),
    // bad values the binding reports in core's place
    event(a, 'like', 'home', undefined, 0),
    event(1.5, 'view', 'home', undefined, 0),
    event(2 ** 53, 'view', 'home', undefined, 0),
    { ...event(a, 'view', 'home', undefined, 0), at: new Date(NaN) },
    event(a, 'purchase', undefined, '0.00', 0),
  ]
  return { engine, a, b, c, rows }
}

const EXPECTED_ERRORS = [
  [10, 'customer_id', 'not_found'],
  [11, 'amount', 'validation'],
  [12, 'amount', 'validation'],
  [13, 'amount', 'validation'],
  [14, 'page', 'validation'],
  [15, 'amount', 'validation'],
  [16, 'channel', 'validation'],
  [17, 'at', 'validation'],
  [18, 'page', 'validation'],
  [19, 'kind', 'validation'],
  [20, 'customer_id', 'validation'],
  [21, 'customer_id', 'validation'],
  [22, 'at', 'validation'],
  [23, 'amount', 'validation'],
]

describe('CRM-3: interactions, purchases and funnels', () => {
  it('lists the interaction kinds', () => {
    assert.deepEqual(interactionKinds(), ['view', 'click', 'path_step', 'purchase', 'service_ticket', 'community_join'])
  })

  it('records good rows, reports bad ones by field, and counts funnels 3/1/1', async () => {
    const { engine, a, b, c, rows } = scenario()
    const r = engine.recordInteractions('li.na', rows)
    assert.deepEqual([r.rows, r.recorded], [24, 10])
    assert.deepEqual(r.errors.map((x) => [x.row, x.field, x.code]), EXPECTED_ERRORS)
    for (const x of r.errors) {
      assert.deepEqual(Object.keys(x).sort(), ['code', 'field', 'message', 'row'])
      assert.ok(x.message.length > 0 && !x.message.includes('We Chat') && !x.message.includes('1e3'), x.message)
    }
    assert.equal(r.errors[9].message, 'not an interaction kind; expected one of: view, click, path_step, purchase, service_ticket, community_join')
    // Core saw every row: its audit record counts them all.
    const [audit] = engine.auditQuery('zhao.min', { action: 'crm.interactions' })
    assert.equal(audit.detail, 'rows=24 recorded=10 refused=14')

    const f = engine.funnel('li.na', STEPS, ...WINDOW)
    assert.deepEqual(f, { steps: [{ page: 'home', customers: 3 }, { page: 'product', customers: 1 }, { page: 'reviews', customers: 1 }] })
    assert.deepEqual([a, b, c].map((id) => engine.customerFunnel('li.na', id, STEPS)), [3, 1, 1])
    // Outside the window nothing counts.
    const before = engine.funnel('li.na', STEPS, new Date(NOW.getTime() - 5 * DAY), new Date(NOW.getTime() - 2 * DAY))
    assert.deepEqual(before.steps.map((s) => s.customers), [0, 0, 0])
    assert.ok((await engine.verifyAudit()).ok)
  })

  it('summarizes purchases as decimal strings, for clearance only', async () => {
    const { engine, a, b, rows } = scenario()
    engine.recordInteractions('li.na', rows)
    const p = engine.purchaseSummary('data.ops', a)
    assert.deepEqual(p, {
      count: 2,
      total: '400.00',
      averageOrderValue: '200.00',
      firstAt: new Date(NOW.getTime() - DAY + 3 * MINUTE),
      lastAt: new Date(NOW.getTime() - DAY + 60 * MINUTE),
    })
    const none = engine.purchaseSummary('data.ops', b)
    assert.equal(none.count, 0)
    assert.equal(none.firstAt, null)
    assert.equal(none.lastAt, null)
    assert.equal(Number(none.total), 0)
    assert.equal(Number(none.averageOrderValue), 0)
    await refused(engine, 'permission_denied', () => engine.purchaseSummary('li.na', a),
      { principal: 'li.na', permission: 'crm.read_sensitive' })
  })

  it('masks pages and leaves out amounts without crm.read_sensitive', () => {
    const { engine, a, c, rows } = scenario()
    engine.recordInteractions('li.na', rows)
    const masked = engine.customerInteractions('li.na', a)
    assert.equal(masked.length, 5)
    assert.ok(masked.every((i) => i.amount === null))
    assert.ok(masked.filter((i) => i.page !== null).every((i) => i.page === '***'))
    const clear = engine.customerInteractions('data.ops', a)
    assert.deepEqual(clear.map((i) => i.kind), ['path_step', 'path_step', 'path_step', 'purchase', 'purchase'])
    assert.deepEqual(clear[0], { kind: 'path_step', at: new Date(NOW.getTime() - DAY), page: 'home', amount: null, channel: 'wechat_mini_program' })
    assert.deepEqual(clear.map((i) => i.amount), [null, null, null, '299.00', '101'])
    assert.ok(clear.every((i) => i.at instanceof Date))
    assert.equal(engine.customerInteractions('data.ops', c)[2].page, 'article/秋冬')
  })

  it('carries history through a merge and removes it on erasure', () => {
    const { engine, a, rows } = scenario()
    engine.recordInteractions('li.na', rows)
    engine.ingestCustomers('qian.yu', [{ identities: [phone('13800138001'), phone('13800138003')] }])
    assert.equal(engine.customerInteractions('data.ops', a).length, 8)
    const doc = JSON.parse(engine.exportCustomer('data.ops', a))
    assert.equal(doc.interactions.length, 8)
    assert.equal(engine.purchaseSummary('data.ops', a).count, 2)
    engine.eraseCustomer('data.ops', a, '申请注销')
    assert.throws(() => engine.customerInteractions('data.ops', a), { code: 'not_found', entity: 'customer' })
    assert.throws(() => engine.purchaseSummary('data.ops', a), { code: 'not_found' })
    assert.throws(() => engine.customerFunnel('li.na', a, STEPS), { code: 'not_found' })
    assert.equal(engine.funnel('li.na', STEPS, ...WINDOW).steps[0].customers, 1, 'only b is left')
    // An erased customer's interactions are refused row by row.
    const r = engine.recordInteractions('li.na', [event(a, 'view', 'home', undefined, 0)])
    assert.deepEqual(r.errors.map((x) => [x.row, x.field, x.code]), [[0, 'customer_id', 'not_found']])
  })

  it('gives the same report from recordInteractionsAsync, copying the rows when called', async () => {
    const sync = scenario()
    const expected = sync.engine.recordInteractions('li.na', sync.rows)
    const { engine, rows } = scenario()
    const given = [...rows]
    const pending = engine.recordInteractionsAsync('li.na', given)
    assert.ok(pending instanceof Promise)
    given.length = 0
    rows[0].page = 'changed'
    assert.deepEqual(await pending, expected)
    assert.equal(engine.customerInteractions('data.ops', 1)[0].page, 'home')
    await assert.rejects(engine.recordInteractionsAsync('hr.one', []),
      { code: 'permission_denied', principal: 'hr.one', permission: 'crm.ingest' })
  })
})

describe('CRM-3: bad funnels, permissions, unknown ids', () => {
  it('refuses bad funnels with validation', async () => {
    const { engine, a, rows } = scenario()
    engine.recordInteractions('li.na', rows)
    await refused(engine, 'validation', () => engine.funnel('li.na', [], ...WINDOW), { field: 'steps' })
    await refused(engine, 'validation', () => engine.funnel('li.na', Array.from({ length: 21 }, (_, i) => `p${i}`), ...WINDOW), { field: 'steps' })
    await refused(engine, 'validation', () => engine.funnel('li.na', ['home', 'x\u202ey'], ...WINDOW), { field: 'steps' })
    await refused(engine, 'validation', () => engine.funnel('li.na', STEPS, NOW, new Date(NOW.getTime() - DAY)), { field: 'to' })
    await refused(engine, 'validation', () => engine.funnel('li.na', STEPS, NOW, NOW), { field: 'to' })
    await refused(engine, 'validation', () => engine.funnel('li.na', STEPS, new Date(NaN), NOW), { field: 'from' })
    await refused(engine, 'validation', () => engine.funnel('li.na', STEPS, NOW, new Date(NaN)), { field: 'to' })
    await refused(engine, 'validation', () => engine.customerFunnel('li.na', a, []), { field: 'steps' })
    await refused(engine, 'validation', () => engine.customerFunnel('li.na', a, ['']), { field: 'steps' })
  })

  it('refuses principals without the permission, and audits the refusal', async () => {
    const { engine, a, rows } = scenario()
    await refused(engine, 'permission_denied', () => engine.recordInteractions('hr.one', rows), { permission: 'crm.ingest' })
    await refused(engine, 'permission_denied', () => engine.recordInteractions('hr.one', []))
    await refused(engine, 'permission_denied', () => engine.funnel('hr.one', STEPS, ...WINDOW), { permission: 'crm.read' })
    await refused(engine, 'permission_denied', () => engine.customerFunnel('hr.one', a, STEPS))
    await refused(engine, 'permission_denied', () => engine.customerInteractions('hr.one', a))
    await refused(engine, 'permission_denied', () => engine.purchaseSummary('li.na', a))
    await refused(engine, 'permission_denied', () => engine.recordInteractions('nobody', rows))
    assert.deepEqual(engine.customerInteractions('data.ops', a), [], 'nothing was recorded')
  })

  it('refuses unknown ids with not_found and ids that are not safe integers with validation', async () => {
    const engine = company()
    for (const call of [
      () => engine.customerInteractions('li.na', 99),
      () => engine.purchaseSummary('data.ops', 99),
      () => engine.customerFunnel('li.na', 99, STEPS),
    ]) {
      await refused(engine, 'not_found', call, { entity: 'customer', id: '99' })
    }
    for (const id of [1.5, NaN, Infinity, 2 ** 53]) {
      await refused(engine, 'validation', () => engine.customerInteractions('li.na', id), { field: 'id' })
      await refused(engine, 'validation', () => engine.purchaseSummary('data.ops', id), { field: 'id' })
      await refused(engine, 'validation', () => engine.customerFunnel('li.na', id, STEPS), { field: 'id' })
    }
  })

  it('records an empty batch and refuses more than a million rows', async () => {
    const engine = company()
    assert.deepEqual(engine.recordInteractions('li.na', []), { rows: 0, recorded: 0, errors: [] })
    const [id] = engine.ingestCustomers('li.na', [{ identities: [phone('13800138001')] }]).customerIds
    const row = event(id, 'view', 'home', undefined, 0)
    await refused(engine, 'validation', () => engine.recordInteractions('li.na', new Array(1_000_001).fill(row)), { field: 'interactions' })
  })
})

describe('CRM-3: values of the wrong JS type throw for the whole call and record nothing', () => {
  it('refuses wrong JS types synchronously, from both the sync and the Promise call', () => {
    const { engine, a } = scenario()
    const good = event(a, 'view', 'home', undefined, 0)
    const badBatches = [
      undefined, null, 'rows', 42, {}, { 0: good, length: 1 },
      [good, 'row'], [good, null], [good, []], [good, 42],
      [good, , good],
      new Array(2 ** 32 - 1),
      [good, {}],
      [good, { ...good, customerId: String(a) }],
      [good, { ...good, customerId: BigInt(a) }],
      [good, { ...good, customerId: undefined }],
      [good, { ...good, kind: 3 }],
      [good, { ...good, kind: undefined }],
      [good, { ...good, at: NOW.toISOString() }],
      [good, { ...good, at: NOW.getTime() }],
      [good, { ...good, at: undefined }],
      [good, { ...good, page: 42 }],
      [good, { ...good, page: null }],
      [good, { ...event(a, 'purchase', undefined, undefined, 0), amount: 299 }],
      [good, { ...event(a, 'purchase', undefined, undefined, 0), amount: null }],
      [good, { ...good, channel: ['pos'] }],
    ]
    for (const batch of badBatches) {
      wrongType(engine, () => engine.recordInteractions('li.na', batch))
      wrongType(engine, () => engine.recordInteractionsAsync('li.na', batch))
    }
    for (const call of [
      () => engine.recordInteractions(42, [good]),
      () => engine.recordInteractions('li.na'),
      () => engine.recordInteractionsAsync(null, [good]),
      () => engine.customerInteractions('li.na', String(a)),
      () => engine.customerInteractions('li.na'),
      () => engine.purchaseSummary('data.ops', BigInt(a)),
      () => engine.customerFunnel('li.na', a),
      () => engine.customerFunnel('li.na', a, 'home'),
      () => engine.customerFunnel('li.na', a, ['home', 2]),
      () => engine.customerFunnel('li.na', a, ['home', , 'reviews']),
      () => engine.customerFunnel('li.na', a, new Array(2 ** 32 - 1)),
      () => engine.funnel('li.na', STEPS, WINDOW[0]),
      () => engine.funnel('li.na', STEPS, WINDOW[0].toISOString(), NOW),
      () => engine.funnel('li.na', STEPS, WINDOW[0], NOW.getTime()),
      () => engine.funnel('li.na', 'home', ...WINDOW),
      () => engine.funnel('li.na', [null], ...WINDOW),
    ]) {
      wrongType(engine, call)
    }
    assert.deepEqual(engine.customerInteractions('data.ops', a), [], 'nothing was recorded')
  })

  it('names the bad element in the message, with napi-rs codes', () => {
    const { engine, a } = scenario()
    const good = event(a, 'view', 'home', undefined, 0)
    const cases = [
      [() => engine.recordInteractions('li.na', 'rows'), 'ArrayExpected', /^interactions: expected an array, got string/],
      [() => engine.recordInteractions('li.na', [good, 'row']), 'ObjectExpected', /^interactions\[1\]: expected an object, got string/],
      [() => engine.recordInteractions('li.na', [good, [good]]), 'ObjectExpected', /^interactions\[1\]: expected an object, got an array/],
      [() => engine.recordInteractions('li.na', [good, , good]), 'ObjectExpected', /^interactions\[1\]: expected an object, got undefined/],
      [() => engine.recordInteractions('li.na', [good, { kind: 'view', at: NOW }]), 'InvalidArg', /^interactions\[1\]: Missing field `customerId`/],
      [() => engine.recordInteractionsAsync('li.na', [good, { ...good, amount: 3 }]), 'StringExpected', /^interactions\[1\]: .*amount/],
      [() => engine.funnel('li.na', 'home', ...WINDOW), 'ArrayExpected', /^steps: expected an array of strings, got string/],
      [() => engine.funnel('li.na', ['home', 2], ...WINDOW), 'StringExpected', /^steps\[1\]: expected a string, got number/],
      [() => engine.customerFunnel('li.na', a, ['home', , 'x']), 'StringExpected', /^steps\[1\]: expected a string, got undefined/],
    ]
    for (const [call, code, message] of cases) {
      assert.throws(call, (e) => {
        assert.ok(e instanceof Error && !BRANDRAIL_CODES.has(e.code), e.message)
        assert.equal(e.code, code)
        assert.match(e.message, message)
        return true
      })
    }
  })
})
