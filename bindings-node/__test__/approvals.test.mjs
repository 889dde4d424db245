// Approvals (APR-1..APR-4) through the public JS API: the built-in workflows,
// separation of duties, rejection and resubmission, withdrawal, delegation,
// listing, assignment, throughput, each with its refusals (bad input at large
// is in approvals-input.test.mjs; deadlines, escalation and expiring
// delegations, on a manual clock, in deadlines.test.mjs). A refused call
// changes nothing.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import {
  ADMIN, CHECKLIST, HOSTILE_HANDLES, HOUR, INVOICE, adCopy, approvals, claim, company, refused, wrongType,
} from './helpers.mjs'

const stageStates = (instance) => instance.stages.map((s) => [s.name, s.state])

describe('content review (APR-2)', () => {
  it('routes an ad through brand, then legal', async () => {
    const engine = company()
    const ad = engine.submitApproval('li.na', 'content_review', adCopy())
    assert.equal(ad.id, 1)
    assert.equal(ad.workflow, 'content_review')
    assert.equal(ad.submitter, 'li.na')
    assert.equal(ad.state, 'in_review')
    assert.equal(ad.round, 1)
    assert.equal(ad.currentStage, 'brand')
    assert.equal(ad.assignee, null)
    assert.equal(ad.escalated, false)
    assert.ok(ad.submittedAt instanceof Date && ad.updatedAt instanceof Date)
    assert.equal(ad.closedAt, null)
    assert.deepEqual(ad.subject, { ...adCopy(), attachments: [] })
    assert.deepEqual(stageStates(ad), [['brand', 'active'], ['legal', 'waiting'], ['supervisor', 'skipped']])
    const brand = ad.stages[0]
    assert.equal(brand.quorum, 1)
    assert.deepEqual(brand.approvals, [])
    assert.equal(brand.dueAt.getTime() - brand.startedAt.getTime(), 24 * HOUR)
    assert.equal(brand.completedAt, null)
    assert.deepEqual([ad.stages[1].startedAt, ad.stages[1].dueAt], [null, null])
    assert.deepEqual(engine.approval(ad.id), ad)

    const [task] = engine.approvalTasks('chen.jie')
    assert.deepEqual(task, {
      instanceId: ad.id, workflow: 'content_review', stage: 'brand', subjectKind: 'content_version',
      subjectTitle: '双十一 广告文案', submitter: 'li.na', dueAt: brand.dueAt, overdue: false, escalated: false,
      assignee: null, onBehalfOf: null,
    })
    assert.deepEqual(engine.approvalTasks('sun.li'), [], 'legal waits for brand')

    const atLegal = engine.approve('chen.jie', ad.id, { comment: '符合品牌规范' })
    assert.equal(atLegal.currentStage, 'legal')
    assert.deepEqual(stageStates(atLegal), [['brand', 'done'], ['legal', 'active'], ['supervisor', 'skipped']])
    const [given] = atLegal.stages[0].approvals
    assert.deepEqual([given.principal, given.onBehalfOf], ['chen.jie', null])
    assert.ok(given.at instanceof Date && atLegal.stages[0].completedAt instanceof Date)
    // A brand reviewer may not take the legal stage.
    await refused(engine, 'permission_denied', () => engine.approve('gao.brand', ad.id), {
      principal: 'gao.brand', permission: 'approval.decide:content_review.legal', reason: 'not_a_decider',
    })
    const done = engine.approve('sun.li', ad.id)
    assert.equal(done.state, 'approved')
    assert.equal(done.currentStage, null)
    assert.ok(done.closedAt instanceof Date)
    assert.deepEqual(engine.approvalHistory(ad.id).map((h) => [h.kind, h.principal, h.stage, h.comment]), [
      ['submitted', 'li.na', null, ''],
      ['approved', 'chen.jie', 'brand', '符合品牌规范'],
      ['approved', 'sun.li', 'legal', ''],
    ])
  })

  it('skips legal for a plain post and adds a supervisor for sensitive items', () => {
    const engine = company()
    const post = engine.submitApproval('li.na', 'content_review',
      { kind: 'content_version', reference: 'content-18/v1', title: '门店探店笔记' })
    const approved = engine.approve('chen.jie', post.id, {})
    assert.equal(approved.state, 'approved')
    assert.deepEqual(stageStates(approved), [['brand', 'done'], ['legal', 'skipped'], ['supervisor', 'skipped']])

    const sensitive = engine.submitApproval('li.na', 'content_review', adCopy({ sensitive: 'true' }))
    assert.deepEqual(stageStates(sensitive), [['brand', 'active'], ['legal', 'waiting'], ['supervisor', 'waiting']])
    engine.approve('chen.jie', sensitive.id)
    engine.approve('sun.li', sensitive.id)
    const atSupervisor = engine.approval(sensitive.id)
    assert.equal(atSupervisor.currentStage, 'supervisor')
    assert.equal(atSupervisor.stages[2].dueAt.getTime() - atSupervisor.stages[2].startedAt.getTime(), 8 * HOUR)
    assert.equal(engine.approve('zhao.min', sensitive.id, { comment: '可以发布' }).state, 'approved')
  })
})

