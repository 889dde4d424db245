// The audit log through JS: verify, query, tampering behind the engine's back
// (with sql.js editing the SQLite file), backup and restore, and files that
// are not brandrail databases.
import assert from 'node:assert/strict'
import { copyFileSync, existsSync, readFileSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'

import { ADMIN, Engine, editFile, refused, seeded, sqlite, state, tempDir } from './helpers.mjs'

/** A file database with some history, and a verified backup of it. */
async function fileWithBackup(t) {
  const dir = tempDir(t)
  const live = join(dir, 'live.db')
  const engine = Engine.open(live)
  engine.bootstrap({ handle: ADMIN, displayName: 'Admin', department: 'it' })
  await engine.createPrincipals(ADMIN, [
    { handle: 'li.na', displayName: '李娜', department: 'marketing' },
    { handle: 'zhao.min', displayName: '赵敏', department: 'executive' },
  ])
  engine.grantRole(ADMIN, 'li.na', 'supervisor')
  engine.revokeRole(ADMIN, 'li.na', 'supervisor')
  assert.throws(() => engine.grantRole('li.na', 'li.na', 'it_admin'), { code: 'permission_denied' })
  const backup = join(dir, 'backup.db')
  const report = await engine.backupTo(ADMIN, backup)
  return { dir, live, engine, backup, report }
}

/** A copy of `src` in `dir` named `name`. */
function copy(src, dir, name) {
  const dest = join(dir, name)
  copyFileSync(src, dest)
  return dest
}

describe('verifyAudit', () => {
  it('resolves to an intact chain on a fresh and a busy engine', async () => {
    const empty = await Engine.inMemory().verifyAudit()
    assert.deepEqual(empty, { ok: true, recordsChecked: 0, firstBadSeq: null, problem: null, headSeq: 0, headHash: empty.headHash })
    const engine = seeded()
    const v = await engine.verifyAudit()
    assert.equal(v.ok, true)
    assert.equal(v.firstBadSeq, null)
    assert.equal(v.problem, null)
    assert.equal(v.headSeq, engine.auditLen())
    assert.equal(v.recordsChecked, engine.auditLen())
    assert.match(v.headHash, /^[0-9a-f]{64}$/)
  })

  it('returns a promise and leaves the JS thread free', async () => {
    const engine = seeded()
    const pending = engine.verifyAudit()
    assert.ok(pending instanceof Promise)
    const all = await Promise.all([pending, engine.verifyAudit(), engine.verifyAudit()])
    assert.ok(all.every((v) => v.ok))
  })
})

describe('tampering with the SQLite file', () => {
  it('is possible only with the append-only triggers dropped', async (t) => {
    const { dir, backup } = await fileWithBackup(t)
    const target = copy(backup, dir, 'triggers.db')
    await assert.rejects(editFile(target, "UPDATE audit_log SET detail = 'x' WHERE seq = 3"), /append-only/)
    await assert.rejects(editFile(target, 'DELETE FROM audit_log WHERE seq = 3'), /append-only/)
    assert.ok((await Engine.open(target).verifyAudit()).ok)
  })

  it('finds an edited record', async (t) => {
    const { dir, backup } = await fileWithBackup(t)
    const target = copy(backup, dir, 'edited.db')
    await editFile(target, `DROP TRIGGER audit_log_no_update;
      UPDATE audit_log SET detail = 'role=it_admin' WHERE seq = 4;`)
    const v = await Engine.open(target).verifyAudit()
    assert.equal(v.ok, false)
    assert.equal(v.firstBadSeq, 4)
    assert.match(v.problem, /hash/)
  })

  it('finds a re-attributed record', async (t) => {
    const { dir, backup } = await fileWithBackup(t)
    const target = copy(backup, dir, 'reattributed.db')
    await editFile(target, `DROP TRIGGER audit_log_no_update;
      UPDATE audit_log SET principal = 'zhao.min' WHERE seq = 2;`)
    const v = await Engine.open(target).verifyAudit()
    assert.deepEqual([v.ok, v.firstBadSeq], [false, 2])
  })

  it('finds a deleted record', async (t) => {
    const { dir, backup } = await fileWithBackup(t)
    const target = copy(backup, dir, 'deleted.db')
    await editFile(target, `DROP TRIGGER audit_log_no_delete;
      DELETE FROM audit_log WHERE seq = 3;`)
    const v = await Engine.open(target).verifyAudit()
    assert.deepEqual([v.ok, v.firstBadSeq], [false, 3])
    assert.match(v.problem, /missing/)
  })

  it('finds records cut off the end', async (t) => {
    const { dir, backup, report } = await fileWithBackup(t)
    const target = copy(backup, dir, 'truncated-log.db')
    await editFile(target, `DROP TRIGGER audit_log_no_delete;
      DELETE FROM audit_log WHERE seq >= ${report.headSeq - 1};`)
    const v = await Engine.open(target).verifyAudit()
    assert.deepEqual([v.ok, v.firstBadSeq], [false, report.headSeq - 1])
  })
})

describe('auditQuery', () => {
  it('filters by principal, entity, action prefix, outcome, time and pages', () => {
    const engine = seeded()
    assert.throws(() => engine.createPrincipal('li.na', { handle: 'x.y', displayName: 'X', department: 'sales' }))
    const all = engine.auditQuery('zhao.min')
    assert.equal(all.length, engine.auditLen())
    assert.deepEqual(all.map((r) => r.seq), all.map((_, i) => i + 1))
    const first = all[0]
    assert.equal(first.action, 'engine.bootstrap')
    assert.equal(first.outcome, 'applied')
    assert.ok(first.at instanceof Date)
    assert.equal(first.beforeDigest, null)
    assert.match(first.afterDigest, /^[0-9a-f]{64}$/)
    assert.match(first.prevHash, /^0{64}$/)
    assert.equal(all[1].prevHash, first.hash)

    assert.equal(engine.auditQuery('zhao.min', { principal: 'li.na' }).length, 1)
    const denied = engine.auditQuery('zhao.min', { outcome: 'denied' })
    assert.deepEqual(denied.map((r) => [r.principal, r.action]), [['li.na', 'principal.create']])
    assert.match(denied[0].detail, /permission=principal\.manage reason=missing_permission/)
    assert.equal(engine.auditQuery('zhao.min', { action: 'principal.' }).length, 5)
    assert.deepEqual(engine.auditQuery('zhao.min', { entityType: 'principal', entityId: 'li.na' }).map((r) => r.action), ['principal.create'])
    assert.deepEqual(engine.auditQuery('zhao.min', { afterSeq: 3, limit: 2 }).map((r) => r.seq), [4, 5])
    const since = new Date(Date.now() - 60_000)
    const until = new Date(Date.now() + 60_000)
    assert.equal(engine.auditQuery('zhao.min', { since, until }).length, all.length)
    assert.equal(engine.auditQuery('zhao.min', { until: since }).length, 0)
    assert.deepEqual(engine.auditQuery('zhao.min', { principal: "' OR 1=1 --" }), [])
  })

  it('refuses bad queries and missing permission', async () => {
    const engine = seeded()
    await refused(engine, 'permission_denied', () => engine.auditQuery('li.na'))
    await refused(engine, 'permission_denied', () => engine.auditQuery('ghost', {}))
    await refused(engine, 'validation', () => engine.auditQuery('zhao.min', { outcome: 'maybe' }), { field: 'outcome' })
    await refused(engine, 'validation', () => engine.auditQuery('zhao.min', { limit: 0 }), { field: 'limit' })
    for (const limit of [-1, 1.5, NaN, Infinity, 2 ** 40]) {
      await refused(engine, 'validation', () => engine.auditQuery('zhao.min', { limit }), { field: 'limit' })
    }
    await refused(engine, 'validation', () => engine.auditQuery('zhao.min', { afterSeq: 0.5 }), { field: 'afterSeq' })
    await refused(engine, 'validation', () => engine.auditQuery('zhao.min', { since: new Date(NaN) }), { field: 'since' })
    await refused(engine, 'validation', () =>
      engine.auditQuery('zhao.min', { since: new Date('2026-02-01'), until: new Date('2026-01-01') }))
    assert.throws(() => engine.auditQuery('zhao.min', { since: '2026-01-01' }), Error)
    assert.throws(() => engine.auditQuery('zhao.min', { limit: '5' }), Error)
  })
})

describe('backup and restore', () => {
  it('round-trips a file database', async (t) => {
    const { dir, engine, backup, report } = await fileWithBackup(t)
    assert.equal(report.path, backup)
    assert.equal(report.verified, true)
    assert.ok(report.bytes > 0)
    assert.equal(report.records, report.headSeq)
    assert.ok(report.tookMs >= 0)
    assert.equal(readFileSync(backup).length, report.bytes)

    const atBackup = state(engine)
    engine.createPrincipal(ADMIN, { handle: 'after.backup', displayName: 'Later', department: 'sales' })
    const restored = await engine.restoreFrom(ADMIN, backup)
    assert.equal(restored.headSeq, report.headSeq)
    assert.equal(restored.records, report.records)
    assert.equal(restored.withinRto, true)
    assert.throws(() => engine.principal('after.backup'), { code: 'not_found' })
    assert.deepEqual(state(engine).principals, atBackup.principals)
    const v = await engine.verifyAudit()
    assert.ok(v.ok)
    const last = engine.auditQuery('zhao.min', { afterSeq: v.headSeq - 1 })
    assert.deepEqual(last.map((r) => r.action), ['audit.restore'])

    // The restored file is a database of its own: a second handle sees it.
    assert.equal(Engine.open(engine.path).principals().length, 3)
    assert.ok(existsSync(join(dir, 'backup.db')))
  })

  it('works from an in-memory engine too, and tracks the schedule', async (t) => {
    const engine = seeded()
    const before = engine.backupStatus()
    assert.equal(before.lastBackupAt, null)
    assert.equal(before.overdue, true)
    assert.ok(before.nextDueAt instanceof Date)
    await engine.backupTo(ADMIN, join(tempDir(t), 'mem.db'))
    const after = engine.backupStatus()
    assert.ok(after.lastBackupAt instanceof Date)
    assert.equal(after.overdue, false)
    assert.ok(after.nextDueAt > after.lastBackupAt)
    assert.equal(engine.backupStatus(new Date(Date.now() + 400 * 24 * 3600 * 1000)).overdue, true)
    assert.throws(() => engine.backupStatus(new Date(NaN)), { code: 'validation', field: 'asOf' })
  })

  it('refuses to overwrite, to back up without permission, or to write nowhere', async (t) => {
    const { dir, engine, backup } = await fileWithBackup(t)
    const size = readFileSync(backup)
    await refused(engine, 'conflict', () => engine.backupTo(ADMIN, backup))
    assert.deepEqual(readFileSync(backup), size)
    await refused(engine, 'permission_denied', () => engine.backupTo('li.na', join(dir, 'nope.db')))
    assert.equal(existsSync(join(dir, 'nope.db')), false)
    await assert.rejects(engine.backupTo(ADMIN, join(dir, 'no', 'such', 'dir', 'b.db')), (e) => e instanceof Error && typeof e.code === 'string')
    assert.throws(() => engine.backupTo(ADMIN), Error)
  })

  it('rejects a tampered backup with code integrity and changes nothing', async (t) => {
    const { dir, engine, backup } = await fileWithBackup(t)
    const tampered = copy(backup, dir, 'tampered.db')
    await editFile(tampered, `DROP TRIGGER audit_log_no_update;
      UPDATE audit_log SET entity_id = 'someone.else' WHERE seq = 2;`)
    const before = state(engine)
    const auditBefore = engine.auditLen()
    const err = await refused(engine, 'integrity', () => engine.restoreFrom(ADMIN, tampered), { seq: 2 })
    assert.match(err.message, /integrity check failed at audit record 2/)
    assert.deepEqual(state(engine), before)
    assert.equal(engine.auditLen(), auditBefore)
    assert.ok((await engine.verifyAudit()).ok)
  })

  it('refuses restores without permission, from missing or foreign files', async (t) => {
    const { dir, engine, backup } = await fileWithBackup(t)
    await refused(engine, 'permission_denied', () => engine.restoreFrom('li.na', backup))
    await refused(engine, 'io', () => engine.restoreFrom(ADMIN, join(dir, 'missing.db')))
    const SQL = await sqlite()
    const db = new SQL.Database()
    db.exec('CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES (\'hello\')')
    const foreign = join(dir, 'foreign.db')
    writeFileSync(foreign, db.export())
    db.close()
    await refused(engine, 'incompatible_database', () => engine.restoreFrom(ADMIN, foreign))
    const empty = join(dir, 'empty.db')
    writeFileSync(empty, '')
    await refused(engine, 'incompatible_database', () => engine.restoreFrom(ADMIN, empty))
  })
})

describe('files that are not brandrail databases', () => {
  it('refuses another application\'s SQLite file and leaves it byte-identical', async (t) => {
    const dir = tempDir(t)
    const SQL = await sqlite()
    const db = new SQL.Database()
    db.exec('CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES (\'Ann\')')
    const path = join(dir, 'other-app.db')
    writeFileSync(path, db.export())
    db.close()
    const bytes = readFileSync(path)
    assert.throws(() => Engine.open(path), (e) => {
      assert.ok(e instanceof Error)
      assert.equal(e.code, 'incompatible_database', e.message)
      return true
    })
    assert.deepEqual(readFileSync(path), bytes)
    assert.equal(existsSync(`${path}-wal`), false)
  })

  it('refuses a file that is not SQLite at all, leaving it as it was', (t) => {
    const path = join(tempDir(t), 'notes.txt')
    writeFileSync(path, 'just some text, not a database\n'.repeat(100))
    const bytes = readFileSync(path)
    assert.throws(() => Engine.open(path), (e) => ['corrupt', 'incompatible_database'].includes(e.code))
    assert.deepEqual(readFileSync(path), bytes)
  })

  it('refuses a truncated brandrail file with code corrupt or incompatible_database', async (t) => {
    const { dir, backup, report } = await fileWithBackup(t)
    for (const size of [100, 4096 + 17, Math.floor(report.bytes / 2)]) {
      const cut = copy(backup, dir, `cut-${size}.db`)
      truncateSync(cut, size)
      const bytes = readFileSync(cut)
      let error
      try {
        const engine = Engine.open(cut)
        // Some truncations open and fail on first read instead.
        engine.principals()
        await engine.verifyAudit()
      } catch (e) {
        error = e
      }
      assert.ok(error, `a file cut at ${size} bytes is refused`)
      assert.ok(['corrupt', 'incompatible_database'].includes(error.code), `${size}: ${error.code} ${error.message}`)
      assert.deepEqual(readFileSync(cut), bytes, 'the damaged file is left as it was')
    }
  })
})
