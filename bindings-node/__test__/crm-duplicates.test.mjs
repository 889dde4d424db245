// Fuzzy duplicates and manual merges (CRM-2), and the core profile fields
// address and birth date (CRM-6), through the public JS API, following
// core's tests/crm_fuzzy.rs and tests/vectors/duplicates.json: customers who
// share no identity but are alike in name (traditional characters, a typo,
// words swapped), address (abbreviated, '#' for 号, full-width digits) and
// birth date (another format) are proposed with a score and per-field
// reasons, while a namesake elsewhere is not; a steward merges a pair by
// hand, undoes it and marks it distinct. Address and birth date are sealed,
// cleaned, masked without clearance and never a segment criterion. Bad calls
// (missing permission, bad threshold or limit, unknown and unsafe ids, wrong
// JS types, no key) throw a typed error and change nothing.
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'

import { ADMIN, BRANDRAIL_CODES, Engine, refused, tempDir, wrongType } from './helpers.mjs'

const KEY = Buffer.from('fuzzy-test-key-32-bytes-long!!!!')

/** The staff of core's CRM tests; data.ops is a data steward (crm.merge). */
function staff(engine) {
  engine.bootstrap({ handle: ADMIN, displayName: 'IT', department: 'it' })
  for (const [handle, department] of [['li.na', 'marketing'], ['hr.one', 'hr'], ['zhao.min', 'executive']]) {
    engine.createPrincipal(ADMIN, { handle, displayName: handle, department })
  }
  engine.createPrincipal(ADMIN, { handle: 'data.ops', displayName: 'data', department: 'it', roles: ['data_steward'] })
  return engine
}

const company = (options = { secretKey: KEY }) => staff(Engine.inMemory(options))

const phone = (value) => ({ kind: 'phone', value })

/**
 * The customers of duplicates.json, and two more:
 * 1 陈小明, Shanghai, 1990-03-07;
 * 2 陳小明 (traditional), the same address abbreviated with full-width digits and '#', 1990年3月7日;
 * 3 陈小明, a namesake in Beijing with the same birthday;
 * 4 王芳 and 5 王方 (a typo), the same Guangzhou address, 1985-11-02;
 * 6 'Li Na' and 7 'na  LI' (words swapped), born 1992/5/1 and 19920501.
 */
const PEOPLE = [
  { identities: [phone('13900000001')], name: '陈小明', profile: { address: '上海市浦东新区张江路100号', birth_date: '1990-03-07', region: '上海' } },
  { identities: [phone('13900000002')], name: '陳小明', profile: { address: '上海浦东新区张江路１００#', birth_date: '1990年3月7日' } },
  { identities: [phone('13900000003')], name: '陈小明', profile: { address: '北京市海淀区中关村大街1号', birth_date: '1990-03-07' } },
  { identities: [phone('13900000004')], name: '王芳', profile: { address: '广州市天河区天河路385号', birth_date: '1985-11-02' } },
  { identities: [phone('13900000005')], name: '王方', profile: { address: '广州天河区天河路385号', birth_date: '1985-11-02' } },
  { identities: [phone('13900000006')], name: 'Li Na', profile: { birth_date: '1992/5/1' } },
  { identities: [phone('13900000007')], name: 'na  LI', profile: { birth_date: '19920501' } },
]

function scenario(options) {
  const engine = company(options)
  const r = engine.ingestCustomers('li.na', PEOPLE)
  assert.deepEqual([r.customerIds, r.errors], [[1, 2, 3, 4, 5, 6, 7], []])
  return engine
}

const pairs = (report) => report.candidates.map((c) => [c.customerId, c.otherId])

/** Every live customer (read in clear by the steward) and the count: what a refused call must leave as it was. */
function customers(engine) {
  const out = []
  for (let id = 1; id <= 20; id++) {
    try {
      out.push(engine.customer('data.ops', id))
    } catch (e) {
      assert.equal(e.code, 'not_found')
    }
  }
  return { count: engine.customerCount(), customers: out }
}

/** `refused` (helpers.mjs), also checking that no customer changed. */
async function refusedCrm(engine, code, call, extra) {
  const before = customers(engine)
  const error = await refused(engine, code, call, extra)
  assert.deepEqual(customers(engine), before, 'a refused call changes no customer')
  return error
}

/** The candidates, as the steward sees them. */
const candidatesOf = (engine) => pairs(engine.duplicateCandidates('data.ops', 100))