describe('expense reimbursement (APR-2)', () => {
  it('needs an invoice, then passes department head, finance check, executive and payment', async () => {
    const engine = company()
    await refused(engine, 'validation', () => engine.submitApproval('li.na', 'expense_reimbursement', claim([])),
      { field: 'subject.attachments' })
    const c = engine.submitApproval('li.na', 'expense_reimbursement', claim())
    assert.deepEqual(c.subject.attachments, [INVOICE], 'the amount stays an exact decimal string')
    assert.deepEqual(c.stages.map((s) => s.name), ['department_head', 'finance_check', 'executive', 'payment'])

    // The department head is a supervisor of the submitter's own department.
    await refused(engine, 'permission_denied', () => engine.approve('sales.head', c.id), { reason: 'not_a_decider' })
    assert.equal(engine.approve('ma.head', c.id, { comment: '属实' }).currentStage, 'finance_check')
    // Finance confirms exactly the stage's checklist, in any order.
    await refused(engine, 'validation', () => engine.approve('zhou.fan', c.id, { checklist: ['authenticity'] }),
      { field: 'checklist' })
    await refused(engine, 'validation', () => engine.approve('zhou.fan', c.id), { field: 'checklist' })
    await refused(engine, 'validation', () =>
      engine.approve('zhou.fan', c.id, { checklist: [...CHECKLIST, 'vibes'] }), { field: 'checklist' })
    const checked = engine.approve('zhou.fan', c.id, { comment: '发票已验真', checklist: [...CHECKLIST].reverse() })
    assert.equal(checked.currentStage, 'executive')
    assert.equal(engine.approve('zhao.min', c.id, { comment: '同意' }).currentStage, 'payment')
    // The checker may not also pay (APR-3).
    const err = await refused(engine, 'separation_of_duties', () => engine.approve('zhou.fan', c.id),
      { principal: 'zhou.fan' })
    assert.match(err.message, /^separation of duties: /)
    const paid = engine.approve('qian.pay', c.id, { comment: '已付款' })
    assert.equal(paid.state, 'approved')

    const history = engine.approvalHistory(c.id)
    assert.deepEqual(history.map((h) => h.kind), ['submitted', 'approved', 'approved', 'approved', 'approved'])
    assert.deepEqual(history[2].checklist, [...CHECKLIST].sort())
    assert.deepEqual(history.map((h) => h.round), [1, 1, 1, 1, 1])
    assert.ok(history.every((h) => h.instanceId === c.id && h.at instanceof Date))
    assert.deepEqual(history.map((h) => h.id), [...history.map((h) => h.id)].sort((a, b) => a - b))
  })
})

