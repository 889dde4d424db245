// Customers (CRM-1, CRM-2, CRM-5..CRM-8) through the public JS API, following
// core's tests/crm.rs: batches from every department cleaned and deduplicated
// on exact identities, merges and their undoing; bad rows reported in the
// result while the good rows land; a refused field let in only under a
// declared purpose; no personal value in plain text in the
// database file; masked reads without clearance; consent and sends; export
// and erasure with the audit chain still valid. Bad calls (wrong JS types, unknown kinds and ids,
// missing permissions, an engine without a key) throw a typed error and
// change nothing.
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'

import {
  ADMIN, BRANDRAIL_CODES, Engine, HOSTILE_NAMES, identityKinds, refused, tempDir, wrongType,
} from './helpers.mjs'

const KEY = Buffer.from('crm-test-key-crm-test-key-32byte')

/** The staff of core's CRM tests on `engine`; returns it. */
function staff(engine) {
  engine.bootstrap({ handle: ADMIN, displayName: 'IT', department: 'it' })
  for (const [handle, department] of [['li.na', 'marketing'], ['qian.yu', 'sales'], ['hr.one', 'hr'], ['zhao.min', 'executive']]) {
    engine.createPrincipal(ADMIN, { handle, displayName: handle, department })
  }
  engine.createPrincipal(ADMIN, { handle: 'data.ops', displayName: 'data', department: 'it', roles: ['data_steward'] })
  engine.grantRole(ADMIN, 'zhao.min', 'supervisor')
  return engine
}

/** An in-memory engine with the secret key and the staff. */
const company = () => staff(Engine.inMemory({ secretKey: KEY }))

const phone = (value) => ({ kind: 'phone', value })
const email = (value) => ({ kind: 'email', value })
const rec = (...identities) => ({ identities })

/**
 * The customers as a marketer sees them (masked reads are not audited), by
 * id from 1 to 20 (an unknown or erased id as its error code), and their
 * count: what a refused call must leave as it was.
 */
function customers(engine) {
  const seen = []
  for (let id = 1; id <= 20; id++) {
    try {
      seen.push([engine.customer('li.na', id), engine.consents('li.na', id)])
    } catch (e) {
      seen.push(e.code)
    }
  }
  return { count: engine.customerCount(), seen }
}

/** `refused` (helpers.mjs), also checking that no customer changed. */
async function refusedCrm(engine, code, call, extra) {
  const before = customers(engine)
  const error = await refused(engine, code, call, extra)
  assert.deepEqual(customers(engine), before, 'a refused call changes no customer')
  return error
}

/** `wrongType` (helpers.mjs), also checking that no customer changed. */
function wrongTypeCrm(engine, call) {
  const before = customers(engine)
  wrongType(engine, call)
  assert.deepEqual(customers(engine), before)
}

/** Every byte of every file in `dir` (the database, its WAL and journal). */
const filesOf = (dir) => Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f))))

describe('CRM-1, CRM-2: ingest cleans identities and deduplicates on exact identities', () => {
  it('lists the identity kinds', () => {
    assert.deepEqual(identityKinds(), ['phone', 'email', 'wechat_openid', 'wechat_unionid', 'member_id', 'pos_card'])
  })

  it('cleans every format, updates known customers and merges the ones a row joins', async () => {
    const engine = company()
    const report = engine.ingestCustomers('li.na', [
      { identities: [phone('138 0013 8000')], name: '李娜', profile: { region: '上海' } },
      rec(phone('+86 138-0013-8000'), email(' Li.Na@Example.com ')),
      rec(email('li.na@example.com')),
      rec(phone('１３９００１３９０００')),
    ])
    assert.deepEqual([report.rows, report.created, report.updated, report.merged], [4, 2, 2, 0])
    assert.deepEqual(report.errors, [])
    const [first, , , other] = report.customerIds
    assert.ok(Number.isSafeInteger(first) && Number.isSafeInteger(other) && first !== other)
    assert.deepEqual(report.customerIds, [first, first, first, other])
    assert.equal(engine.customerCount(), 2)

    // Sales brings a record joining a member card to the second customer's
    // phone and to the first customer's e-mail: the two are merged.
    const r = engine.ingestCustomers('qian.yu', [
      rec({ kind: 'member_id', value: 'vip-001' }, phone('13900139000'), email('LI.NA@example.com')),
    ])
    assert.deepEqual([r.rows, r.created, r.updated, r.merged], [1, 0, 1, 1])
    assert.deepEqual(r.customerIds, [first])
    assert.equal(engine.customerCount(), 1)

    const c = engine.customer('data.ops', other)
    assert.equal(c.id, first, 'a merged id reads as its survivor')
    assert.deepEqual(c.mergedIds, [other])
    assert.equal(c.masked, false)
    assert.deepEqual(c.identities, [
      email('li.na@example.com'),
      { kind: 'member_id', value: 'VIP001' },
      phone('13800138000'),
      phone('13900139000'),
    ])
    assert.equal(c.name, '李娜')
    assert.deepEqual(c.profile, { region: '上海' })
    assert.ok(c.createdAt instanceof Date && c.updatedAt instanceof Date)
    assert.ok(c.updatedAt >= c.createdAt)

    for (const [kind, value] of [['phone', '+8613900139000'], ['email', 'li.na@EXAMPLE.com'], ['member_id', 'VIP 001']]) {
      assert.equal(engine.findCustomer('li.na', kind, value), first, value)
    }
    assert.equal(engine.findCustomer('li.na', 'phone', '13700137000'), null)

    // The merge is in the audit log, without personal values.
    const merges = engine.auditQuery('zhao.min', { action: 'crm.merge' })
    assert.equal(merges.length, 1)
    assert.equal(merges[0].entityId, String(other))
    assert.ok(!merges[0].detail.includes('139'), merges[0].detail)
    assert.ok((await engine.verifyAudit()).ok)
  })

  it('reads one phone number in every format as the same customer', () => {
    const engine = company()
    const formats = ['13800138000', '138 0013 8000', '138-0013-8000', '+86 138 0013 8000', '+8613800138000',
      '008613800138000', '8613800138000', '１３８００１３８０００', ' (138) 0013-8000 ', '＋８６　１３８００１３８０００']
    const r = engine.ingestCustomers('li.na', formats.map((f) => rec(phone(f))))
    assert.deepEqual([r.created, r.updated, r.errors.length], [1, formats.length - 1, 0])
    assert.equal(new Set(r.customerIds).size, 1)
    assert.deepEqual(engine.customer('data.ops', r.customerIds[0]).identities, [phone('13800138000')])
  })
})