describe('CRM-2: fuzzy duplicate candidates', () => {
  it('proposes look-alikes sharing no identity, with a score and per-field reasons; not a namesake elsewhere', async () => {
    const engine = scenario()
    const r = engine.duplicateCandidates('data.ops', 10)
    assert.equal(r.threshold, 0.85, "the policy's crm.fuzzy_match_threshold")
    assert.equal(r.customers, 7)
    assert.equal(r.blocksSkipped, 0)
    assert.ok(r.pairsCompared >= 3, `${r.pairsCompared} pairs scored`)
    // Best first; ties by id. 3 (Beijing) is never proposed with 1 or 2.
    assert.deepEqual(pairs(r), [[1, 2], [6, 7], [4, 5]])
    const [chen, li, wang] = r.candidates
    assert.deepEqual(chen, {
      customerId: 1, otherId: 2, score: 1,
      reasons: [{ field: 'name', similarity: 1 }, { field: 'address', similarity: 1 }, { field: 'birth_date', similarity: 1 }],
    }, 'traditional characters, an abbreviated address with # and full-width digits, another date format: the same')
    assert.deepEqual(li, {
      customerId: 6, otherId: 7, score: 1,
      reasons: [{ field: 'name', similarity: 1 }, { field: 'birth_date', similarity: 1 }],
    }, 'words of a name in another order; two fields are enough')
    assert.deepEqual(wang.reasons.map((x) => x.field), ['name', 'address', 'birth_date'])
    assert.ok(Math.abs(wang.reasons[0].similarity - 0.7) < 1e-9, 'one character of two differs')
    assert.ok(Math.abs(wang.score - (0.4 * 0.7 + 0.35 + 0.25)) < 1e-9, `weighted mean, got ${wang.score}`)
    for (const c of r.candidates) {
      assert.ok(c.customerId < c.otherId, 'the older customer first')
      assert.ok(c.score >= 0.85 && c.score <= 1)
      assert.ok(c.reasons.every((x) => x.similarity >= 0 && x.similarity <= 1))
    }

    // A lower threshold lets the namesakes in, below the look-alikes.
    const wide = engine.duplicateCandidates('data.ops', 100, 0.6)
    assert.equal(wide.threshold, 0.6)
    assert.deepEqual(pairs(wide), [[1, 2], [6, 7], [4, 5], [1, 3], [2, 3]])
    assert.deepEqual(wide.candidates[3].reasons, [
      { field: 'name', similarity: 1 }, { field: 'address', similarity: 0 }, { field: 'birth_date', similarity: 1 },
    ])
    assert.ok(Math.abs(wide.candidates[3].score - 0.65) < 1e-9)
    // `limit` keeps the best; `null` is the policy's threshold.
    assert.deepEqual(pairs(engine.duplicateCandidates('data.ops', 2, null)), [[1, 2], [6, 7]])
    assert.deepEqual(pairs(engine.duplicateCandidates('data.ops', 1, 1)), [[1, 2]])
    assert.deepEqual(pairs(engine.duplicateCandidates('data.ops', 10, 0)), [[1, 2], [6, 7], [4, 5], [1, 3], [2, 3]],
      'a threshold of 0 still needs two fields to compare and a shared block')

    // The Promise variant gives the same report.
    const pending = engine.duplicateCandidatesAsync('data.ops', 10)
    assert.ok(pending instanceof Promise)
    assert.deepEqual(await pending, r)
    assert.deepEqual(await engine.duplicateCandidatesAsync('data.ops', 100, 0.6), wide)

    // Audited with counts only: no name, address or birth date.
    const audit = engine.auditQuery('zhao.min', { action: 'crm.fuzzy' })
    assert.equal(audit.length, 7, 'one record per search')
    assert.deepEqual([audit[0].principal, audit[0].outcome], ['data.ops', 'applied'])
    assert.match(audit[0].detail, /^customers=7 compared=\d+ candidates=3 threshold=0.85$/)
    for (const a of audit) {
      for (const secret of ['陈', '陳', '王', '上海', '广州', '1990', 'Li Na']) assert.ok(!a.detail.includes(secret), a.detail)
    }
  })

  it('finds nothing among customers without two fields to compare, and nothing in an empty base', () => {
    const engine = company()
    assert.deepEqual(engine.duplicateCandidates('data.ops', 10),
      { customers: 0, pairsCompared: 0, blocksSkipped: 0, threshold: 0.85, candidates: [] })
    engine.ingestCustomers('li.na', [
      { identities: [phone('13900000001')], name: '赵六' },
      { identities: [phone('13900000002')], name: '赵六' },
      { identities: [phone('13900000003')], profile: { birth_date: '1970-01-01' } },
    ])
    const r = engine.duplicateCandidates('data.ops', 10, 0)
    assert.deepEqual([r.customers, r.candidates], [3, []], 'one field alike is not enough evidence')
  })
})

