// The manual clock (`clockStart`, `advanceClock`, `setClock`): what it stamps
// on records, how it moves, and its refusals. What it makes testable (stage
// deadlines, escalation, expiring delegations, throughput, zombie accounts,
// the backup schedule) is in deadlines.test.mjs.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'

import { ADMIN, Engine, HOUR, adCopy, company, refused, seeded, state, tempDir, wrongType } from './helpers.mjs'

const START = new Date('2026-05-04T09:00:00Z')
const DAY = 24 * HOUR

describe('an engine on a manual clock', () => {
  it('shows its start and stamps every record with the clock, not the system time', () => {
    const engine = seeded({ clockStart: START })
    assert.deepEqual(engine.now(), START)
    assert.deepEqual(engine.now(), START, 'it stands still until moved')
    assert.deepEqual(engine.principal('li.na').createdAt, START)
    assert.deepEqual(new Set(engine.auditQuery('zhao.min').map((r) => r.at.getTime())), new Set([START.getTime()]))

    const later = engine.advanceClock(90 * 60_000)
    assert.ok(later instanceof Date)
    assert.equal(later.getTime(), START.getTime() + 90 * 60_000)
    assert.deepEqual(engine.now(), later)
    engine.createPrincipal(ADMIN, { handle: 'wu.pr', displayName: '吴', department: 'pr' })
    assert.deepEqual(engine.principal('wu.pr').createdAt, later)
    assert.deepEqual(engine.auditQuery('zhao.min', { since: later }).map((r) => [r.action, r.at]),
      [['principal.create', later]])
  })

  it('takes the other options alongside, in memory and on a file', (t) => {
    const key = Buffer.alloc(32, 3)
    const engine = seeded({ clockStart: START, secretKey: key, busyTimeoutMs: 100 })
    assert.deepEqual(engine.now(), START)
    const onFile = Engine.open(join(tempDir(t), 'clocked.db'), { clockStart: START })
    assert.deepEqual(onFile.now(), START)
  })

  it('moves forward and back by whole milliseconds, or to a set time', () => {
    const engine = Engine.inMemory({ clockStart: START })
    assert.equal(engine.advanceClock(1).getTime(), START.getTime() + 1)
    assert.equal(engine.advanceClock(-1).getTime(), START.getTime())
    assert.deepEqual(engine.advanceClock(0), START)
    assert.equal(engine.advanceClock(-3 * DAY).getTime(), START.getTime() - 3 * DAY)
    const at = new Date('2030-01-01T00:00:00.123Z')
    assert.deepEqual(engine.setClock(at), at)
    assert.deepEqual(engine.now(), at)
    assert.deepEqual(engine.setClock(START), START, 'back again')
    // The edges of the years 1970-9999 are reachable.
    const first = new Date('1970-01-01T00:00:00.000Z')
    const last = new Date('9999-12-31T23:59:59.999Z')
    assert.deepEqual(engine.setClock(first), first)
    assert.deepEqual(engine.setClock(last), last)
    assert.deepEqual(engine.advanceClock(-last.getTime()), first)
  })

  it('refuses moves out of the years 1970-9999 with code validation, and stays put', async () => {
    const engine = company(Engine.inMemory({ clockStart: START }))
    const outside = [
      new Date('1969-12-31T23:59:59.999Z'),
      new Date('+010000-01-01T00:00:00Z'),
      new Date(-8.64e15),
      new Date(8.64e15),
    ]
    for (const at of outside) {
      await refused(engine, 'validation', () => engine.setClock(at), { field: 'at' })
      assert.deepEqual(engine.now(), START)
    }
    const tooFar = [
      new Date('+010000-01-01T00:00:00Z').getTime() - START.getTime(),
      -START.getTime() - 1,
      Number.MAX_SAFE_INTEGER,
      -Number.MAX_SAFE_INTEGER,
    ]
    for (const ms of tooFar) {
      const err = await refused(engine, 'validation', () => engine.advanceClock(ms), { field: 'ms' })
      assert.match(err.message, /1970-9999/)
      assert.deepEqual(engine.now(), START)
    }
  })

  it('refuses an Invalid Date and a step that is not a safe integer with code validation', async () => {
    const engine = company(Engine.inMemory({ clockStart: START }))
    await refused(engine, 'validation', () => engine.setClock(new Date(NaN)), { field: 'at' })
    await refused(engine, 'validation', () => engine.setClock(new Date('next tuesday')), { field: 'at' })
    for (const ms of [0.5, -1.5, NaN, Infinity, -Infinity, 2 ** 53, 1e300]) {
      await refused(engine, 'validation', () => engine.advanceClock(ms), { field: 'ms' })
    }
    assert.deepEqual(engine.now(), START)
    assert.throws(() => Engine.inMemory({ clockStart: new Date(NaN) }), { code: 'validation', field: 'clockStart' })
  })

  it('refuses arguments of the wrong JS type before reaching the engine', () => {
    const engine = company(Engine.inMemory({ clockStart: START }))
    for (const call of [
      () => engine.advanceClock(),
      () => engine.advanceClock('3600000'),
      () => engine.advanceClock(BigInt(HOUR)),
      () => engine.advanceClock(new Date(HOUR)),
      () => engine.advanceClock({ hours: 1 }),
      () => engine.setClock(),
      () => engine.setClock(null),
      () => engine.setClock('2026-05-05T09:00:00Z'),
      () => engine.setClock(START.getTime()),
      () => engine.setClock({ getTime: () => 0 }),
    ]) {
      wrongType(engine, call)
      assert.deepEqual(engine.now(), START)
    }
    for (const clockStart of ['2026-05-04T09:00:00Z', START.getTime(), null, {}, [START]]) {
      assert.throws(() => Engine.inMemory({ clockStart }), (e) => e instanceof Error && e.code !== 'validation')
    }
  })
})

