// Bad input to the approval calls: wrong JS types, ids that are not safe
// integers, unknown ids and workflows, bad listing filters, empty, huge and
// hostile strings, bad digests and amounts. Each is refused with a typed
// error and changes nothing.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import {
  HOSTILE_HANDLES, HOSTILE_NAMES, INVOICE, adCopy, claim, company, refused, state, wrongType,
} from './helpers.mjs'

describe('bad input is refused with typed errors and changes nothing', () => {
  it('refuses arguments of the wrong JS type before reaching the engine', () => {
    const engine = company()
    const ad = engine.submitApproval('li.na', 'content_review', adCopy())
    const calls = [
      () => engine.submitApproval('li.na', 'content_review'),
      () => engine.submitApproval('li.na', 'content_review', null),
      () => engine.submitApproval('li.na', 'content_review', 'content-17/v3'),
      () => engine.submitApproval('li.na', 42, adCopy()),
      () => engine.submitApproval(null, 'content_review', adCopy()),
      () => engine.submitApproval('li.na', 'content_review', { ...adCopy(), kind: 1 }),
      () => engine.submitApproval('li.na', 'content_review', { ...adCopy(), reference: undefined }),
      () => engine.submitApproval('li.na', 'content_review', { ...adCopy(), attributes: { is_ad: true } }),
      () => engine.submitApproval('li.na', 'content_review', { ...adCopy(), attributes: { amount: 12.5 } }),
      // napi-rs alone would read a string or an array as an object of its indexes.
      () => engine.submitApproval('li.na', 'content_review', { ...adCopy(), attributes: 'is_ad' }),
      () => engine.submitApproval('li.na', 'content_review', { ...adCopy(), attributes: ['is_ad'] }),
      () => engine.submitApproval('li.na', 'content_review', { ...adCopy(), attributes: null }),
      () => engine.submitApproval('li.na', 'content_review', { ...adCopy(), attachments: null }),
      () => engine.submitApproval('li.na', 'expense_reimbursement', claim(INVOICE)),
      () => engine.submitApproval('li.na', 'expense_reimbursement', claim([{ ...INVOICE, amount: 1280.5 }])),
      () => engine.submitApproval('li.na', 'expense_reimbursement', claim([{ ...INVOICE, sha256: undefined }])),
      () => engine.approve('chen.jie', String(ad.id)),
      () => engine.approve('chen.jie', BigInt(ad.id)),
      () => engine.approve('chen.jie', null),
      () => engine.approve('chen.jie', ad.id, 'looks good'),
      () => engine.approve('chen.jie', ad.id, { comment: 5 }),
      () => engine.approve('chen.jie', ad.id, { checklist: 'authenticity' }),
      () => engine.reject('chen.jie', ad.id),
      () => engine.reject('chen.jie', ad.id, { comment: 'no' }),
      () => engine.returnForChanges('chen.jie', [ad.id], 'no'),
      () => engine.resubmitApproval('li.na', ad.id, 'v2'),
      () => engine.withdrawApproval('li.na', ad.id, 7),
      () => engine.assignApproval('zhao.min', ad.id),
      () => engine.approval('1'),
      () => engine.approval(),
      () => engine.approvalHistory({ id: 1 }),
      () => engine.approvalTasks(),
      () => engine.approvalTasks(7),
      () => engine.delegations(null),
      () => engine.approvalThroughput(),
      () => engine.approvals('li.na'),
      () => engine.approvals(42),
      () => engine.approvals({ submitter: 7 }),
      () => engine.approvals({ state: null }),
      () => engine.approvals({ workflow: ['content_review'] }),
      () => engine.approvals({ limit: '10' }),
      () => engine.approvals({ limit: 10n }),
      () => engine.approvals({ beforeId: '3' }),
    ]
    for (const call of calls) wrongType(engine, call)
  })

  it('refuses ids that are not safe integers with code validation, and unknown ids with not_found', async () => {
    const engine = company()
    const ad = engine.submitApproval('li.na', 'content_review', adCopy())
    for (const id of [1.5, -0.5, NaN, Infinity, -Infinity, 2 ** 53, -(2 ** 53), 1e300]) {
      await refused(engine, 'validation', () => engine.approval(id), { field: 'id' })
      await refused(engine, 'validation', () => engine.approve('chen.jie', id), { field: 'id' })
      await refused(engine, 'validation', () => engine.approvalHistory(id), { field: 'id' })
      await refused(engine, 'validation', () => engine.endDelegation('sun.li', id), { field: 'delegationId' })
    }
    for (const id of [0, -1, ad.id + 1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]) {
      await refused(engine, 'not_found', () => engine.approval(id), { entity: 'approval', id: String(id) })
      await refused(engine, 'not_found', () => engine.approvalHistory(id), { entity: 'approval' })
      await refused(engine, 'not_found', () => engine.approve('chen.jie', id), { entity: 'approval' })
      await refused(engine, 'not_found', () => engine.reject('chen.jie', id, 'no'), { entity: 'approval' })
      await refused(engine, 'not_found', () => engine.returnForChanges('chen.jie', id, 'no'), { entity: 'approval' })
      await refused(engine, 'not_found', () => engine.resubmitApproval('li.na', id), { entity: 'approval' })
      await refused(engine, 'not_found', () => engine.withdrawApproval('li.na', id), { entity: 'approval' })
      await refused(engine, 'not_found', () => engine.assignApproval('zhao.min', id, 'chen.jie'), { entity: 'approval' })
      await refused(engine, 'not_found', () => engine.endDelegation('sun.li', id), { entity: 'delegation' })
    }
    // An unknown actor is refused before the id is looked up.
    await refused(engine, 'permission_denied', () => engine.approve('ghost', 12345), { reason: 'unknown_principal' })
    assert.throws(() => engine.approvalTasks('ghost'), { code: 'not_found', entity: 'principal' })
  })

  it('refuses bad listing filters with code validation naming the field', async () => {
    const engine = company()
    engine.submitApproval('li.na', 'content_review', adCopy())
    for (const limit of [0, -0, -1, 1.5, NaN, Infinity, 2 ** 32, 2 ** 53]) {
      await refused(engine, 'validation', () => engine.approvals({ limit }), { field: 'limit' })
    }
    for (const beforeId of [1.5, NaN, -Infinity, 2 ** 53]) {
      await refused(engine, 'validation', () => engine.approvals({ beforeId }), { field: 'beforeId' })
    }
    for (const st of ['', 'IN_REVIEW', 'pending', 'in_review ', 'x'.repeat(1_000_000), 'nul\u0000']) {
      const err = await refused(engine, 'validation', () => engine.approvals({ state: st }), { field: 'state' })
      assert.ok(err.message.length < 500, 'a huge value is not echoed back')
      assert.match(err.message, /in_review, approved, rejected, returned_for_changes, withdrawn/)
    }
  })

  it('refuses unknown and hostile workflow names with not_found', async () => {
    const engine = company()
    for (const workflow of ['no_such_flow', 'Content_Review', ...HOSTILE_HANDLES]) {
      const err = await refused(engine, 'not_found', () => engine.submitApproval('li.na', workflow, adCopy()),
        { entity: 'workflow' })
      assert.ok(err.message.length < 500, 'a huge value is not echoed back')
      assert.ok(!/[\u0000\n\u202e]/.test(err.message), 'control characters are not echoed raw')
    }
  })

  it('refuses bad subjects with code validation naming the field', async () => {
    const engine = company()
    const cases = [
      [{ ...adCopy(), kind: 'spaceship' }, 'subject.kind'],
      [{ ...adCopy(), kind: 'Content_Version' }, 'subject.kind'],
      [{ ...adCopy(), kind: '' }, 'subject.kind'],
      [{ ...adCopy(), kind: 'expense_claim' }, 'subject.kind'],
      [{ ...adCopy(), reference: '' }, 'subject.reference'],
      [{ ...adCopy(), reference: '   ' }, 'subject.reference'],
      [{ ...adCopy(), reference: 'ref\u0000' }, 'subject.reference'],
      [{ ...adCopy(), reference: 'x'.repeat(129) }, 'subject.reference'],
      [{ ...adCopy(), reference: 'x'.repeat(1_000_000) }, 'subject.reference'],
      ...HOSTILE_NAMES.map((title) => [{ ...adCopy(), title }, 'subject.title']),
      ...['Bad Key', '', 'x'.repeat(65), 'ключ', "k'; DROP TABLE approval_instance;--", 'is-ad']
        .map((key) => [{ ...adCopy(), attributes: { [key]: 'v' } }, 'subject.attributes']),
      [{ ...adCopy(), attributes: { note: 'bell\u0007' } }, 'subject.attributes.note'],
      [{ ...adCopy(), attributes: { note: 'x'.repeat(1001) } }, 'subject.attributes.note'],
      [{ ...adCopy(), attributes: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v'])) },
        'subject.attributes'],
    ]
    for (const [subject, field] of cases) {
      const err = await refused(engine, 'validation', () => engine.submitApproval('li.na', 'content_review', subject),
        { field })
      assert.ok(err.message.length < 500, `${field}: a huge value is not echoed back`)
    }
    const kindErr = await refused(engine, 'validation', () =>
      engine.submitApproval('li.na', 'content_review', { ...adCopy(), kind: 'spaceship' }))
    assert.match(kindErr.message, /content_version, budget_adjustment, expense_claim/)
  })

  it('refuses bad attachments: digests, names, kinds and amounts', async () => {
    const engine = company()
    const submit = (attachment, extra = []) =>
      engine.submitApproval('li.na', 'expense_reimbursement', claim([INVOICE, ...extra, { ...INVOICE, ...attachment }]))
    const cases = [
      ...['xyz', '', 'g'.repeat(64), 'ab'.repeat(33), 'ab'.repeat(31), `${'ab'.repeat(31)} a`, 'ａｂ'.repeat(32)]
        .map((sha256) => [{ sha256 }, 'sha256']),
      [{ name: '' }, 'name'],
      [{ name: 'inv\u0000oice.pdf' }, 'name'],
      [{ name: 'x'.repeat(1_000_000) }, 'name'],
      [{ kind: 'Invoice X' }, 'kind'],
      [{ kind: '' }, 'kind'],
      // Negative amounts: the subject's rule.
      ...['-1', '-0.01', '-1280.50'].map((amount) => [{ amount }, 'amount']),
      // Not a decimal, or not exact: core's money parser, the same in every language.
      ...['', ' 1', '1 ', '1e3', '1E3', '1_000', '1,000.00', '1.', '.5', '+1', '+5', '-', '-.5', 'NaN', 'Infinity',
        '0x10', '１２', '١٢', '--1', '1.2.3', '1.5e-3', '9'.repeat(29), `0.${'1'.repeat(29)}`, `${'1'.repeat(28)}.0`,
        `${'1'.repeat(20)}.${'1'.repeat(9)}`, '9'.repeat(40), `0.${'1'.repeat(40)}`, '9'.repeat(1_000_000)]
        .map((amount) => [{ amount }, 'amount']),
    ]
    for (const [attachment, leaf] of cases) {
      const err = await refused(engine, 'validation', () => submit(attachment),
        { field: `subject.attachments[1].${leaf}` })
      assert.ok(err.message.length < 500, `${leaf}: a huge value is not echoed back`)
      if (leaf === 'amount' && attachment.amount.length > 3) {
        assert.ok(!err.message.includes(attachment.amount), 'the error names the field, never the amount')
      }
    }
    await refused(engine, 'validation', () => submit({ amount: 'lots' }, [INVOICE]), { field: 'subject.attachments[2].amount' })
    // Exact decimals of any scale cross unchanged, zero included.
    for (const amount of ['0', '0.00', '1280.50', '0.001', '99999999999999999999.99', '7922816251426433759354395033',
      '9'.repeat(28), `0.${'0'.repeat(27)}1`, `${'1'.repeat(27)}.0`]) {
      const c = engine.submitApproval('li.na', 'expense_reimbursement', claim([{ ...INVOICE, amount }]))
      assert.equal(c.subject.attachments[0].amount, amount)
    }
    // Leading zeros are not significant and do not survive; the value does.
    for (const [amount, kept] of [['007', '7'], ['000.10', '0.10'], [`${'0'.repeat(40)}1`, '1'], ['-0', '0']]) {
      const c = engine.submitApproval('li.na', 'expense_reimbursement', claim([{ ...INVOICE, amount }]))
      assert.equal(c.subject.attachments[0].amount, kept)
    }
    const noAmount = engine.submitApproval('li.na', 'expense_reimbursement', claim([{ ...INVOICE, amount: undefined }]))
    assert.equal(noAmount.subject.attachments[0].amount, null)
  })

  it('stores hostile free text verbatim and keeps the audit chain valid', async () => {
    const engine = company()
    const subject = {
      kind: 'content_version',
      reference: "x'); DROP TABLE approval_instance;--",
      title: "标题 'OR 1=1 -- 😀 Zoë",
      attributes: { note: "'; DELETE FROM audit_log; --", empty: '' },
    }
    const s = engine.submitApproval('li.na', 'content_review', subject)
    assert.deepEqual(engine.approval(s.id).subject, { ...subject, attachments: [] })
    const comment = "'); DROP TABLE approval_event;-- 第一行\n第二行 😀"
    engine.reject('chen.jie', s.id, comment)
    assert.equal(engine.approvalHistory(s.id)[1].comment, comment)
    assert.ok((await engine.verifyAudit()).ok)
    assert.deepEqual(state(engine).approvals.map((a) => a.instance.id), [s.id])
  })
})