describe('CRM-2: manual merge, undo and distinct', () => {
  it('merges a confirmed pair, undoes it, marks it distinct: never proposed again', () => {
    const engine = scenario()
    assert.equal(engine.mergeCustomers('data.ops', 1, 2), 1, 'one identity moved')
    assert.equal(engine.customerCount(), 6)
    const survivor = engine.customer('data.ops', 2)
    assert.deepEqual([survivor.id, survivor.mergedIds], [1, [2]], 'the merged id reads as its survivor')
    assert.deepEqual(survivor.identities.map((i) => i.value), ['13900000001', '13900000002'])
    assert.equal(engine.findCustomer('data.ops', 'phone', '13900000002'), 1)
    assert.deepEqual(candidatesOf(engine), [[6, 7], [4, 5]], 'a merged pair is no candidate')
    const [merge] = engine.auditQuery('zhao.min', { action: 'crm.merge' })
    assert.deepEqual([merge.principal, merge.entityId, merge.detail], ['data.ops', '2', 'into=1 identities_moved=1 reason=manual'])

    assert.deepEqual(engine.undoMerge('data.ops', 2), { customerId: 2, survivorId: 1, identitiesRestored: 1 })
    assert.equal(engine.customerCount(), 7)
    assert.deepEqual(engine.customer('data.ops', 2).identities, [phone('13900000002')])
    assert.deepEqual(candidatesOf(engine), [[1, 2], [6, 7], [4, 5]], 'undone: proposed again')

    // Distinct, in either order: left out from then on.
    assert.equal(engine.markDistinct('data.ops', 2, 1), undefined)
    assert.deepEqual(candidatesOf(engine), [[6, 7], [4, 5]])
    assert.equal(engine.markDistinct('data.ops', 1, 2), undefined, 'marking again is harmless')
    assert.deepEqual(candidatesOf(engine), [[6, 7], [4, 5]])
    const [distinct] = engine.auditQuery('zhao.min', { action: 'crm.distinct' })
    assert.deepEqual([distinct.principal, distinct.entityId], ['data.ops', '1:2'])
    // They can still be merged by hand.
    assert.equal(engine.mergeCustomers('data.ops', 4, 5), 1)
    assert.deepEqual(candidatesOf(engine), [[6, 7]])
  })

  it('refuses the same customer twice, unknown, merged-away and erased ids, and unsafe ids', async () => {
    const engine = scenario()
    await refusedCrm(engine, 'conflict', () => engine.mergeCustomers('data.ops', 1, 1), { entity: 'customer', id: '1' })
    await refusedCrm(engine, 'conflict', () => engine.markDistinct('data.ops', 2, 2), { entity: 'customer' })
    await refusedCrm(engine, 'not_found', () => engine.mergeCustomers('data.ops', 1, 404), { entity: 'customer', id: '404' })
    await refusedCrm(engine, 'not_found', () => engine.mergeCustomers('data.ops', 404, 1), { entity: 'customer', id: '404' })
    await refusedCrm(engine, 'not_found', () => engine.markDistinct('data.ops', 1, 404), { entity: 'customer', id: '404' })
    await refusedCrm(engine, 'not_found', () => engine.mergeCustomers('data.ops', -1, 2))
    engine.mergeCustomers('data.ops', 1, 2)
    await refusedCrm(engine, 'not_found', () => engine.mergeCustomers('data.ops', 3, 2), { entity: 'customer', id: '2' })
    await refusedCrm(engine, 'not_found', () => engine.mergeCustomers('data.ops', 2, 3), { entity: 'customer', id: '2' })
    engine.eraseCustomer('data.ops', 4, 'request #1')
    await refusedCrm(engine, 'not_found', () => engine.mergeCustomers('data.ops', 5, 4), { entity: 'customer', id: '4' })
    await refusedCrm(engine, 'not_found', () => engine.markDistinct('data.ops', 4, 5), { entity: 'customer', id: '4' })
    for (const bad of [1.5, NaN, Infinity, -Infinity, 2 ** 53]) {
      await refusedCrm(engine, 'validation', () => engine.mergeCustomers('data.ops', bad, 3), { field: 'survivorId' })
      await refusedCrm(engine, 'validation', () => engine.mergeCustomers('data.ops', 3, bad), { field: 'mergedId' })
      await refusedCrm(engine, 'validation', () => engine.markDistinct('data.ops', bad, 3), { field: 'a' })
      await refusedCrm(engine, 'validation', () => engine.markDistinct('data.ops', 3, bad), { field: 'b' })
    }
  })

  it('refuses principals without crm.merge, and audits the refusal', async () => {
    const engine = scenario()
    for (const actor of ['li.na', 'hr.one', 'nobody', '', "x'); DROP TABLE customer;--"]) {
      await refusedCrm(engine, 'permission_denied', () => engine.duplicateCandidates(actor, 10))
      await refusedCrm(engine, 'permission_denied', () => engine.duplicateCandidatesAsync(actor, 10))
      await refusedCrm(engine, 'permission_denied', () => engine.mergeCustomers(actor, 4, 5))
      await refusedCrm(engine, 'permission_denied', () => engine.markDistinct(actor, 1, 2))
    }
    const e = await refusedCrm(engine, 'permission_denied', () => engine.mergeCustomers('li.na', 4, 5))
    assert.deepEqual([e.principal, e.permission, e.reason], ['li.na', 'crm.merge', 'missing_permission'])
    assert.deepEqual(candidatesOf(engine), [[1, 2], [6, 7], [4, 5]], 'nothing merged or marked')
  })

  it('refuses a bad threshold or limit with validation naming it, from both calls', async () => {
    const engine = scenario()
    for (const threshold of [1.5, -0.1, 1.0000001, NaN, Infinity, -Infinity]) {
      await refusedCrm(engine, 'validation', () => engine.duplicateCandidates('data.ops', 10, threshold), { field: 'threshold' })
      await refusedCrm(engine, 'validation', () => engine.duplicateCandidatesAsync('data.ops', 10, threshold), { field: 'threshold' })
    }
    for (const limit of [0, -1, 10_001, 1.5, NaN, Infinity, 2 ** 53]) {
      await refusedCrm(engine, 'validation', () => engine.duplicateCandidates('data.ops', limit), { field: 'limit' })
      await refusedCrm(engine, 'validation', () => engine.duplicateCandidatesAsync('data.ops', limit, 0.9), { field: 'limit' })
    }
    // The bounds themselves are fine.
    assert.equal(engine.duplicateCandidates('data.ops', 10_000, 0).candidates.length, 5)
    assert.deepEqual(pairs(engine.duplicateCandidates('data.ops', 1, 1)), [[1, 2]])
  })

  it('needs the secret key', async () => {
    const engine = company({})
    await refused(engine, 'configuration', () => engine.duplicateCandidates('data.ops', 10))
    await refused(engine, 'configuration', () => engine.duplicateCandidatesAsync('data.ops', 10))
    assert.equal(engine.customerCount(), 0)
  })

  it('refuses values of the wrong JS type before the engine is reached', () => {
    const engine = scenario()
    for (const call of [
      () => engine.duplicateCandidates('data.ops'),
      () => engine.duplicateCandidates('data.ops', '10'),
      () => engine.duplicateCandidates('data.ops', 10n),
      () => engine.duplicateCandidates('data.ops', 10, '0.9'),
      () => engine.duplicateCandidates('data.ops', 10, { threshold: 0.9 }),
      () => engine.duplicateCandidates(null, 10),
      () => engine.duplicateCandidatesAsync('data.ops', null),
      () => engine.duplicateCandidatesAsync('data.ops', 10, true),
      () => engine.mergeCustomers('data.ops', '1', 2),
      () => engine.mergeCustomers('data.ops', 1),
      () => engine.mergeCustomers('data.ops', 1, 2n),
      () => engine.markDistinct('data.ops', [1], 2),
      () => engine.markDistinct('data.ops', 1, null),
      () => engine.markDistinct(42, 1, 2),
    ]) {
      const before = customers(engine)
      wrongType(engine, call)
      assert.deepEqual(customers(engine), before)
    }
    for (const [call, message] of [
      [() => engine.duplicateCandidates('data.ops', '10'), /Number, but received String/],
      [() => engine.duplicateCandidates('data.ops', 10, '0.9'), /Option<Number>, but received String/],
      [() => engine.mergeCustomers('data.ops', 1), /Number, but received Undefined/],
    ]) {
      assert.throws(call, (e) => {
        assert.ok(!BRANDRAIL_CODES.has(e.code), e.code)
        assert.equal(e.code, 'InvalidArg')
        assert.match(e.message, message)
        return true
      })
    }
  })
})

