// Every Engine method through the public JS API (media accounts in
// media.test.mjs, the audit log in audit.test.mjs): the happy path, and the
// bad side (wrong JS types, empty, huge and hostile strings, unknown ids,
// missing permission, deactivated actor). A refused call changes nothing.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'

import {
  ADMIN, Engine, HOSTILE_HANDLES, HOSTILE_NAMES, KEY, Policy, refused, seeded, seededWithMedia, state, tempDir, wrongType,
} from './helpers.mjs'

describe('Engine.open and Engine.inMemory', () => {
  it('opens in memory with and without options', () => {
    for (const options of [undefined, null, {}, { busyTimeoutMs: 100 }, { secretKey: KEY }]) {
      const engine = Engine.inMemory(options)
      assert.equal(engine.path, null)
      assert.equal(engine.auditLen(), 0)
      assert.deepEqual(engine.principals(), [])
    }
  })

  it('accepts the secret key as a Buffer or a Uint8Array', () => {
    for (const secretKey of [KEY, new Uint8Array(32).fill(9)]) {
      const engine = seeded({ secretKey })
      const account = engine.registerMediaAccount(ADMIN, {
        id: 'sms-1', platform: 'sms_sender', displayName: 'SMS', ownerDepartment: 'marketing',
        custodian: 'li.na', credential: 'tok',
      })
      assert.equal(account.hasCredential, true)
      assert.equal(engine.revealMediaCredential(ADMIN, 'sms-1'), 'tok')
    }
  })

  it('refuses bad options with code validation', () => {
    const cases = [
      [{ secretKey: Buffer.alloc(31) }, 'secretKey'],
      [{ secretKey: Buffer.alloc(33) }, 'secretKey'],
      [{ secretKey: new Uint8Array(0) }, 'secretKey'],
      [{ busyTimeoutMs: -1 }, 'busyTimeoutMs'],
      [{ busyTimeoutMs: 1.5 }, 'busyTimeoutMs'],
      [{ busyTimeoutMs: NaN }, 'busyTimeoutMs'],
      [{ busyTimeoutMs: Infinity }, 'busyTimeoutMs'],
    ]
    for (const [options, field] of cases) {
      assert.throws(() => Engine.inMemory(options), { code: 'validation', field })
    }
  })

  it('refuses options of the wrong JS type', () => {
    for (const options of [{ secretKey: 'abc' }, { secretKey: [1, 2] }, { busyTimeoutMs: '5' }, 42, 'x', true]) {
      assert.throws(() => Engine.inMemory(options), (e) => e instanceof Error && e.code !== 'validation')
    }
    assert.throws(() => Engine.open(42), Error)
    assert.throws(() => Engine.open(), Error)
  })

  it('opens a file, keeps data across handles and reports its path', (t) => {
    const path = join(tempDir(t), 'live.db')
    const first = Engine.open(path, { busyTimeoutMs: 2000 })
    assert.equal(first.path, path)
    first.bootstrap({ handle: ADMIN, displayName: 'Admin', department: 'it' })
    const second = Engine.open(path)
    assert.equal(second.principal(ADMIN).handle, ADMIN)
    assert.equal(second.auditLen(), 1)
  })

  it('refuses an unopenable path with code io, storage or corrupt', (t) => {
    const dir = tempDir(t)
    assert.throws(() => Engine.open(join(dir, 'no', 'such', 'dir', 'x.db')),
      (e) => ['io', 'storage', 'corrupt'].includes(e.code))
    assert.throws(() => Engine.open(dir), (e) => typeof e.code === 'string' && e instanceof Error)
  })

  it('cannot be constructed with new', () => {
    assert.throws(() => new Engine(), Error)
  })

  it('now() is a Date near the system clock', () => {
    const now = Engine.inMemory().now()
    assert.ok(now instanceof Date)
    assert.ok(Math.abs(now.getTime() - Date.now()) < 60_000)
  })
})