describe('separation of duties and deciders (APR-1, APR-3)', () => {
  it('refuses self-approval with code separation_of_duties, audited', async () => {
    const engine = company()
    const own = engine.submitApproval('chen.jie', 'content_review', adCopy())
    assert.deepEqual(engine.approvalTasks('chen.jie'), [], 'nobody is offered their own submission')
    const err = await refused(engine, 'separation_of_duties', () =>
      engine.approve('chen.jie', own.id, { comment: 'looks great' }), { principal: 'chen.jie' })
    assert.ok(err instanceof Error)
    await refused(engine, 'separation_of_duties', () => engine.reject('chen.jie', own.id, 'no'))
    const [last] = engine.auditQuery('zhao.min', { outcome: 'denied' }).slice(-1)
    assert.equal(last.action, 'approval.reject')
    assert.match(last.detail, /separation_of_duties/)
  })

  it('lets one principal pass several stages only where the workflow allows it', () => {
    const engine = company()
    let gate = engine.submitApproval('li.na', 'project_gates', { kind: 'project', reference: 'prj-9', title: '会员小程序' })
    assert.equal(gate.stages.length, 11)
    for (let i = 0; i < 11; i++) gate = engine.approve('ma.head', gate.id)
    assert.equal(gate.state, 'approved')
  })

  it('refuses non-deciders, unknown and deactivated actors with permission_denied', async () => {
    const engine = company()
    const ad = engine.submitApproval('li.na', 'content_review', adCopy())
    for (const actor of ['hu.hr', 'sun.li', 'li.na', 'zhao.min']) {
      await refused(engine, 'permission_denied', () => engine.approve(actor, ad.id),
        { principal: actor, reason: 'not_a_decider', permission: 'approval.decide:content_review.brand' })
    }
    await refused(engine, 'permission_denied', () => engine.reject('hu.hr', ad.id, 'no'), { reason: 'not_a_decider' })
    await refused(engine, 'permission_denied', () => engine.returnForChanges('hu.hr', ad.id, 'no'),
      { reason: 'not_a_decider' })
    await refused(engine, 'permission_denied', () => engine.approve('ghost', ad.id), { reason: 'unknown_principal' })
    engine.deactivatePrincipal(ADMIN, 'gao.brand')
    await refused(engine, 'permission_denied', () => engine.approve('gao.brand', ad.id), { reason: 'deactivated' })
    await refused(engine, 'permission_denied', () => engine.submitApproval('gao.brand', 'content_review', adCopy()),
      { reason: 'deactivated' })
    assert.deepEqual(engine.approvalTasks('gao.brand'), [])
  })

  it('keeps the decision layer to executives and known matters', async () => {
    const engine = company()
    const decision = (matter) => ({ kind: 'decision', reference: 'fy2027', title: '2027 年度战略', attributes: { matter } })
    await refused(engine, 'validation', () => engine.submitApproval('ma.head', 'decision_layer', decision('team_lunch')),
      { field: 'subject.attributes.matter' })
    const d = engine.submitApproval('ma.head', 'decision_layer', decision('annual_strategy'))
    await refused(engine, 'permission_denied', () => engine.approve('sales.head', d.id), { reason: 'not_a_decider' })
    assert.equal(engine.approve('zhao.min', d.id).state, 'approved')
  })
})