/** Every byte of every file in `dir` (the database, its WAL and journal). */
const filesOf = (dir) => Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f))))

describe('CRM-6: core profile fields (address, birth date)', () => {
  it('cleans them, seals them at rest and masks them without clearance', (t) => {
    const dir = tempDir(t)
    const engine = staff(Engine.open(join(dir, 'crm.sqlite'), { secretKey: KEY }))
    const r = engine.ingestCustomers('li.na', [
      { identities: [phone('13900000001')], profile: { address: '  上海市浦东新区张江路１００号 ', birth_date: '1990/3/7', region: '上海' } },
      { identities: [phone('13900000002')], profile: { birth_date: '19900307' } },
      { identities: [phone('13900000003')], profile: { birth_date: '１９９０年３月７日' } },
      { identities: [phone('13900000004')], profile: { birth_date: ' 1990.03.07 ' } },
    ])
    assert.deepEqual([r.customerIds, r.errors], [[1, 2, 3, 4], []])
    const clear = engine.customer('data.ops', 1)
    assert.deepEqual([clear.masked, clear.profile], [false, { address: '上海市浦东新区张江路100号', birth_date: '1990-03-07', region: '上海' }],
      'trimmed, full-width digits folded, the date written YYYY-MM-DD')
    for (const id of [2, 3, 4]) assert.equal(engine.customer('data.ops', id).profile.birth_date, '1990-03-07')
    const masked = engine.customer('li.na', 1)
    assert.deepEqual([masked.masked, masked.profile], [true, { address: '***', birth_date: '***', region: '***' }])
    // A later row for the same customer adds to the sealed fields, keeping the others.
    const again = engine.ingestCustomers('li.na', [{ identities: [phone('13900000001')], profile: { birth_date: '1991-04-08' } }])
    assert.deepEqual([again.updated, again.customerIds], [1, [1]])
    assert.deepEqual(engine.customer('data.ops', 1).profile, { address: '上海市浦东新区张江路100号', birth_date: '1991-04-08', region: '上海' })
    // Nothing of them in plain text in the files; the export has them in clear.
    const bytes = filesOf(dir)
    for (const needle of ['张江路', '上海市浦东', '1990-03-07', '1991-04-08', '19900307', '1990/3/7']) {
      assert.equal(bytes.indexOf(needle), -1, `${needle} found in the file`)
    }
    const doc = JSON.parse(engine.exportCustomer('data.ops', 1))
    assert.deepEqual(doc.profile, { address: '上海市浦东新区张江路100号', birth_date: '1991-04-08', region: '上海' })
  })

  it('refuses a bad birth date or a blank address row by row, never echoing the value', () => {
    const engine = company()
    const bad = ['1990-02-30', '1899-12-31', '2101-01-01', '1990-3', '90-03-07', '1990-003-07', 'x990-03-07', '',
      "'; DROP TABLE customer; --", '1990-03-07\u202e', '1990-03-07-01']
    const rows = [
      { identities: [phone('13900000001')], profile: { birth_date: '1990-03-07' } },
      ...bad.map((birth_date, i) => ({ identities: [phone(`1391000${String(i).padStart(4, '0')}`)], profile: { birth_date } })),
      { identities: [phone('13900000002')], profile: { address: '   ' } },
      { identities: [phone('13900000003')], profile: { address: '' } },
      { identities: [phone('13900000004')], profile: { address: 'x'.repeat(501) } },
      { identities: [phone('13900000005')], profile: { address: 'a\u0000b' } },
    ]
    const r = engine.ingestCustomers('li.na', rows)
    assert.deepEqual(r.customerIds, [1, ...rows.slice(1).map(() => null)])
    assert.deepEqual(r.errors.map((x) => [x.row, x.field, x.code]), [
      ...bad.map((_, i) => [i + 1, 'profile.birth_date', 'validation']),
      [bad.length + 1, 'profile.address', 'validation'],
      [bad.length + 2, 'profile.address', 'validation'],
      [bad.length + 3, 'profile.address', 'validation'],
      [bad.length + 4, 'profile.address', 'validation'],
    ])
    for (const e of r.errors) {
      assert.ok(e.message.length > 0 && !e.message.includes('DROP') && !e.message.includes('1990') && !e.message.includes('xxxx'), e.message)
      assert.ok(!e.message.startsWith('profile.'), `the message does not repeat the field: ${e.message}`)
    }
    assert.equal(engine.customerCount(), 1, 'refused rows changed nothing')
  })

  it('never takes them as a segment criterion', async () => {
    const engine = scenario()
    for (const name of ['birth_date', 'address']) {
      for (const rule of [{ field: { name, op: 'exists' } }, { not: { field: { name, op: 'eq', value: '1990-03-07' } } }]) {
        const field = rule.not ? 'rule.not.field.name' : 'rule.field.name'
        await refusedCrm(engine, 'validation', () => engine.countCustomers('li.na', rule), { field })
        await refusedCrm(engine, 'validation', () => engine.defineSegment('li.na', { name: 'born', label: 'x', description: 'x', rule }), { field })
      }
    }
  })
})
