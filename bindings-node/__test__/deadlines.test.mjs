// Time passing, on a manual clock (clock.test.mjs tests the clock itself):
// stage deadlines and `overdue` flags (APR-4), escalation to a stage's
// escalation pool, delegations opening and expiring, throughput over known
// durations, media accounts turning zombie (ACC-5) and the backup schedule
// falling due (AUD-3). Nothing here edits a database file behind the engine.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'

import { ADMIN, Engine, HOUR, adCopy, claim, company, refused, tempDir, wrongType } from './helpers.mjs'

const START = new Date('2026-05-04T09:00:00Z')
const DAY = 24 * HOUR
const at = (ms) => new Date(START.getTime() + ms)

/** The staff of core's approval tests on an in-memory engine whose clock shows START. */
const clocked = () => company(Engine.inMemory({ clockStart: START }))

const budget = { kind: 'budget_adjustment', reference: 'adj-7', title: 'Q2 抖音追加' }

describe('stage deadlines (APR-4)', () => {
  it('makes a stage overdue once the clock passes its deadline, not at it', () => {
    const engine = clocked()
    const ad = engine.submitApproval('li.na', 'content_review', adCopy())
    const expense = engine.submitApproval('li.na', 'expense_reimbursement', claim())
    assert.deepEqual([ad.stages[0].startedAt, ad.stages[0].dueAt], [START, at(DAY)], 'brand: 24 h')
    assert.deepEqual(expense.stages[0].dueAt, at(2 * DAY), 'department head: 48 h')

    engine.advanceClock(DAY)
    assert.deepEqual(engine.overdueApprovals(), [], 'due is not yet overdue')
    assert.equal(engine.approvalTasks('chen.jie')[0].overdue, false)
    engine.advanceClock(1)
    const [late] = engine.overdueApprovals()
    assert.deepEqual(late, {
      instanceId: ad.id, workflow: 'content_review', stage: 'brand', subjectKind: 'content_version',
      subjectTitle: '双十一 广告文案', submitter: 'li.na', dueAt: at(DAY), overdue: true, escalated: false,
      assignee: null, onBehalfOf: null,
    })
    assert.equal(engine.approvalTasks('chen.jie')[0].overdue, true, 'task lists follow the clock')
    assert.equal(engine.approvalTasks('ma.head')[0].overdue, false, 'the claim is not due yet')

    engine.advanceClock(DAY)
    assert.deepEqual(engine.overdueApprovals().map((t) => [t.instanceId, t.stage]),
      [[ad.id, 'brand'], [expense.id, 'department_head']], 'most overdue first')
    // `asOf` still asks about any other time, independent of the clock.
    assert.deepEqual(engine.overdueApprovals(START), [])
    assert.deepEqual(engine.overdueApprovals(null).length, 2)
    assert.deepEqual(engine.overdueApprovals(at(DAY + 1)).map((t) => t.instanceId), [ad.id])
  })

  it('starts the next stage on the clock when the previous one is decided', () => {
    const engine = clocked()
    const ad = engine.submitApproval('li.na', 'content_review', adCopy())
    engine.advanceClock(5 * HOUR)
    const atLegal = engine.approve('chen.jie', ad.id)
    assert.deepEqual(atLegal.stages[0].completedAt, at(5 * HOUR))
    assert.deepEqual([atLegal.stages[1].startedAt, atLegal.stages[1].dueAt], [at(5 * HOUR), at(29 * HOUR)])
    engine.advanceClock(DAY + 1)
    assert.deepEqual(engine.overdueApprovals().map((t) => t.stage), ['legal'])
    const done = engine.approve('sun.li', ad.id)
    assert.deepEqual([done.state, done.closedAt, done.updatedAt], ['approved', at(29 * HOUR + 1), at(29 * HOUR + 1)])
    assert.deepEqual(engine.overdueApprovals(), [], 'a closed instance is nobody\'s task')
  })

  it('refuses a bad asOf', async () => {
    const engine = clocked()
    await refused(engine, 'validation', () => engine.overdueApprovals(new Date(NaN)), { field: 'asOf' })
    wrongType(engine, () => engine.overdueApprovals('tomorrow'))
    wrongType(engine, () => engine.overdueApprovals(Date.now()))
  })
})