describe('rejection, return, resubmission and withdrawal (APR-4)', () => {
  it('needs a comment to reject or return', async () => {
    const engine = company()
    const ad = engine.submitApproval('li.na', 'content_review', adCopy())
    for (const comment of ['', '   ', '\n']) {
      await refused(engine, 'validation', () => engine.reject('chen.jie', ad.id, comment), { field: 'comment' })
      await refused(engine, 'validation', () => engine.returnForChanges('chen.jie', ad.id, comment), { field: 'comment' })
    }
    for (const comment of ['x'.repeat(2001), 'x'.repeat(1_000_000), 'esc\u001b[31m', 'nul\u0000']) {
      const err = await refused(engine, 'validation', () => engine.reject('chen.jie', ad.id, comment), { field: 'comment' })
      assert.ok(err.message.length < 500)
      await refused(engine, 'validation', () => engine.approve('chen.jie', ad.id, { comment }), { field: 'comment' })
    }
    assert.equal(engine.reject('chen.jie', ad.id, '第一行\n第二行').state, 'rejected')
  })

  it('sends a rejection back to the submitter; resubmission keeps the history and bumps the round', async () => {
    const engine = company()
    const ad = engine.submitApproval('li.na', 'content_review', adCopy())
    const rejected = engine.reject('chen.jie', ad.id, '用了"最好"，违反广告法第九条')
    assert.deepEqual([rejected.state, rejected.currentStage, rejected.round], ['rejected', null, 1])
    await refused(engine, 'conflict', () => engine.approve('sun.li', ad.id), { entity: 'approval', id: String(ad.id) })
    await refused(engine, 'permission_denied', () => engine.resubmitApproval('chen.jie', ad.id),
      { reason: 'not_the_submitter', permission: 'approval.resubmit' })
    await refused(engine, 'validation', () => engine.resubmitApproval('li.na', ad.id, claim()), { field: 'subject.kind' })

    const revised = { ...adCopy(), reference: 'content-17/v4', title: '双十一 广告文案（修订）' }
    const round2 = engine.resubmitApproval('li.na', ad.id, revised)
    assert.deepEqual([round2.state, round2.currentStage, round2.round], ['in_review', 'brand', 2])
    assert.equal(round2.subject.title, '双十一 广告文案（修订）')
    await refused(engine, 'conflict', () => engine.resubmitApproval('li.na', ad.id))
    const returned = engine.returnForChanges('chen.jie', ad.id, '加上广告标识')
    assert.equal(returned.state, 'returned_for_changes')
    const round3 = engine.resubmitApproval('li.na', ad.id, null)
    assert.equal(round3.round, 3)
    assert.equal(round3.subject.reference, 'content-17/v4', 'left out, the subject stays as it was')
    engine.approve('chen.jie', ad.id)
    const done = engine.approve('sun.li', ad.id)
    assert.deepEqual([done.state, done.round], ['approved', 3])

    const history = engine.approvalHistory(ad.id)
    assert.deepEqual(history.map((h) => [h.kind, h.round]), [
      ['submitted', 1], ['rejected', 1], ['resubmitted', 2], ['returned', 2],
      ['resubmitted', 3], ['approved', 3], ['approved', 3],
    ])
    assert.equal(history[1].comment, '用了"最好"，违反广告法第九条')
    assert.equal(history[3].comment, '加上广告标识')
  })

  it('lets only the submitter withdraw, once', async () => {
    const engine = company()
    const ad = engine.submitApproval('li.na', 'content_review', adCopy())
    await refused(engine, 'permission_denied', () => engine.withdrawApproval('chen.jie', ad.id),
      { reason: 'not_the_submitter', permission: 'approval.withdraw' })
    await refused(engine, 'validation', () => engine.withdrawApproval('li.na', ad.id, 'bell\u0007'), { field: 'comment' })
    const withdrawn = engine.withdrawApproval('li.na', ad.id, '活动取消')
    assert.deepEqual([withdrawn.state, withdrawn.currentStage], ['withdrawn', null])
    assert.ok(withdrawn.closedAt instanceof Date)
    await refused(engine, 'conflict', () => engine.withdrawApproval('li.na', ad.id))
    await refused(engine, 'conflict', () => engine.approve('chen.jie', ad.id))
    assert.deepEqual(engine.approvalTasks('chen.jie'), [])
    const other = engine.submitApproval('li.na', 'content_review', adCopy())
    assert.equal(engine.withdrawApproval('li.na', other.id).state, 'withdrawn', 'the comment is optional')
    assert.equal(engine.approvalHistory(other.id)[1].comment, '')
  })
})