describe('bootstrap', () => {
  it('creates the first administrator with IT default roles', () => {
    const engine = Engine.inMemory()
    const admin = engine.bootstrap({ handle: ADMIN, displayName: '王强', department: 'it' })
    assert.equal(admin.handle, ADMIN)
    assert.equal(admin.displayName, '王强')
    assert.equal(admin.department, 'it')
    assert.deepEqual(admin.roles, ['it_admin'])
    assert.equal(admin.active, true)
    assert.ok(admin.createdAt instanceof Date)
    assert.equal(admin.deactivatedAt, null)
    assert.equal(engine.auditLen(), 1)
  })

  it('is refused once a principal exists', async () => {
    const engine = seeded()
    await refused(engine, 'conflict', () =>
      engine.bootstrap({ handle: 'it.second', displayName: 'Second', department: 'it' }))
  })

  it('refuses a first principal who could not administer accounts', async () => {
    const engine = Engine.inMemory()
    await refused(engine, 'policy_violation', () =>
      engine.bootstrap({ handle: 'li.na', displayName: 'Li', department: 'marketing' }), { rule: 'ACC-2' })
    await refused(engine, 'validation', () =>
      engine.bootstrap({ handle: 'Bad Handle', displayName: 'X', department: 'it' }), { field: 'handle' })
    await refused(engine, 'validation', () =>
      engine.bootstrap({ handle: 'it.admin', displayName: 'X', department: 'it', roles: ['overlord'] }))
    assert.equal(engine.auditLen(), 0)
  })

  it('refuses inputs of the wrong JS type', () => {
    const engine = Engine.inMemory()
    for (const input of [undefined, null, 'it.admin', { handle: 'it.admin' },
      { handle: 1, displayName: 'A', department: 'it' },
      { handle: 'it.admin', displayName: 'A', department: 'it', roles: 'it_admin' }]) {
      wrongType(engine, () => engine.bootstrap(input))
    }
  })
})