describe('an engine on the system clock', () => {
  it('refuses to move time with code configuration and changes nothing', async () => {
    const engine = company()
    const before = state(engine)
    for (const move of [() => engine.advanceClock(HOUR), () => engine.advanceClock(0), () => engine.setClock(START)]) {
      const err = await refused(engine, 'configuration', move)
      assert.match(err.message, /manual clock/)
    }
    assert.deepEqual(state(engine), before)
    assert.ok(Math.abs(engine.now().getTime() - Date.now()) < 60_000)
  })

  it('keeps the clock to the handle: a file reopened without clockStart runs on the system clock', (t) => {
    const path = join(tempDir(t), 'shared.db')
    const simulated = company(Engine.open(path, { clockStart: new Date('2031-01-01T00:00:00Z') }))
    simulated.submitApproval('li.na', 'content_review', adCopy())
    const live = Engine.open(path)
    assert.ok(Math.abs(live.now().getTime() - Date.now()) < 60_000)
    assert.throws(() => live.advanceClock(HOUR), { code: 'configuration' })
    // The record written in 2031 is read back as written; nothing is overdue yet.
    assert.equal(live.approval(1).submittedAt.toISOString(), '2031-01-01T00:00:00.000Z')
    assert.deepEqual(live.overdueApprovals(), [])
  })
})

describe('moving the clock back', () => {
  it('stamps later records earlier and keeps the audit chain valid', async () => {
    const engine = company(Engine.inMemory({ clockStart: START }))
    engine.advanceClock(DAY)
    engine.submitApproval('li.na', 'content_review', adCopy())
    engine.setClock(START)
    const earlier = engine.submitApproval('li.na', 'content_review', adCopy())
    assert.deepEqual(earlier.submittedAt, START)
    assert.deepEqual(engine.approvals().map((i) => i.id), [2, 1], 'listed by id, not by time')
    assert.ok((await engine.verifyAudit()).ok)
  })
})

// Core refuses a start it could never move from (outside 1970-9999) when the
// engine opens; the binding only renames the field to its JS name.
describe('a start outside the years 1970-9999', () => {
  it('is refused with code validation naming clockStart', () => {
    for (const clockStart of [new Date('1900-01-01T00:00:00Z'), new Date('+020000-01-01T00:00:00Z')]) {
      assert.throws(() => Engine.inMemory({ clockStart }), { code: 'validation', field: 'clockStart' })
    }
  })
})