describe('delegation while away (APR-4)', () => {
  it('lets the delegate decide on behalf of the delegator, and records it', async () => {
    const engine = company()
    const now = engine.now().getTime()
    const ad = engine.submitApproval('li.na', 'content_review', adCopy())
    engine.approve('chen.jie', ad.id)
    await refused(engine, 'permission_denied', () => engine.approve('hu.hr', ad.id), { reason: 'not_a_decider' })

    const d = engine.delegateApprovals('sun.li', 'hu.hr', new Date(now - HOUR), new Date(now + 3 * 24 * HOUR))
    assert.equal(d.from, 'sun.li')
    assert.equal(d.to, 'hu.hr')
    assert.equal(d.startsAt.getTime(), now - HOUR)
    assert.equal(d.endsAt.getTime(), now + 3 * 24 * HOUR)
    assert.ok(d.createdAt instanceof Date)
    assert.equal(d.revokedAt, null)
    const [task] = engine.approvalTasks('hu.hr')
    assert.deepEqual([task.instanceId, task.stage, task.onBehalfOf], [ad.id, 'legal', 'sun.li'])

    const done = engine.approve('hu.hr', ad.id, { comment: '代孙丽审批' })
    assert.equal(done.state, 'approved')
    const [legal] = done.stages[1].approvals
    assert.deepEqual([legal.principal, legal.onBehalfOf], ['hu.hr', 'sun.li'])
    const last = engine.approvalHistory(ad.id).at(-1)
    assert.deepEqual([last.principal, last.onBehalfOf, last.comment], ['hu.hr', 'sun.li', '代孙丽审批'])
    assert.deepEqual(engine.delegations('sun.li'), [d])
    assert.deepEqual(engine.delegations('hu.hr'), [d])
    assert.deepEqual(engine.delegations('nobody.here'), [])
  })

  it('offers nothing before the window opens or once it is ended', async () => {
    const engine = company()
    const now = engine.now().getTime()
    const ad = engine.submitApproval('li.na', 'content_review', adCopy())
    engine.approve('chen.jie', ad.id)
    const later = engine.delegateApprovals('sun.li', 'hu.hr', new Date(now + 24 * HOUR), new Date(now + 48 * HOUR))
    assert.deepEqual(engine.approvalTasks('hu.hr'), [], 'a delegation starting tomorrow gives nothing today')
    const current = engine.delegateApprovals('sun.li', 'hu.hr', new Date(now), new Date(now + HOUR))
    assert.equal(engine.approvalTasks('hu.hr').length, 1)
    assert.deepEqual(engine.delegations('sun.li').map((x) => x.id), [current.id, later.id], 'newest first')

    await refused(engine, 'permission_denied', () => engine.endDelegation('hu.hr', current.id),
      { permission: 'approval.administer', reason: 'missing_permission' })
    const ended = engine.endDelegation('sun.li', current.id)
    assert.ok(ended.revokedAt instanceof Date)
    await refused(engine, 'conflict', () => engine.endDelegation('sun.li', current.id))
    assert.deepEqual(engine.approvalTasks('hu.hr'), [])
    await refused(engine, 'permission_denied', () => engine.approve('hu.hr', ad.id), { reason: 'not_a_decider' })
    // An approval administrator may end someone else's delegation.
    assert.ok(engine.endDelegation('zhao.min', later.id).revokedAt instanceof Date)
    await refused(engine, 'not_found', () => engine.endDelegation('sun.li', 999), { entity: 'delegation', id: '999' })
  })

  it('refuses bad delegations', async () => {
    const engine = company()
    const now = engine.now().getTime()
    const at = (hours) => new Date(now + hours * HOUR)
    await refused(engine, 'validation', () => engine.delegateApprovals('sun.li', 'sun.li', at(0), at(72)), { field: 'to' })
    await refused(engine, 'validation', () => engine.delegateApprovals('sun.li', 'hu.hr', at(0), at(-72)), { field: 'ends_at' })
    await refused(engine, 'validation', () => engine.delegateApprovals('sun.li', 'hu.hr', at(0), at(0)), { field: 'ends_at' })
    await refused(engine, 'validation', () => engine.delegateApprovals('sun.li', 'hu.hr', at(-96), at(-72)), { field: 'ends_at' })
    await refused(engine, 'validation', () => engine.delegateApprovals('sun.li', 'hu.hr', at(0), at(367 * 24)), { field: 'ends_at' })
    await refused(engine, 'validation', () => engine.delegateApprovals('sun.li', 'hu.hr', new Date(NaN), at(1)), { field: 'startsAt' })
    await refused(engine, 'validation', () => engine.delegateApprovals('sun.li', 'hu.hr', at(0), new Date('soon')), { field: 'endsAt' })
    await refused(engine, 'not_found', () => engine.delegateApprovals('sun.li', 'ghost', at(0), at(1)), { entity: 'principal' })
    engine.deactivatePrincipal(ADMIN, 'hu.hr')
    await refused(engine, 'conflict', () => engine.delegateApprovals('sun.li', 'hu.hr', at(0), at(1)))
    await refused(engine, 'permission_denied', () => engine.delegateApprovals('ghost', 'sun.li', at(0), at(1)),
      { reason: 'unknown_principal' })
    for (const to of HOSTILE_HANDLES) {
      const err = await refused(engine, to === 'sun.li' ? 'validation' : 'not_found', () =>
        engine.delegateApprovals('sun.li', to, at(0), at(1)))
      assert.ok(err.message.length < 500)
    }
    wrongType(engine, () => engine.delegateApprovals('sun.li', 'zhao.min', '2026-01-01', at(1)))
    wrongType(engine, () => engine.delegateApprovals('sun.li', 'zhao.min', at(0), now + HOUR))
    wrongType(engine, () => engine.delegateApprovals('sun.li', 'zhao.min', at(0)))
    wrongType(engine, () => engine.endDelegation('sun.li', '1'))
  })
})