describe('createPrincipal', () => {
  it('grants department default roles, or exactly the roles given', () => {
    const engine = seeded()
    const sales = engine.createPrincipal(ADMIN, { handle: 'wu.hao', displayName: '吴昊', department: 'sales' })
    assert.deepEqual(sales.roles, ['sales_staff'])
    const exec = engine.createPrincipal(ADMIN, {
      handle: 'boss', displayName: 'Boss', department: 'executive', roles: ['supervisor', 'executive', 'executive'],
    })
    assert.deepEqual(exec.roles, ['executive', 'supervisor'])
    const none = engine.createPrincipal(ADMIN, { handle: 'no.roles', displayName: 'N', department: 'hr', roles: [] })
    assert.deepEqual(none.roles, [])
    assert.deepEqual(engine.principal('wu.hao'), sales)
  })

  it('accepts mixed scripts and long names in display names', () => {
    const engine = seeded()
    const names = ['陈杰 Jie Chen', 'Zoë Ålesund-Øberg', 'محمد علي', 'Ελένη Κ.', 'Дмитрий', 'Dev 👩\u200d💻', '长'.repeat(200)]
    names.forEach((displayName, i) => {
      const p = engine.createPrincipal(ADMIN, { handle: `mixed.${i}`, displayName, department: 'pr' })
      assert.equal(p.displayName, displayName)
    })
  })

  it('refuses hostile handles with code validation and changes nothing', async () => {
    const engine = seeded()
    for (const handle of HOSTILE_HANDLES) {
      const err = await refused(engine, 'validation', () =>
        engine.createPrincipal(ADMIN, { handle, displayName: 'X', department: 'sales' }), { field: 'handle' })
      assert.ok(err.message.length < 500, 'a huge value is not echoed back')
      assert.ok(!err.message.includes('\u0000') && !err.message.includes('\n'), 'control characters are escaped')
    }
  })

  it('refuses hostile display names with code validation', async () => {
    const engine = seeded()
    for (const displayName of HOSTILE_NAMES) {
      const err = await refused(engine, 'validation', () =>
        engine.createPrincipal(ADMIN, { handle: 'hostile.name', displayName, department: 'sales' }),
      { field: 'display_name' })
      assert.ok(!err.message.includes(displayName.trim() || '\u0001'), 'a personal value is not echoed back')
    }
  })

  it('refuses unknown departments and roles, listing what is allowed', async () => {
    const engine = seeded()
    const err = await refused(engine, 'validation', () =>
      engine.createPrincipal(ADMIN, { handle: 'x.y', displayName: 'X', department: 'Marketing' }), { field: 'department' })
    assert.match(err.message, /marketing, brand, it/)
    for (const department of ['', 'sales; DROP TABLE principal', 'x'.repeat(100_000), 'it\u200b']) {
      await refused(engine, 'validation', () =>
        engine.createPrincipal(ADMIN, { handle: 'x.y', displayName: 'X', department }), { field: 'department' })
    }
    await refused(engine, 'validation', () =>
      engine.createPrincipal(ADMIN, { handle: 'x.y', displayName: 'X', department: 'sales', roles: ['overlord'] }),
    { field: 'roles' })
  })

  it('refuses a duplicate handle with code conflict', async () => {
    const engine = seeded()
    await refused(engine, 'conflict', () =>
      engine.createPrincipal(ADMIN, { handle: 'li.na', displayName: 'Again', department: 'sales' }),
    { entity: 'principal', id: 'li.na' })
  })

  it('refuses actors without permission, unknown or deactivated, and audits it', async () => {
    const engine = seeded()
    const input = { handle: 'x.y', displayName: 'X', department: 'sales' }
    await refused(engine, 'permission_denied', () => engine.createPrincipal('li.na', input), {
      principal: 'li.na', permission: 'principal.manage', reason: 'missing_permission',
    })
    await refused(engine, 'permission_denied', () => engine.createPrincipal('ghost', input), {
      reason: 'unknown_principal',
    })
    // A non-IT principal holding it_admin still may not administer accounts (ACC-2).
    engine.grantRole(ADMIN, 'chen.jie', 'it_admin')
    await refused(engine, 'permission_denied', () => engine.createPrincipal('chen.jie', input), {
      reason: 'wrong_department',
    })
    engine.createPrincipal(ADMIN, { handle: 'it.two', displayName: 'IT Two', department: 'it' })
    engine.deactivatePrincipal(ADMIN, 'it.two')
    await refused(engine, 'permission_denied', () => engine.createPrincipal('it.two', input), {
      reason: 'deactivated',
    })
    // A hostile actor string is refused and never lands in the log as given.
    const err = await refused(engine, 'permission_denied', () =>
      engine.createPrincipal("x'); DELETE FROM audit_log;--\n", input))
    assert.match(err.principal, /^invalid:[0-9a-f]+$/)
    const denied = engine.auditQuery('zhao.min', { outcome: 'denied' })
    assert.ok(denied.every((r) => !r.principal.includes("'")))
  })

  it('refuses arguments of the wrong JS type', () => {
    const engine = seeded()
    const input = { handle: 'x.y', displayName: 'X', department: 'sales' }
    wrongType(engine, () => engine.createPrincipal(ADMIN))
    wrongType(engine, () => engine.createPrincipal(42, input))
    wrongType(engine, () => engine.createPrincipal(null, input))
    wrongType(engine, () => engine.createPrincipal(ADMIN, null))
    wrongType(engine, () => engine.createPrincipal(ADMIN, { ...input, displayName: 7 }))
    wrongType(engine, () => engine.createPrincipal(ADMIN, { ...input, department: undefined }))
    wrongType(engine, () => engine.createPrincipal(ADMIN, { ...input, roles: [1, 2] }))
  })
})