describe('CRM-2: a merge can be undone', () => {
  it('moves the merged identities back, keeps what the survivor gained, refuses what is not merged, audits', async () => {
    const engine = company()
    const [a, b] = engine.ingestCustomers('li.na', [rec(phone('13800138000')), rec(email('li.na@example.com'))]).customerIds
    // A record joining both merges b into a, and brings a card.
    engine.ingestCustomers('qian.yu', [rec(phone('13800138000'), email('li.na@example.com'), { kind: 'pos_card', value: '6222 0202' })])
    assert.equal(engine.customerCount(), 1)
    assert.deepEqual(engine.customer('data.ops', b).mergedIds, [b])
    await refusedCrm(engine, 'permission_denied', () => engine.undoMerge('li.na', b),
      { principal: 'li.na', permission: 'crm.merge', reason: 'missing_permission' })

    const u = engine.undoMerge('data.ops', b)
    assert.deepEqual(u, { customerId: b, survivorId: a, identitiesRestored: 1 })
    assert.equal(engine.customerCount(), 2)
    assert.equal(engine.findCustomer('li.na', 'email', 'li.na@example.com'), b)
    assert.equal(engine.findCustomer('li.na', 'phone', '13800138000'), a)
    assert.equal(engine.findCustomer('li.na', 'pos_card', '62220202'), a, 'what the survivor gained stays with it')
    const survivor = engine.customer('data.ops', a)
    assert.deepEqual(survivor.mergedIds, [])
    assert.deepEqual(survivor.identities, [phone('13800138000'), { kind: 'pos_card', value: '62220202' }])
    const restored = engine.customer('data.ops', b)
    assert.equal(restored.id, b, 'the merged id reads as itself again')
    assert.deepEqual(restored.identities, [email('li.na@example.com')])

    // Not merged (any more), unknown, erased.
    for (const id of [b, a]) {
      const err = await refusedCrm(engine, 'conflict', () => engine.undoMerge('data.ops', id), { entity: 'customer', id: String(id) })
      assert.match(err.message, /not merged/)
    }
    await refusedCrm(engine, 'not_found', () => engine.undoMerge('data.ops', 404), { entity: 'customer', id: '404' })
    engine.eraseCustomer('data.ops', b, '申请注销')
    await refusedCrm(engine, 'not_found', () => engine.undoMerge('data.ops', b), { entity: 'customer', id: String(b) })
    assert.equal(engine.customerCount(), 1)

    // Audited: the refusal and the one undo, without personal values.
    const undo = engine.auditQuery('zhao.min', { action: 'crm.unmerge' })
    assert.deepEqual(undo.map((r) => [r.principal, r.outcome, r.entityType, r.entityId]), [
      ['li.na', 'denied', 'customer', String(b)],
      ['data.ops', 'applied', 'customer', String(b)],
    ])
    assert.equal(undo[1].detail, `from=${a} identities_restored=1`)
    assert.ok((await engine.verifyAudit()).ok)
  })

  it('refuses ids that are not safe integers with validation, and wrong JS types', async () => {
    const engine = company()
    for (const n of [0, -1, 1, Number.MAX_SAFE_INTEGER]) {
      await refusedCrm(engine, 'not_found', () => engine.undoMerge('data.ops', n), { entity: 'customer', id: String(n) })
    }
    for (const n of [1.5, NaN, Infinity, -Infinity, 2 ** 53, 1e300]) {
      await refusedCrm(engine, 'validation', () => engine.undoMerge('data.ops', n), { field: 'mergedId' })
    }
    for (const call of [
      () => engine.undoMerge('data.ops', '1'),
      () => engine.undoMerge('data.ops', 1n),
      () => engine.undoMerge('data.ops'),
      () => engine.undoMerge(null, 1),
    ]) {
      wrongTypeCrm(engine, call)
    }
  })
})