describe('listing approvals (APR-4)', () => {
  const budget = { kind: 'budget_adjustment', reference: 'adj-7', title: 'Q2 抖音追加' }

  it('lists by submitter, state and workflow, newest first', () => {
    const engine = company()
    const a = engine.submitApproval('li.na', 'content_review', adCopy())
    const b = engine.submitApproval('li.na', 'budget_adjustment', budget)
    const c = engine.submitApproval('chen.jie', 'content_review', adCopy())
    engine.reject('gao.brand', a.id, '改')
    const ids = (filter) => engine.approvals(filter).map((i) => i.id)
    for (const all of [undefined, null, {}]) assert.deepEqual(ids(all), [c.id, b.id, a.id])
    assert.deepEqual(ids({ submitter: 'li.na' }), [b.id, a.id], 'my requests')
    assert.deepEqual(ids({ state: 'rejected' }), [a.id])
    assert.deepEqual(ids({ state: 'in_review' }), [c.id, b.id])
    assert.deepEqual(ids({ workflow: 'content_review' }), [c.id, a.id])
    assert.deepEqual(ids({ submitter: 'li.na', workflow: 'content_review', state: 'rejected' }), [a.id])
    assert.deepEqual(ids({ submitter: 'li.na', state: 'approved' }), [])
    assert.deepEqual(ids({ submitter: undefined, state: undefined, workflow: undefined }), [c.id, b.id, a.id])
    // The listed instances are the instances themselves.
    assert.deepEqual(engine.approvals(), [c.id, b.id, a.id].map((id) => engine.approval(id)))
  })

  it('matches nothing for unknown or hostile submitters and workflows', () => {
    const engine = company()
    engine.submitApproval('li.na', 'content_review', adCopy())
    for (const name of ['ghost', 'Li.Na', 'no_such_flow', ...HOSTILE_HANDLES]) {
      assert.deepEqual(engine.approvals({ submitter: name }), [])
      assert.deepEqual(engine.approvals({ workflow: name }), [])
    }
    assert.equal(engine.approvals().length, 1, 'the table survives')
  })

  it('pages with beforeId and limit (default 100, at most 10 000)', () => {
    const engine = company()
    for (let i = 0; i < 105; i++) engine.submitApproval('li.na', 'budget_adjustment', budget)
    const ids = (filter) => engine.approvals(filter).map((i) => i.id)
    const range = (from, to) => Array.from({ length: from - to + 1 }, (_, i) => from - i)
    assert.deepEqual(ids(), range(105, 6), 'the newest 100 by default')
    assert.deepEqual(ids({ limit: 40 }), range(105, 66))
    assert.deepEqual(ids({ limit: 40, beforeId: 66 }), range(65, 26))
    assert.deepEqual(ids({ limit: 40, beforeId: 26 }), range(25, 1))
    assert.deepEqual(ids({ limit: 40, beforeId: 1 }), [])
    assert.deepEqual(ids({ beforeId: -5 }), [])
    assert.deepEqual(ids({ beforeId: Number.MAX_SAFE_INTEGER }), range(105, 6))
    assert.deepEqual(ids({ limit: 1 }), [105])
    assert.deepEqual(ids({ limit: 1_000_000 }), range(105, 1), 'a larger limit counts as 10 000')
    assert.deepEqual(engine.approvals({ limit: 10_000 }).reverse(), approvals(engine).map((a) => a.instance))
  })
})