describe('createPrincipals', () => {
  it('creates a batch and resolves to the principals', async () => {
    const engine = seeded()
    const created = await engine.createPrincipals(ADMIN, [
      { handle: 'a.one', displayName: 'A', department: 'sales' },
      { handle: 'b.two', displayName: 'B', department: 'finance', roles: ['finance_staff', 'supervisor'] },
    ])
    assert.deepEqual(created.map((p) => p.handle), ['a.one', 'b.two'])
    assert.deepEqual(created[1].roles, ['finance_staff', 'supervisor'])
    assert.equal(engine.principal('b.two').department, 'finance')
  })

  it('creates all or none, naming the bad row', async () => {
    const engine = seeded()
    await refused(engine, 'validation', () => engine.createPrincipals(ADMIN, [
      { handle: 'good.one', displayName: 'Good', department: 'sales' },
      { handle: 'Bad Handle', displayName: 'Bad', department: 'sales' },
    ]), { field: 'principals[1].handle' })
    await refused(engine, 'validation', () => engine.createPrincipals(ADMIN, [
      { handle: 'good.one', displayName: 'Good', department: 'sales' },
      { handle: 'good.two', displayName: 'Good', department: 'nowhere' },
    ]), { field: 'principals[1].department' })
    await refused(engine, 'conflict', () => engine.createPrincipals(ADMIN, [
      { handle: 'twin', displayName: 'A', department: 'sales' },
      { handle: 'twin', displayName: 'B', department: 'sales' },
    ]))
    await refused(engine, 'conflict', () => engine.createPrincipals(ADMIN, [
      { handle: 'new.one', displayName: 'A', department: 'sales' },
      { handle: 'li.na', displayName: 'B', department: 'sales' },
    ]))
    await refused(engine, 'permission_denied', () => engine.createPrincipals('li.na', [
      { handle: 'new.one', displayName: 'A', department: 'sales' },
    ]))
    assert.throws(() => engine.principal('good.one'), { code: 'not_found' })
  })

  it('rejects (not throws) engine errors, throws on wrong JS types', async () => {
    const engine = seeded()
    const pending = engine.createPrincipals('ghost', [])
    assert.ok(pending instanceof Promise)
    await assert.rejects(pending, { code: 'permission_denied' })
    wrongType(engine, () => engine.createPrincipals(ADMIN, 'not an array'))
    wrongType(engine, () => engine.createPrincipals(ADMIN, [{ handle: 'x.y' }]))
  })

  it('handles a large batch off the JS thread', async () => {
    const engine = seeded()
    const batch = Array.from({ length: 2000 }, (_, i) => ({
      handle: `bulk.${i}`, displayName: `Bulk ${i}`, department: 'sales',
    }))
    let ticks = 0
    const timer = setInterval(() => ticks++, 0)
    const created = await engine.createPrincipals(ADMIN, batch)
    clearInterval(timer)
    assert.ok(ticks > 0, 'timers ran while the batch was written')
    assert.equal(created.length, 2000)
    assert.equal(engine.principals().length, 2005)
    assert.ok((await engine.verifyAudit()).ok)
  })
})