describe('escalation (APR-4)', () => {
  it('escalates nothing before a deadline, and only for administrators', async () => {
    const engine = clocked()
    engine.submitApproval('li.na', 'content_review', adCopy())
    engine.advanceClock(DAY)
    const pending = engine.escalateOverdueApprovals('zhao.min')
    assert.ok(pending instanceof Promise)
    assert.deepEqual(await pending, [])
    engine.advanceClock(1)
    await refused(engine, 'permission_denied', () => engine.escalateOverdueApprovals('li.na'),
      { permission: 'approval.administer', reason: 'missing_permission' })
    await refused(engine, 'permission_denied', () => engine.escalateOverdueApprovals('ghost'),
      { reason: 'unknown_principal' })
    wrongType(engine, () => engine.escalateOverdueApprovals(42))
  })

  it('hands a stage past its deadline to its escalation pool, once, and the pool decides', async () => {
    const engine = clocked()
    const ad = engine.submitApproval('li.na', 'content_review', adCopy())
    engine.advanceClock(25 * HOUR)
    assert.deepEqual(engine.approvalTasks('ma.head'), [], 'the escalation pool waits for the escalation')
    await refused(engine, 'permission_denied', () => engine.approve('ma.head', ad.id), { reason: 'not_a_decider' })

    const escalated = await engine.escalateOverdueApprovals('zhao.min')
    assert.deepEqual(escalated.map((i) => [i.id, i.escalated, i.currentStage, i.updatedAt]),
      [[ad.id, true, 'brand', at(25 * HOUR)]])
    assert.deepEqual(await engine.escalateOverdueApprovals('zhao.min'), [], 'only once')
    const [task] = engine.approvalTasks('ma.head')
    assert.deepEqual([task.instanceId, task.overdue, task.escalated], [ad.id, true, true])
    assert.deepEqual(engine.overdueApprovals().map((t) => [t.instanceId, t.escalated]), [[ad.id, true]])

    engine.advanceClock(HOUR)
    // A supervisor (the escalation pool) decides the brand stage.
    const next = engine.approve('ma.head', ad.id, { comment: '超时，由主管审批' })
    assert.deepEqual([next.currentStage, next.escalated], ['legal', false])
    assert.deepEqual([next.stages[1].startedAt, next.stages[1].dueAt], [at(26 * HOUR), at(50 * HOUR)])
    assert.deepEqual(engine.approvalHistory(ad.id).map((h) => [h.kind, h.principal, h.at]), [
      ['submitted', 'li.na', START],
      ['escalated', 'zhao.min', at(25 * HOUR)],
      ['approved', 'ma.head', at(26 * HOUR)],
    ])
    assert.ok((await engine.verifyAudit()).ok)
  })

  it('leaves a stage without an escalation target overdue but unescalated', async () => {
    const engine = clocked()
    const adj = engine.submitApproval('li.na', 'budget_adjustment', budget)
    engine.approve('zhou.fan', adj.id)
    engine.advanceClock(72 * HOUR + 1)
    assert.deepEqual(await engine.escalateOverdueApprovals('zhao.min'), [])
    assert.deepEqual(engine.overdueApprovals().map((t) => [t.instanceId, t.stage, t.escalated]),
      [[adj.id, 'executive', false]])
  })
})

describe('delegation windows (APR-4)', () => {
  it('opens and expires with the clock', async () => {
    const engine = clocked()
    const ad = engine.submitApproval('li.na', 'content_review', adCopy())
    engine.approve('chen.jie', ad.id)
    const d = engine.delegateApprovals('sun.li', 'hu.hr', at(HOUR), at(3 * HOUR))
    assert.deepEqual(d.createdAt, START)
    assert.deepEqual(engine.approvalTasks('hu.hr'), [], 'not yet open')

    engine.advanceClock(HOUR)
    const [task] = engine.approvalTasks('hu.hr')
    assert.deepEqual([task.instanceId, task.onBehalfOf], [ad.id, 'sun.li'])
    engine.advanceClock(2 * HOUR - 1)
    assert.equal(engine.approvalTasks('hu.hr').length, 1, 'still open a millisecond before its end')
    engine.advanceClock(1)
    assert.deepEqual(engine.approvalTasks('hu.hr'), [], 'the end is exclusive')
    await refused(engine, 'permission_denied', () => engine.approve('hu.hr', ad.id), { reason: 'not_a_decider' })
    assert.equal(engine.approve('sun.li', ad.id).state, 'approved')
  })

  it('judges "in the future" by the engine clock', async () => {
    const engine = company(Engine.inMemory({ clockStart: new Date('2020-01-01T00:00:00Z') }))
    // Long past for the system clock, ahead of this engine's clock.
    const d = engine.delegateApprovals('sun.li', 'hu.hr', new Date('2020-01-01T00:00:00Z'), new Date('2020-01-08T00:00:00Z'))
    assert.equal(d.endsAt.toISOString(), '2020-01-08T00:00:00.000Z')
    engine.advanceClock(8 * DAY)
    await refused(engine, 'validation', () =>
      engine.delegateApprovals('sun.li', 'hu.hr', new Date('2020-01-08T00:00:00Z'), new Date('2020-01-09T00:00:00Z')),
    { field: 'ends_at' })
  })
})