describe('CRM-1, CRM-5: bad rows are reported and change nothing while the good rows land', () => {
  it('reports an identity kind that is not one of identityKinds() as a row error, as the Python binding does', async () => {
    const rows = [
      rec(phone('13800138000')),
      rec(email('a@b.cn'), { kind: 'qq', value: '10001' }),
      rec({ kind: 'Phone', value: '13900139000' }),
      rec(phone('12345'), { kind: 'imei', value: '1' }),
      rec({ kind: 'x'.repeat(1_000_000), value: "'; DROP TABLE customer;--" }),
      rec({ kind: '', value: '13700137000' }),
      rec(email('c@d.cn')),
    ]
    const engine = company()
    const r = engine.ingestCustomers('li.na', rows)
    assert.deepEqual(r.errors.map((x) => [x.row, x.field, x.code]), [
      [1, 'identities[1].kind', 'validation'],
      [2, 'identities[0].kind', 'validation'],
      [3, 'identities[1].kind', 'validation'],
      [4, 'identities[0].kind', 'validation'],
      [5, 'identities[0].kind', 'validation'],
    ])
    for (const x of r.errors) {
      assert.equal(x.message, 'not an identity kind; expected one of: phone, email, wechat_openid, wechat_unionid, member_id, pos_card')
    }
    assert.deepEqual([r.rows, r.created, r.updated, r.merged], [7, 2, 0, 0])
    assert.deepEqual(r.customerIds.map((id) => id !== null), [true, false, false, false, false, false, true])
    assert.equal(engine.customerCount(), 2)
    assert.equal(engine.findCustomer('li.na', 'email', 'a@b.cn'), null, 'a refused row left nothing')
    assert.equal(engine.findCustomer('li.na', 'phone', '13900139000'), null)
    // Core saw every row: its audit record counts them all.
    const [ingest] = engine.auditQuery('zhao.min', { action: 'crm.ingest' })
    assert.equal(ingest.detail, 'rows=7 created=2 updated=0 merged=0 refused=5 purposes=0')
    assert.deepEqual(await company().ingestCustomersAsync('li.na', rows), r)
  })

  const ROWS = [
    rec(phone('13800138000')),
    rec(phone('12345')),
    { identities: [email('a@b.cn')], profile: { national_id: '11010519491231002X' } },
    { identities: [email('c@d.cn')], profile: { favourite_colour: 'red' } },
    rec(),
    { identities: [email('e@f.cn')], name: 'x\u202ey' },
    rec({ kind: 'member_id', value: "1'; DROP TABLE customer;--" }),
    { identities: [email('g@h.cn')], profile: { region: '长'.repeat(501) } },
    rec({ kind: 'wechat_openid', value: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' }),
    rec(...Array.from({ length: 33 }, (_, i) => ({ kind: 'member_id', value: `M${i}` }))),
    { identities: [email('i@j.cn')], profile: { habits: 'tea\u0000coffee' } },
    rec(email('k@l.cn'), phone('not a phone')),
    rec({ kind: 'wechat_unionid', value: 'short' }),
    rec(email('li na@example.com')),
  ]
  const EXPECTED = [
    [1, 'identities[0].phone', 'validation'],
    [2, 'profile.national_id', 'policy_violation'],
    [3, 'profile.favourite_colour', 'validation'],
    [4, 'identities', 'validation'],
    [5, 'name', 'validation'],
    [6, 'identities[0].member_id', 'validation'],
    [7, 'profile.region', 'validation'],
    [9, 'identities', 'validation'],
    [10, 'profile.habits', 'validation'],
    [11, 'identities[1].phone', 'validation'],
    [12, 'identities[0].wechat_unionid', 'validation'],
    [13, 'identities[0].email', 'validation'],
  ]

  it('reports each refused row with its field and code, never its value', () => {
    const engine = company()
    const r = engine.ingestCustomers('li.na', ROWS)
    assert.equal(r.rows, ROWS.length)
    assert.equal(r.created, 2)
    assert.deepEqual(r.errors.map((x) => [x.row, x.field, x.code]), EXPECTED)
    for (const x of r.errors) {
      assert.deepEqual(Object.keys(x).sort(), ['code', 'field', 'message', 'row'])
      assert.ok(x.message.length > 0 && x.message.length < 500)
      assert.ok(!x.message.includes('1101051949') && !x.message.includes('DROP') && !x.message.includes('tea'), x.message)
    }
    assert.match(r.errors[1].message, /^CRM-5: /)
    assert.deepEqual(r.customerIds.map((id, row) => [row, id !== null]).filter(([, landed]) => landed).map(([row]) => row), [0, 8])
    assert.equal(engine.customerCount(), 2)
    for (const [kind, value] of [['email', 'a@b.cn'], ['email', 'c@d.cn'], ['email', 'k@l.cn'], ['email', 'i@j.cn']]) {
      assert.equal(engine.findCustomer('li.na', kind, value), null, `a refused row left nothing (${value})`)
    }
  })

  it('gives the same report from ingestCustomersAsync', async () => {
    const sync = company().ingestCustomers('li.na', ROWS)
    const pending = company().ingestCustomersAsync('li.na', ROWS)
    assert.ok(pending instanceof Promise)
    assert.deepEqual(await pending, sync)
  })

  it('refuses hostile names row by row and stores hostile but printable text verbatim', () => {
    const engine = company()
    const r = engine.ingestCustomers('li.na', HOSTILE_NAMES.map((name, i) => ({ identities: [phone(`1380013${String(i).padStart(4, '0')}`)], name })))
    assert.equal(r.created, 0)
    assert.deepEqual(r.errors.map((x) => [x.row, x.field]), HOSTILE_NAMES.map((_, i) => [i, 'name']))
    assert.ok(r.errors.every((x) => x.message.length < 500), 'a huge value is not echoed back')
    assert.equal(engine.customerCount(), 0)

    const name = "O'Brien'); DROP TABLE customer;-- 😀 Zoë"
    const region = "'; DELETE FROM audit_log; --"
    const ok = engine.ingestCustomers('li.na', [{ identities: [phone('13800138000')], name, profile: { region } }])
    assert.deepEqual(ok.errors, [])
    const c = engine.customer('data.ops', ok.customerIds[0])
    assert.deepEqual([c.name, c.profile.region], [name, region])
  })
})

describe('CRM-6: sealed at rest, masked without clearance', () => {
  it('masks reads without crm.read_sensitive and audits unmasked reads', () => {
    const engine = company()
    const r = engine.ingestCustomers('li.na', [{
      identities: [phone('13800138000'), email('li.na@example.com')],
      name: '李娜',
      profile: { region: '上海', age_band: '25-34' },
    }])
    const id = r.customerIds[0]
    const masked = engine.customer('li.na', id)
    assert.equal(masked.masked, true)
    assert.deepEqual(masked.identities, [email('l***@example.com'), phone('138****8000')])
    assert.equal(masked.name, '李**')
    assert.deepEqual(masked.profile, { age_band: '***', region: '***' })
    const n = engine.auditLen()
    const clear = engine.customer('data.ops', id)
    assert.equal(clear.masked, false)
    assert.deepEqual(clear.identities, [email('li.na@example.com'), phone('13800138000')])
    assert.deepEqual(clear.profile, { age_band: '25-34', region: '上海' })
    assert.equal(engine.auditLen(), n + 1, 'an unmasked read is audited')
    engine.customer('li.na', id)
    assert.equal(engine.auditLen(), n + 1, 'a masked read is not')
    const [read] = engine.auditQuery('zhao.min', { action: 'crm.read' })
    assert.deepEqual([read.principal, read.entityId, read.detail], ['data.ops', String(id), 'unmasked'])
    // A customer without a name reads as null.
    const anon = engine.ingestCustomers('li.na', [rec(phone('13900139000'))]).customerIds[0]
    assert.equal(engine.customer('li.na', anon).name, null)
  })

  it('keeps no personal value in plain text in the database file', (t) => {
    const dir = tempDir(t)
    const path = join(dir, 'crm.sqlite')
    const engine = staff(Engine.open(path, { secretKey: KEY }))
    const r = engine.ingestCustomers('li.na', [{
      identities: [phone('13812345678'), email('ouyang.nana@example.com'),
        { kind: 'wechat_unionid', value: 'o6_bmasdasdsad6_2sgVt7hMZOPfL' }, { kind: 'pos_card', value: '6222020200112233' }],
      name: '欧阳娜娜',
    }])
    assert.equal(r.created, 1)
    const bytes = filesOf(dir)
    assert.ok(bytes.length > 4096)
    for (const needle of ['13812345678', '138 1234 5678', 'ouyang.nana@example.com', 'ouyang.nana',
      'o6_bmasdasdsad6_2sgVt7hMZOPfL', '6222020200112233', '欧阳娜娜']) {
      assert.equal(bytes.indexOf(needle), -1, `${needle} found in the file`)
    }
    // Reopened with the key, the values come back; with another key or none, they do not.
    const again = Engine.open(path, { secretKey: KEY })
    const id = again.findCustomer('data.ops', 'phone', '13812345678')
    assert.equal(id, r.customerIds[0])
    assert.equal(again.customer('data.ops', id).name, '欧阳娜娜')
    const wrong = Engine.open(path, { secretKey: Buffer.alloc(32, 9) })
    assert.equal(wrong.findCustomer('data.ops', 'phone', '13812345678'), null)
    assert.throws(() => wrong.customer('data.ops', id), { code: 'configuration' })
    assert.throws(() => Engine.open(path).customer('data.ops', id), { code: 'configuration' })
    assert.equal(Engine.open(path).customerCount(), 1, 'counting needs no key')
  })
})

describe('CRM-8: no send without consent in force', () => {
  const consent = (channel, purpose, granted, evidence = '会员注册页勾选 v3') => ({ channel, purpose, granted, evidence })

  it('records consent per channel and purpose; the latest decision rules', async () => {
    const engine = company()
    const id = engine.ingestCustomers('li.na', [rec(phone('13800138000'))]).customerIds[0]
    const err = await refusedCrm(engine, 'policy_violation', () => engine.recordSend('li.na', id, 'sms', 'marketing'),
      { rule: 'CRM-8' })
    assert.match(err.message, /CRM-8/)

    const inForce = engine.recordConsent('data.ops', id, consent('sms', 'marketing', true))
    assert.equal(inForce.length, 1)
    assert.deepEqual(
      [inForce[0].channel, inForce[0].purpose, inForce[0].granted, inForce[0].evidence, inForce[0].recordedBy],
      ['sms', 'marketing', true, '会员注册页勾选 v3', 'data.ops'])
    assert.ok(inForce[0].recordedAt instanceof Date)
    const send = engine.recordSend('li.na', id, 'sms', 'marketing')
    assert.ok(Number.isSafeInteger(send) && send > 0)
    // Consent is per channel and per purpose.
    await refusedCrm(engine, 'policy_violation', () => engine.recordSend('li.na', id, 'email', 'marketing'), { rule: 'CRM-8' })
    await refusedCrm(engine, 'policy_violation', () => engine.recordSend('li.na', id, 'sms', 'survey'), { rule: 'CRM-8' })
    // Withdrawn: no more sends; the history is kept, the latest decision rules.
    engine.recordConsent('data.ops', id, consent('email', 'service', true))
    const now = engine.recordConsent('data.ops', id, consent('sms', 'marketing', false))
    assert.deepEqual(now.map((c) => [c.channel, c.purpose, c.granted]), [['sms', 'marketing', false], ['email', 'service', true]])
    await refusedCrm(engine, 'policy_violation', () => engine.recordSend('li.na', id, 'sms', 'marketing'), { rule: 'CRM-8' })
    assert.deepEqual(engine.consents('li.na', id), now)
    assert.equal(JSON.parse(engine.exportCustomer('data.ops', id)).consent_history.length, 3)
  })

  it('refuses bad changes, missing permissions and unknown customers', async () => {
    const engine = company()
    const id = engine.ingestCustomers('li.na', [rec(phone('13800138000'))]).customerIds[0]
    const cases = [
      [consent('', 'marketing', true), 'channel'],
      [consent('SMS!', 'marketing', true), 'channel'],
      [consent('sms', "x'; DROP TABLE customer;--", true), 'purpose'],
      [consent('sms', 'x'.repeat(65), true), 'purpose'],
      [consent('sms', 'marketing', true, ''), 'evidence'],
      [consent('sms', 'marketing', true, '   '), 'evidence'],
      [consent('sms', 'marketing', true, 'a\u0000b'), 'evidence'],
      [consent('sms', 'marketing', true, '长'.repeat(501)), 'evidence'],
    ]
    for (const [change, field] of cases) {
      await refusedCrm(engine, 'validation', () => engine.recordConsent('data.ops', id, change), { field })
    }
    await refusedCrm(engine, 'validation', () => engine.recordSend('li.na', id, 'SMS', 'marketing'), { field: 'channel' })
    await refusedCrm(engine, 'permission_denied', () => engine.recordConsent('li.na', id, consent('sms', 'marketing', true)),
      { principal: 'li.na', permission: 'consent.manage' })
    await refusedCrm(engine, 'permission_denied', () => engine.recordSend('qian.yu', id, 'sms', 'marketing'),
      { permission: 'campaign.manage' })
    await refusedCrm(engine, 'permission_denied', () => engine.consents('hr.one', id), { permission: 'crm.read' })
    await refusedCrm(engine, 'not_found', () => engine.recordConsent('data.ops', 999, consent('sms', 'marketing', true)),
      { entity: 'customer', id: '999' })
    await refusedCrm(engine, 'not_found', () => engine.consents('li.na', 999), { entity: 'customer' })
    await refusedCrm(engine, 'not_found', () => engine.recordSend('li.na', 999, 'sms', 'marketing'), { entity: 'customer' })
  })
})

describe('CRM-7: export and erasure', () => {
  it('exports everything as one JSON document and erases it with the audit chain valid', async (t) => {
    const dir = tempDir(t)
    const engine = staff(Engine.open(join(dir, 'crm.sqlite'), { secretKey: KEY }))
    const a = engine.ingestCustomers('li.na', [{ identities: [phone('13812345678')], name: '欧阳娜娜', profile: { region: '杭州' } }])
      .customerIds[0]
    const b = engine.ingestCustomers('qian.yu', [rec(email('ouyang.nana@example.com'))]).customerIds[0]
    // A third record joins the two: b is merged into a.
    engine.ingestCustomers('qian.yu', [
      rec(phone('13812345678'), email('ouyang.nana@example.com'), { kind: 'pos_card', value: '6222 0202 0011 2233' }),
    ])
    engine.recordConsent('data.ops', a, { channel: 'sms', purpose: 'marketing', granted: true, evidence: '会员注册页勾选 v3' })
    engine.recordSend('li.na', a, 'sms', 'marketing')

    const text = engine.exportCustomer('data.ops', b)
    assert.equal(typeof text, 'string', 'the document as core wrote it')
    const doc = JSON.parse(text)
    assert.equal(doc.format, 'brandrail customer export v1')
    assert.equal(doc.customer_id, a, 'an export of a merged id is the survivor\'s')
    assert.deepEqual(doc.merged_ids, [b])
    assert.equal(doc.name, '欧阳娜娜')
    assert.deepEqual(doc.profile, { region: '杭州' })
    assert.deepEqual(doc.identities, [
      email('ouyang.nana@example.com'), phone('13812345678'), { kind: 'pos_card', value: '6222020200112233' },
    ])
    // Every record received for the survivor and for the customer merged into it.
    assert.deepEqual(doc.sources.map((s) => [s.customer_id, s.department]), [[a, 'marketing'], [a, 'sales'], [b, 'sales']])
    assert.equal(doc.sources[0].record.name, '欧阳娜娜')
    assert.deepEqual(doc.sources[2].record.identities, [['email', 'ouyang.nana@example.com']])
    assert.equal(doc.consents_in_force[0].granted, true)
    assert.equal(doc.consent_history.length, 1)
    assert.deepEqual(doc.sends.map((s) => [s.channel, s.purpose, s.sent_by]), [['sms', 'marketing', 'li.na']])
    for (const at of [doc.exported_at, doc.created_at, doc.updated_at, doc.sends[0].sent_at]) {
      assert.ok(!Number.isNaN(Date.parse(at)), at)
    }
    const exports = engine.auditQuery('zhao.min', { action: 'crm.export' })
    assert.deepEqual(exports.map((x) => [x.principal, x.entityId]), [['data.ops', String(a)]])
    assert.ok(!exports[0].detail.includes('欧阳'))
    await refusedCrm(engine, 'permission_denied', () => engine.exportCustomer('li.na', a), { permission: 'crm.export' })

    const er = engine.eraseCustomer('data.ops', a, '用户申请注销 #2026-118')
    assert.deepEqual(er.customerIds, [a, b])
    assert.ok(er.rowsRemoved >= 7, `${er.rowsRemoved}`)
    for (const id of [a, b]) {
      assert.throws(() => engine.customer('data.ops', id), { code: 'not_found', entity: 'customer' })
      assert.throws(() => engine.consents('data.ops', id), { code: 'not_found' })
    }
    assert.equal(engine.findCustomer('data.ops', 'phone', '13812345678'), null)
    await refusedCrm(engine, 'not_found', () => engine.exportCustomer('data.ops', a), { entity: 'customer' })
    await refusedCrm(engine, 'not_found', () => engine.eraseCustomer('data.ops', a, 'again'), { entity: 'customer' })
    await refusedCrm(engine, 'not_found', () => engine.recordSend('li.na', a, 'sms', 'marketing'))
    assert.equal(engine.customerCount(), 0)
    assert.ok((await engine.verifyAudit()).ok, 'the chain still verifies')
    const erasures = engine.auditQuery('zhao.min', { action: 'crm.erase' })
    assert.equal(erasures.length, 1)
    assert.ok(!erasures[0].detail.includes('注销'), 'the reason is not in the log')

    // The same person may come back as a new customer.
    const again = engine.ingestCustomers('li.na', [rec(phone('13812345678'))])
    assert.equal(again.created, 1)
    assert.notEqual(again.customerIds[0], a)
    await refusedCrm(engine, 'permission_denied', () => engine.eraseCustomer('li.na', again.customerIds[0], 'x'),
      { permission: 'crm.erase' })
    await refusedCrm(engine, 'validation', () => engine.eraseCustomer('data.ops', again.customerIds[0], ''), { field: 'reason' })
    await refusedCrm(engine, 'validation', () => engine.eraseCustomer('data.ops', again.customerIds[0], 'a\u0000b'),
      { field: 'reason' })

    // Nothing of the erased values is left in the files while the engine is
    // open (the write-ahead log was emptied after the erasure), nor in a
    // backup taken now.
    const bytes = filesOf(dir)
    for (const needle of ['欧阳娜娜', 'ouyang.nana', '杭州', '6222020200112233']) {
      assert.equal(bytes.indexOf(needle), -1, `${needle} found`)
    }
    const backup = join(tempDir(t), 'after-erasure.sqlite')
    await engine.backupTo(ADMIN, backup)
    const copy = readFileSync(backup)
    for (const needle of ['欧阳娜娜', 'ouyang.nana', '杭州', '6222020200112233']) {
      assert.equal(copy.indexOf(needle), -1, `${needle} found in the backup`)
    }
  })
})

describe('CRM-5: a declared purpose lets a refused field in, sealed and recorded', () => {
  const ID_NUMBER = '11010519491231002X'
  const PURPOSE = 'cross_border_real_name'
  /** A row giving the refused national ID, under `purpose` when one is given. */
  const withId = (purpose, value = '13800138009') => {
    const row = { identities: [phone(value)], profile: { national_id: ID_NUMBER, region: '上海' } }
    return purpose === undefined ? row : { ...row, purpose }
  }
  /** Purposes the policy does not declare: unknown, near misses, hostile text. */
  const UNDECLARED = [
    'no_such_purpose', 'Cross_Border_Real_Name', `${PURPOSE} `, `${PURPOSE}\u0000`, '__proto__', 'constructor',
    "'; DROP TABLE customer; --", ...HOSTILE_NAMES,
  ]

  it('accepts the field under the purpose: sealed, masked without clearance, exported and erased with the customer', async (t) => {
    const dir = tempDir(t)
    const engine = staff(Engine.open(join(dir, 'crm.sqlite'), { secretKey: KEY }))
    const r = engine.ingestCustomers('li.na', [withId(), withId('no_such_purpose'), withId("'; DROP TABLE customer; --"), withId(PURPOSE)])
    assert.deepEqual(r.errors.map((x) => [x.row, x.field, x.code]), [
      [0, 'profile.national_id', 'policy_violation'],
      [1, 'purpose', 'validation'],
      [2, 'purpose', 'validation'],
    ])
    assert.match(r.errors[0].message, /^CRM-5: /)
    assert.ok(r.errors[1].message.includes(PURPOSE), 'the declared purposes are named')
    for (const x of r.errors) {
      assert.ok(!x.message.includes('no_such') && !x.message.includes('DROP') && !x.message.includes('1101051949'), x.message)
    }
    assert.deepEqual([r.rows, r.created, r.updated, r.purposesDeclared], [4, 1, 0, 1])
    const id = r.customerIds[3]
    assert.deepEqual(r.customerIds, [null, null, null, id])
    assert.deepEqual(await staff(Engine.inMemory({ secretKey: KEY }))
      .ingestCustomersAsync('li.na', [withId(), withId('no_such_purpose'), withId("'; DROP TABLE customer; --"), withId(PURPOSE)]), r)

    // Sealed like every core field: masked for marketing, clear for the data steward.
    const masked = engine.customer('li.na', id)
    assert.equal(masked.masked, true)
    assert.deepEqual(masked.profile, { national_id: '***', region: '***' })
    assert.deepEqual(engine.customer('data.ops', id).profile, { national_id: ID_NUMBER, region: '上海' })
    assert.equal(filesOf(dir).indexOf(ID_NUMBER), -1, 'the ID number is not in the files in clear')
    const [ingest] = engine.auditQuery('zhao.min', { action: 'crm.ingest' })
    assert.equal(ingest.detail, 'rows=4 created=1 updated=0 merged=0 refused=3 purposes=1')

    // The purpose travels with the customer: who declared it, when, what it let in.
    const doc = JSON.parse(engine.exportCustomer('data.ops', id))
    assert.equal(doc.profile.national_id, ID_NUMBER)
    assert.equal(doc.purposes.length, 1)
    const [declared] = doc.purposes
    assert.deepEqual([declared.purpose, declared.fields, declared.declared_by], [PURPOSE, ['national_id'], 'li.na'])
    assert.ok(!Number.isNaN(Date.parse(declared.declared_at)), declared.declared_at)
    // A later row of the same customer under the purpose is recorded too.
    const again = engine.ingestCustomers('qian.yu', [withId(PURPOSE)])
    assert.deepEqual([again.created, again.updated, again.purposesDeclared, again.customerIds], [0, 1, 1, [id]])
    assert.deepEqual(JSON.parse(engine.exportCustomer('data.ops', id)).purposes.map((p) => p.declared_by), ['li.na', 'qian.yu'])

    const erased = engine.eraseCustomer('data.ops', id, 'request')
    assert.ok(erased.rowsRemoved >= 3, `${erased.rowsRemoved}`)
    assert.equal(filesOf(dir).indexOf(ID_NUMBER), -1)
    await refusedCrm(engine, 'not_found', () => engine.exportCustomer('data.ops', id), { entity: 'customer' })
    assert.ok((await engine.verifyAudit()).ok)
  })

  it('refuses the field without a purpose, and an undeclared or hostile purpose on `purpose` without echoing it; nothing changes', async () => {
    const engine = company()
    engine.ingestCustomers('li.na', [rec(phone('13900139000'))])
    const before = customers(engine)
    const auditBefore = engine.auditLen()
    const rows = [withId(), ...UNDECLARED.map((p) => withId(p)), { ...rec(phone('13800138010')), purpose: 'no_such_purpose' }]
    for (const r of [engine.ingestCustomers('li.na', rows), await engine.ingestCustomersAsync('li.na', rows)]) {
      assert.deepEqual([r.rows, r.created, r.updated, r.merged, r.purposesDeclared], [rows.length, 0, 0, 0, 0])
      assert.deepEqual(r.customerIds, rows.map(() => null))
      assert.deepEqual(r.errors.map((x) => [x.row, x.field, x.code]), [
        [0, 'profile.national_id', 'policy_violation'],
        ...rows.slice(1).map((_, i) => [i + 1, 'purpose', 'validation']),
      ])
      for (const [i, x] of r.errors.entries()) {
        assert.ok(x.message.length > 0 && x.message.length < 500, x.message)
        assert.ok(!x.message.includes('1101051949'), x.message)
        const given = rows[i].purpose
        if (given && given.trim().length > 3 && !PURPOSE.startsWith(given.trim())) {
          assert.ok(!x.message.includes(given.trim()), `${JSON.stringify(given.slice(0, 40))} echoed: ${x.message}`)
        }
      }
    }
    assert.deepEqual(customers(engine), before, 'refused rows changed no customer')
    assert.equal(engine.auditLen(), auditBefore + 2, 'only the two ingests, as counts')
    assert.equal(engine.findCustomer('li.na', 'phone', '13800138009'), null)
  })

  it('throws for a purpose that is not a string, for the whole call, nothing ingested', () => {
    const engine = company()
    engine.ingestCustomers('li.na', [rec(phone('13900139000'))])
    const good = withId(PURPOSE)
    for (const purpose of [42, null, true, ['cross_border_real_name'], { purpose: PURPOSE }, 1n, Symbol('p'), () => PURPOSE]) {
      for (const ingest of [engine.ingestCustomers, engine.ingestCustomersAsync]) {
        wrongTypeCrm(engine, () => ingest.call(engine, 'li.na', [good, { ...good, purpose }]))
      }
    }
    assert.throws(() => engine.ingestCustomers('li.na', [good, { ...good, purpose: 42 }]), (e) => {
      assert.ok(e instanceof Error && !BRANDRAIL_CODES.has(e.code))
      assert.equal(e.code, 'StringExpected')
      assert.match(e.message, /^records\[1\]: .*purpose/)
      return true
    })
    assert.equal(engine.findCustomer('li.na', 'phone', '13800138009'), null, 'the good row did not land either')
    // Absent (or undefined) is no purpose.
    const r = engine.ingestCustomers('li.na', [{ ...rec(phone('13800138011')), purpose: undefined }])
    assert.deepEqual([r.created, r.purposesDeclared, r.errors], [1, 0, []])
  })
})

describe('CRM: permissions, keys, unknown ids', () => {
  it('refuses principals without the permission, and audits the refusal', async () => {
    const engine = company()
    await refusedCrm(engine, 'permission_denied', () => engine.ingestCustomers('hr.one', [rec(phone('13800138000'))]),
      { principal: 'hr.one', permission: 'crm.ingest', reason: 'missing_permission' })
    await refusedCrm(engine, 'permission_denied', () => engine.ingestCustomers('ghost', []), { reason: 'unknown_principal' })
    await refusedCrm(engine, 'permission_denied', () => engine.ingestCustomersAsync('hr.one', [rec(phone('13800138000'))]),
      { permission: 'crm.ingest' })
    assert.equal(engine.customerCount(), 0)
    const empty = engine.ingestCustomers('li.na', [])
    assert.deepEqual(empty, { rows: 0, created: 0, updated: 0, merged: 0, customerIds: [], purposesDeclared: 0, errors: [] })
    await refusedCrm(engine, 'permission_denied', () => engine.customer('hr.one', 42), { permission: 'crm.read' })
    await refusedCrm(engine, 'permission_denied', () => engine.findCustomer('hr.one', 'phone', '13800138000'))
  })

  it('refuses unknown ids with not_found and ids that are not safe integers with validation', async () => {
    const engine = company()
    const id = engine.ingestCustomers('li.na', [rec(phone('13800138000'))]).customerIds[0]
    const calls = (n) => [
      () => engine.customer('li.na', n),
      () => engine.consents('li.na', n),
      () => engine.recordConsent('data.ops', n, { channel: 'sms', purpose: 'marketing', granted: true, evidence: 'form 7' }),
      () => engine.recordSend('li.na', n, 'sms', 'marketing'),
      () => engine.exportCustomer('data.ops', n),
      () => engine.eraseCustomer('data.ops', n, 'request 7'),
    ]
    for (const n of [0, -1, id + 1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]) {
      for (const call of calls(n)) await refusedCrm(engine, 'not_found', call, { entity: 'customer', id: String(n) })
    }
    for (const n of [1.5, -0.5, NaN, Infinity, -Infinity, 2 ** 53, 1e300]) {
      for (const call of calls(n)) await refusedCrm(engine, 'validation', call, { field: 'id' })
    }
  })

  it('refuses values that cannot be cleaned and unknown kinds when finding', async () => {
    const engine = company()
    for (const value of ['not a phone', '', '12800138000', "138'; DROP TABLE customer;--", 'x'.repeat(1_000_000)]) {
      const err = await refusedCrm(engine, 'validation', () => engine.findCustomer('li.na', 'phone', value), { field: 'value' })
      assert.ok(err.message.length < 500)
    }
    for (const kind of ['qq', 'Phone', '', 'phone ', 'x'.repeat(1_000_000)]) {
      const err = await refusedCrm(engine, 'validation', () => engine.findCustomer('li.na', kind, '13800138000'), { field: 'kind' })
      assert.match(err.message, /phone, email, wechat_openid, wechat_unionid, member_id, pos_card/)
      assert.ok(err.message.length < 500)
    }
  })

  it('needs the secret key: configuration without it', async () => {
    const engine = staff(Engine.inMemory())
    const err = await refusedCrm(engine, 'configuration', () => engine.ingestCustomers('li.na', [rec(phone('13800138000'))]))
    assert.ok(!err.message.includes('13800138000'))
    await refusedCrm(engine, 'configuration', () => engine.ingestCustomersAsync('li.na', [rec(phone('13800138000'))]))
    await refusedCrm(engine, 'configuration', () => engine.customer('data.ops', 1))
    await refusedCrm(engine, 'configuration', () => engine.findCustomer('li.na', 'phone', '13800138000'))
    await refusedCrm(engine, 'configuration', () => engine.exportCustomer('data.ops', 1))
    assert.equal(engine.customerCount(), 0)
  })
})

describe('CRM: a batch of the wrong shape throws for the whole call and ingests nothing', () => {
  const good = rec(phone('13800138000'))

  it('refuses wrong JS types synchronously, from both the sync and the Promise call', () => {
    const engine = company()
    engine.ingestCustomers('li.na', [rec(phone('13900139000'))])
    const badBatches = [
      undefined, null, 'rows', 42, {}, { 0: good, length: 1 },
      [good, 'row'], [good, null], [good, []], [good, 42], [good, {}],
      [good, , good],
      new Array(2 ** 32 - 1),
      [good, { identities: 'phone' }],
      [good, { identities: {} }],
      [good, { identities: [null] }],
      [good, { identities: ['13800138000'] }],
      [good, { identities: [[ 'phone', '13800138000' ]] }],
      [good, { identities: new Array(2 ** 32 - 1) }],
      [good, { identities: [{ kind: 'phone' }] }],
      [good, { identities: [{ value: '13800138000' }] }],
      [good, { identities: [{ kind: 1, value: '13800138000' }] }],
      [good, { identities: [{ kind: 'phone', value: 13800138000 }] }],
      [good, { ...good, name: 42 }],
      [good, { ...good, name: null }],
      [good, { ...good, profile: 'region' }],
      [good, { ...good, profile: ['上海'] }],
      [good, { ...good, profile: null }],
      [good, { ...good, profile: { region: 1 } }],
      [good, { ...good, profile: { region: null } }],
    ]
    for (const batch of badBatches) {
      wrongTypeCrm(engine, () => engine.ingestCustomers('li.na', batch))
      wrongTypeCrm(engine, () => engine.ingestCustomersAsync('li.na', batch))
    }
    for (const call of [
      () => engine.ingestCustomers(42, [good]),
      () => engine.ingestCustomers('li.na'),
      () => engine.ingestCustomersAsync(null, [good]),
      () => engine.customer('li.na', '1'),
      () => engine.customer('li.na', 1n),
      () => engine.customer('li.na'),
      () => engine.findCustomer('li.na', 'phone', 13800138000),
      () => engine.findCustomer('li.na', null, '13800138000'),
      () => engine.consents(null, 1),
      () => engine.recordConsent('data.ops', 1),
      () => engine.recordConsent('data.ops', 1, { channel: 'sms', purpose: 'marketing', granted: 'yes', evidence: 'form' }),
      () => engine.recordConsent('data.ops', 1, { channel: 'sms', purpose: 'marketing', evidence: 'form' }),
      () => engine.recordConsent('data.ops', 1, 'sms'),
      () => engine.recordSend('li.na', 1, 'sms'),
      () => engine.recordSend('li.na', '1', 'sms', 'marketing'),
      () => engine.exportCustomer('data.ops', null),
      () => engine.eraseCustomer('data.ops', 1),
      () => engine.eraseCustomer('data.ops', 1, 42),
    ]) {
      wrongTypeCrm(engine, call)
    }
  })

  it('names the bad element in the message, with napi-rs codes', () => {
    const engine = company()
    const cases = [
      ['rows', 'ArrayExpected', /^records: expected an array, got string/],
      [[good, 'row'], 'ObjectExpected', /^records\[1\]: expected an object, got string/],
      [[good, [good]], 'ObjectExpected', /^records\[1\]: expected an object, got an array/],
      [[good, { identities: [phone('13800138000'), 'x'] }], 'ObjectExpected', /^records\[1\]: identities\[1\]: expected an object/],
      [[good, {}], 'InvalidArg', /^records\[1\]: Missing field `identities`/],
      [[good, { ...good, profile: { region: 1 } }], 'StringExpected', /^records\[1\]: .*profile/],
    ]
    for (const [batch, code, message] of cases) {
      assert.throws(() => engine.ingestCustomers('li.na', batch), (e) => {
        assert.ok(e instanceof Error && !BRANDRAIL_CODES.has(e.code))
        assert.equal(e.code, code)
        assert.match(e.message, message)
        return true
      })
    }
  })

})

describe('CRM: ingestCustomersAsync', () => {
  it('copies the records when called and leaves the event loop running', async () => {
    const engine = company()
    const rows = Array.from({ length: 3000 }, (_, i) => ({
      identities: [phone(`139${String(i).padStart(8, '0')}`), { kind: 'member_id', value: `M-${i % 2000}` }],
      profile: { region: '上海' },
    }))
    const given = [...rows]
    const pending = engine.ingestCustomersAsync('li.na', given)
    let turned = false
    setImmediate(() => { turned = true })
    given.length = 0
    rows[0].identities[0].value = 'not a phone'
    const r = await pending
    assert.ok(turned, 'the event loop turned while the batch was ingested')
    assert.deepEqual([r.rows, r.created, r.updated, r.merged, r.errors.length], [3000, 2000, 1000, 0, 0])
    assert.equal(engine.customerCount(), 2000)
    assert.equal(engine.findCustomer('li.na', 'phone', '13900000000'), r.customerIds[0])
    assert.equal(engine.findCustomer('li.na', 'phone', '13900002000'), r.customerIds[0], 'the member card joined them')
  })

  it('rejects with the same coded errors as the sync call', async () => {
    const engine = company()
    await assert.rejects(engine.ingestCustomersAsync('hr.one', [rec(phone('13800138000'))]),
      { code: 'permission_denied', principal: 'hr.one', permission: 'crm.ingest', reason: 'missing_permission' })
    await assert.rejects(staff(Engine.inMemory()).ingestCustomersAsync('li.na', []), { code: 'configuration' })
    const many = await Promise.all([0, 1, 2].map((i) => engine.ingestCustomersAsync('li.na', [rec(phone(`1380013800${i}`))])))
    assert.deepEqual(many.map((r) => r.created), [1, 1, 1])
    assert.equal(engine.customerCount(), 3)
  })
})