describe('roles', () => {
  it('grants and revokes roles', () => {
    const engine = seeded()
    assert.deepEqual(engine.grantRole(ADMIN, 'li.na', 'data_steward').roles, ['data_steward', 'marketing_staff'])
    assert.equal(engine.can('li.na', 'crm.erase'), true)
    assert.deepEqual(engine.revokeRole(ADMIN, 'li.na', 'data_steward').roles, ['marketing_staff'])
    assert.equal(engine.can('li.na', 'crm.erase'), false)
  })

  it('refuses bad grants and revokes', async () => {
    const engine = seeded()
    await refused(engine, 'not_found', () => engine.grantRole(ADMIN, 'ghost', 'supervisor'),
      { entity: 'principal', id: 'ghost' })
    await refused(engine, 'not_found', () => engine.grantRole(ADMIN, 'DROP TABLE; --', 'supervisor'))
    await refused(engine, 'validation', () => engine.grantRole(ADMIN, 'li.na', 'overlord'), { field: 'role' })
    await refused(engine, 'validation', () => engine.grantRole(ADMIN, 'li.na', ''), { field: 'role' })
    await refused(engine, 'conflict', () => engine.grantRole(ADMIN, 'li.na', 'marketing_staff'))
    await refused(engine, 'conflict', () => engine.revokeRole(ADMIN, 'li.na', 'supervisor'))
    await refused(engine, 'permission_denied', () => engine.grantRole('li.na', 'li.na', 'it_admin'))
    await refused(engine, 'permission_denied', () => engine.revokeRole('zhao.min', 'li.na', 'marketing_staff'))
    // The last administrator keeps its role (ACC-2).
    await refused(engine, 'policy_violation', () => engine.revokeRole(ADMIN, ADMIN, 'it_admin'), { rule: 'ACC-2' })
    engine.createPrincipal(ADMIN, { handle: 'gone', displayName: 'Gone', department: 'sales' })
    engine.deactivatePrincipal(ADMIN, 'gone')
    await refused(engine, 'conflict', () => engine.grantRole(ADMIN, 'gone', 'supervisor'))
  })

  it('refuses arguments of the wrong JS type', () => {
    const engine = seeded()
    wrongType(engine, () => engine.grantRole(ADMIN, 'li.na'))
    wrongType(engine, () => engine.grantRole(ADMIN, 'li.na', ['supervisor']))
    wrongType(engine, () => engine.revokeRole(ADMIN, {}, 'supervisor'))
  })
})

describe('deactivatePrincipal', () => {
  it('deactivates, reports orphaned media accounts and locks the principal out', async () => {
    const engine = seededWithMedia()
    const result = engine.deactivatePrincipal(ADMIN, 'li.na')
    assert.equal(result.principal.handle, 'li.na')
    assert.equal(result.principal.active, false)
    assert.ok(result.principal.deactivatedAt instanceof Date)
    assert.deepEqual(result.custodianOf, ['douyin-main', 'wechat-main'])
    assert.deepEqual([result.reassignedApprovals, result.unstaffedApprovals], [[], []])
    assert.deepEqual(engine.permissionsOf('li.na'), [])
    assert.equal(engine.can('li.na', 'content.create'), false)
    await refused(engine, 'permission_denied', () =>
      engine.recordMediaInteraction('li.na', 'douyin-main', new Date()), { reason: 'deactivated' })
  })

  it('refuses self-deactivation, repeats, unknown handles and missing permission', async () => {
    const engine = seeded()
    await refused(engine, 'conflict', () => engine.deactivatePrincipal(ADMIN, ADMIN))
    await refused(engine, 'not_found', () => engine.deactivatePrincipal(ADMIN, 'ghost'))
    await refused(engine, 'permission_denied', () => engine.deactivatePrincipal('zhao.min', 'li.na'))
    engine.deactivatePrincipal(ADMIN, 'li.na')
    await refused(engine, 'conflict', () => engine.deactivatePrincipal(ADMIN, 'li.na'))
    wrongType(engine, () => engine.deactivatePrincipal(ADMIN))
  })
})