describe('throughput (APR-4)', () => {
  it('reports the median and 90th percentile of known stage durations', () => {
    const engine = clocked()
    const ads = [1, 2, 3, 4].map(() => engine.submitApproval('li.na', 'content_review', adCopy()))
    // Brand decides after 1 h, 2 h, 3 h and 10 h; legal decides them all at 11 h.
    for (const [ad, hours] of [[ads[0], 1], [ads[1], 1], [ads[2], 1], [ads[3], 7]]) {
      engine.advanceClock(hours * HOUR)
      engine.approve('chen.jie', ad.id)
    }
    engine.advanceClock(HOUR)
    for (const ad of ads) engine.approve('sun.li', ad.id)
    assert.deepEqual(engine.approvalThroughput('content_review'), [
      { workflow: 'content_review', stage: 'brand', completed: 4, medianSeconds: 2.5 * 3600, p90Seconds: 10 * 3600 },
      // Legal ran 10 h, 9 h, 8 h and 1 h.
      { workflow: 'content_review', stage: 'legal', completed: 4, medianSeconds: 8.5 * 3600, p90Seconds: 10 * 3600 },
    ])
  })
})

describe('zombie media accounts (ACC-5)', () => {
  it('appear once idle for the policy\'s six months, and recover on use', () => {
    const engine = clocked()
    engine.registerMediaAccount(ADMIN, {
      id: 'weibo-main', platform: 'weibo', displayName: '品牌微博', ownerDepartment: 'pr', custodian: 'chen.jie',
    })
    const sixMonths = new Date('2026-11-04T09:00:00Z')
    engine.setClock(new Date(sixMonths.getTime() - 1))
    assert.deepEqual(engine.zombieMediaAccounts(), [])
    engine.advanceClock(1)
    const [zombie] = engine.zombieMediaAccounts()
    assert.deepEqual([zombie.account.id, zombie.idleSince, zombie.idleDays], ['weibo-main', START, 184])

    // An interaction "now" resets the idle time; one ahead of the engine clock
    // by more than core's five minutes of skew is refused.
    const ahead = new Date(engine.now().getTime() + 5 * 60_000 + 1)
    assert.throws(() => engine.recordMediaInteraction('chen.jie', 'weibo-main', ahead), { code: 'validation' })
    engine.recordMediaInteraction('chen.jie', 'weibo-main', engine.now())
    assert.deepEqual(engine.zombieMediaAccounts(), [])
    engine.advanceClock(200 * DAY)
    assert.deepEqual(engine.zombieMediaAccounts().map((z) => [z.account.id, z.idleSince, z.idleDays]),
      [['weibo-main', sixMonths, 200]])
  })
})

describe('the backup schedule (AUD-3)', () => {
  it('falls due backup_interval_hours after the last backup', async (t) => {
    const dir = tempDir(t)
    const engine = company(Engine.open(join(dir, 'live.db'), { clockStart: START }))
    assert.deepEqual(engine.backupStatus(), { lastBackupAt: null, nextDueAt: START, overdue: true })
    engine.advanceClock(HOUR)
    await engine.backupTo(ADMIN, join(dir, 'backup-1.db'))
    assert.deepEqual(engine.backupStatus(), { lastBackupAt: at(HOUR), nextDueAt: at(25 * HOUR), overdue: false })
    engine.advanceClock(DAY - 1)
    assert.equal(engine.backupStatus().overdue, false)
    engine.advanceClock(1)
    assert.equal(engine.backupStatus().overdue, true, 'due at the interval')
  })
})