describe('assignment and deactivation (APR-4, ACC-3)', () => {
  it('assigns a stage; deactivating the assignee hands it back; a stage nobody can decide is flagged', async () => {
    const engine = company()
    const ad = engine.submitApproval('li.na', 'content_review', adCopy())
    await refused(engine, 'validation', () => engine.assignApproval('zhao.min', ad.id, 'sun.li'), { field: 'assignee' })
    await refused(engine, 'permission_denied', () => engine.assignApproval('li.na', ad.id, 'gao.brand'),
      { permission: 'approval.administer', reason: 'missing_permission' })
    await refused(engine, 'not_found', () => engine.assignApproval('zhao.min', ad.id, 'ghost'), { entity: 'principal' })
    const assigned = engine.assignApproval('zhao.min', ad.id, 'gao.brand')
    assert.equal(assigned.assignee, 'gao.brand')
    assert.equal(engine.approvalTasks('gao.brand')[0].assignee, 'gao.brand')
    assert.deepEqual(engine.approvalTasks('chen.jie'), [])
    await refused(engine, 'permission_denied', () => engine.approve('chen.jie', ad.id), { reason: 'not_a_decider' })

    const gone = engine.deactivatePrincipal(ADMIN, 'gao.brand')
    assert.deepEqual(gone.reassignedApprovals, [ad.id])
    assert.deepEqual(gone.unstaffedApprovals, [])
    assert.equal(engine.approval(ad.id).assignee, null)
    assert.deepEqual(engine.approvalHistory(ad.id).map((h) => h.kind), ['submitted', 'assigned', 'unassigned'])
    assert.equal(engine.approvalTasks('chen.jie').length, 1)
    engine.approve('chen.jie', ad.id)
    // Legal has one reviewer; once she leaves, the legal stage is flagged.
    const legalGone = engine.deactivatePrincipal(ADMIN, 'sun.li')
    assert.deepEqual([legalGone.reassignedApprovals, legalGone.unstaffedApprovals], [[], [ad.id]])
    // An assignee is still bound by separation of duties.
    const own = engine.submitApproval('chen.jie', 'content_review', adCopy())
    await refused(engine, 'separation_of_duties', () => engine.assignApproval('zhao.min', own.id, 'chen.jie'),
      { principal: 'chen.jie' })
    // Only a stage in review can be assigned.
    const post = engine.submitApproval('li.na', 'content_review', { kind: 'content_version', reference: 'p-1', title: '帖子' })
    engine.approve('chen.jie', post.id)
    await refused(engine, 'conflict', () => engine.assignApproval('zhao.min', post.id, 'chen.jie'))
  })
})

describe('throughput (APR-4)', () => {
  it('gives count, median and 90th percentile per completed stage, in workflow order', () => {
    const engine = company()
    for (let i = 0; i < 3; i++) {
      const ad = engine.submitApproval('li.na', 'content_review', adCopy())
      engine.approve('chen.jie', ad.id)
      engine.approve('sun.li', ad.id)
    }
    engine.submitApproval('li.na', 'content_review', adCopy())
    const rows = engine.approvalThroughput('content_review')
    assert.deepEqual(rows.map((r) => [r.workflow, r.stage, r.completed]),
      [['content_review', 'brand', 3], ['content_review', 'legal', 3]])
    for (const r of rows) {
      assert.deepEqual(Object.keys(r).sort(), ['completed', 'medianSeconds', 'p90Seconds', 'stage', 'workflow'])
      assert.ok(r.medianSeconds >= 0 && r.medianSeconds < 60, `${r.medianSeconds}`)
      assert.ok(r.p90Seconds >= r.medianSeconds)
    }
    assert.deepEqual(engine.approvalThroughput('budget_adjustment'), [])
    for (const workflow of ['nope', '', 'x'.repeat(100_000), "content_review'; --"]) {
      assert.throws(() => engine.approvalThroughput(workflow), { code: 'not_found', entity: 'workflow' })
    }
    assert.throws(() => engine.approvalThroughput(1), (e) => e instanceof Error && e.code !== 'not_found')
  })
})