describe('reads: principal, principals, permissionsOf, can', () => {
  it('reads principals and permissions', () => {
    const engine = seeded()
    assert.deepEqual(engine.principals().map((p) => p.handle), ['chen.jie', ADMIN, 'li.na', 'sun.li', 'zhao.min'])
    assert.deepEqual(engine.permissionsOf('sun.li'),
      ['audit.read', 'content.review_legal', 'approval.submit', 'crm.export', 'crm.erase', 'expense.submit'])
    assert.ok(engine.permissionsOf(ADMIN).includes('principal.manage'))
    assert.equal(engine.can(ADMIN, 'principal.manage'), true)
    assert.equal(engine.can('li.na', 'principal.manage'), false)
    assert.equal(engine.can('ghost', 'crm.read'), false)
  })

  it('refuses unknown handles and permission names', () => {
    const engine = seeded()
    for (const handle of ['ghost', '', 'x'.repeat(100_000), "'; --", 'zero\u200bwidth']) {
      assert.throws(() => engine.principal(handle), { code: 'not_found', entity: 'principal' })
      assert.throws(() => engine.permissionsOf(handle), { code: 'not_found' })
    }
    assert.throws(() => engine.can(ADMIN, 'root'), { code: 'validation', field: 'permission' })
    assert.throws(() => engine.can(ADMIN, 'CRM.READ'), { code: 'validation' })
    assert.throws(() => engine.can(ADMIN, 'crm.read\u0000'), { code: 'validation' })
    assert.throws(() => engine.can(ADMIN, 'root'), /principal\.manage, role\.grant/)
    assert.throws(() => engine.principal(), Error)
    assert.throws(() => engine.can(ADMIN, 1), Error)
  })
})

describe('policy on the engine', () => {
  it('reads, replaces and versions the policy', () => {
    const engine = seeded()
    const v0 = engine.policyVersion()
    assert.deepEqual(v0, { version: 0, installedAt: null, installedBy: null, digest: Policy.default().digest })
    assert.deepEqual(engine.policyHistory(), [])
    const next = engine.policy().overlay({ access: { zombie_after_months: 3 } })
    const v1 = engine.replacePolicy('zhao.min', next)
    assert.equal(v1.version, 1)
    assert.equal(v1.installedBy, 'zhao.min')
    assert.ok(v1.installedAt instanceof Date)
    assert.equal(v1.digest, next.digest)
    assert.equal(engine.policy().toObject().access.zombie_after_months, 3)
    assert.deepEqual(engine.policyVersion(), v1)
    assert.deepEqual(engine.policyHistory(), [v1])
  })

  it('refuses replacements that break the engine or lack permission', async () => {
    const engine = seeded()
    const next = engine.policy().overlay({ access: { zombie_after_months: 3 } })
    await refused(engine, 'permission_denied', () => engine.replacePolicy(ADMIN, next))
    await refused(engine, 'permission_denied', () => engine.replacePolicy('ghost', next))
    // Roles someone holds must stay defined.
    engine.grantRole(ADMIN, 'li.na', 'data_steward')
    const doc = engine.policy().toObject()
    delete doc.access.roles.data_steward
    await refused(engine, 'conflict', () => engine.replacePolicy('zhao.min', Policy.fromObject(doc)),
      { entity: 'role', id: 'data_steward' })
    // Somebody must still be able to administer accounts.
    const noAdmins = engine.policy().overlay({ access: { account_admin_departments: ['hr'] } })
    await refused(engine, 'policy_violation', () => engine.replacePolicy('zhao.min', noAdmins), { rule: 'ACC-2' })
    wrongType(engine, () => engine.replacePolicy('zhao.min', next.toObject()))
    wrongType(engine, () => engine.replacePolicy('zhao.min', null))
  })
})

describe('a refused call changes nothing, on a file too', () => {
  it('leaves the file database as it was', async (t) => {
    const path = join(tempDir(t), 'refusals.db')
    const engine = Engine.open(path)
    engine.bootstrap({ handle: ADMIN, displayName: 'Admin', department: 'it' })
    engine.createPrincipal(ADMIN, { handle: 'li.na', displayName: 'Li', department: 'marketing' })
    const before = state(engine)
    await refused(engine, 'permission_denied', () =>
      engine.createPrincipal('li.na', { handle: 'x.y', displayName: 'X', department: 'sales' }))
    await refused(engine, 'validation', () => engine.createPrincipals(ADMIN, [
      { handle: 'ok.one', displayName: 'Ok', department: 'sales' },
      { handle: 'NOT OK', displayName: 'No', department: 'sales' },
    ]))
    assert.deepEqual(state(Engine.open(path)), before)
    assert.ok((await Engine.open(path).verifyAudit()).ok)
  })
})
