// How failures reach JavaScript: an Error with a stable `code`, core's message,
// and structured extras; the same object from sync throws and promise rejections.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'

import { ADMIN, BRANDRAIL_CODES, Engine, Policy, editFile, seeded, tempDir } from './helpers.mjs'

function caught(call) {
  try {
    call()
  } catch (e) {
    return e
  }
  assert.fail('expected the call to throw')
}

describe('brandrail errors', () => {
  it('are Errors with a code, core\'s message and a stack', () => {
    const engine = seeded()
    const err = caught(() => engine.principal('ghost'))
    assert.ok(err instanceof Error)
    assert.equal(err.name, 'Error')
    assert.equal(err.code, 'not_found')
    assert.equal(err.message, "principal 'ghost' not found")
    assert.equal(typeof err.stack, 'string')
    assert.ok(BRANDRAIL_CODES.has(err.code))
  })

  it('permission_denied carries principal, permission and reason', () => {
    const err = caught(() => seeded().grantRole('li.na', 'li.na', 'it_admin'))
    assert.equal(err.code, 'permission_denied')
    assert.equal(err.principal, 'li.na')
    assert.equal(err.permission, 'role.grant')
    assert.equal(err.reason, 'missing_permission')
    assert.equal(err.message, "permission denied: principal 'li.na' may not role.grant (missing_permission)")
  })

  it('separation_of_duties carries the principal', () => {
    const engine = seeded()
    const own = engine.submitApproval('chen.jie', 'content_review', { kind: 'content_version', reference: 'c-1', title: '品牌故事' })
    const err = caught(() => engine.approve('chen.jie', own.id, { comment: 'looks great' }))
    assert.ok(err instanceof Error)
    assert.equal(err.code, 'separation_of_duties')
    assert.equal(err.principal, 'chen.jie')
    assert.match(err.message, /^separation of duties: .*chen\.jie/)
    assert.equal(err.permission, undefined)
  })

  it('validation carries the field', () => {
    const err = caught(() => seeded().createPrincipal(ADMIN, { handle: 'ok.handle', displayName: '', department: 'sales' }))
    assert.equal(err.code, 'validation')
    assert.equal(err.field, 'display_name')
    assert.equal(err.message, 'display_name: must not be empty')
  })

  it('not_found and conflict carry entity and id', () => {
    const engine = seeded()
    const missing = caught(() => engine.mediaAccount('nope'))
    assert.deepEqual([missing.code, missing.entity, missing.id], ['not_found', 'media_account', 'nope'])
    const twice = caught(() => engine.createPrincipal(ADMIN, { handle: 'li.na', displayName: 'L', department: 'sales' }))
    assert.deepEqual([twice.code, twice.entity, twice.id], ['conflict', 'principal', 'li.na'])
  })

  it('policy_violation carries the rule', () => {
    const err = caught(() => seeded().revokeRole(ADMIN, ADMIN, 'it_admin'))
    assert.equal(err.code, 'policy_violation')
    assert.equal(err.rule, 'ACC-2')
    assert.match(err.message, /^policy rule ACC-2: /)
  })

  it('configuration when the engine has no secret key', () => {
    const err = caught(() => seeded().registerMediaAccount(ADMIN, {
      id: 'mail-1', platform: 'email_sender', displayName: 'Mail', ownerDepartment: 'marketing',
      custodian: 'li.na', credential: 'smtp-password',
    }))
    assert.equal(err.code, 'configuration')
    assert.ok(!err.message.includes('smtp-password'))
  })

  it('rejections carry the same codes and extras as throws', async () => {
    const engine = seeded()
    await assert.rejects(engine.backupTo('li.na', '/nonexistent/x.db'), (e) => {
      assert.ok(e instanceof Error)
      assert.deepEqual([e.code, e.principal, e.permission, e.reason],
        ['permission_denied', 'li.na', 'audit.backup', 'missing_permission'])
      return true
    })
    await assert.rejects(engine.createPrincipals(ADMIN, [{ handle: 'X', displayName: 'X', department: 'sales' }]),
      { code: 'validation', field: 'principals[0].handle' })
    await assert.rejects(engine.recordMediaInteractions('li.na', [{ id: 'ghost', at: new Date('2026-01-01') }]),
      { code: 'not_found', entity: 'media_account', id: 'ghost' })
    await assert.rejects(engine.escalateOverdueApprovals('li.na'),
      { code: 'permission_denied', principal: 'li.na', permission: 'approval.administer', reason: 'missing_permission' })
  })

  it('integrity carries the first bad sequence number', async (t) => {
    const dir = tempDir(t)
    const engine = seeded()
    const backup = join(dir, 'b.db')
    await engine.backupTo(ADMIN, backup)
    await editFile(backup, "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET detail = 'x' WHERE seq = 3")
    await assert.rejects(engine.restoreFrom(ADMIN, backup), { code: 'integrity', seq: 3 })
  })

  it('io and incompatible_database for bad files', async (t) => {
    const dir = tempDir(t)
    const engine = seeded()
    await assert.rejects(engine.restoreFrom(ADMIN, join(dir, 'missing.db')), { code: 'io' })
    const err = caught(() => Engine.open(join(dir, 'missing-dir', 'x.db')))
    assert.ok(BRANDRAIL_CODES.has(err.code), err.code)
  })

  it('policy errors are coded too', () => {
    const err = caught(() => Policy.fromToml('[budget.split]\nfixed = "a lot"\n'))
    assert.equal(err.code, 'validation')
    assert.equal(typeof err.field, 'string')
  })

  it('wrong JS types throw synchronously with napi-rs codes, even for promise methods', () => {
    const engine = seeded()
    const err = caught(() => engine.createPrincipal(42, {}))
    assert.ok(err instanceof Error)
    assert.ok(!BRANDRAIL_CODES.has(err.code))
    const sync = caught(() => engine.createPrincipals(ADMIN, 'not a list'))
    assert.ok(sync instanceof Error && !BRANDRAIL_CODES.has(sync.code))
  })
})
