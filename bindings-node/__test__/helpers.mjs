// Shared fixtures for the node:test suites. Everything goes through the public
// API, loaded the way a user loads it: require('brandrail') → index.js.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const require = createRequire(import.meta.url)

export const { Engine, Policy } = require('../index.js')

export const ADMIN = 'it.admin'

/** Every code `brandrail::Error::code()` can return. */
export const BRANDRAIL_CODES = new Set([
  'permission_denied', 'validation', 'not_found', 'conflict', 'policy_violation', 'configuration',
  'incompatible_database', 'corrupt', 'integrity', 'busy', 'storage', 'io',
])

/** A fresh in-memory engine with an IT admin and a few colleagues. */
export function seeded(options) {
  const engine = Engine.inMemory(options)
  engine.bootstrap({ handle: ADMIN, displayName: 'IT Admin', department: 'it' })
  engine.createPrincipal(ADMIN, { handle: 'li.na', displayName: '李娜', department: 'marketing' })
  engine.createPrincipal(ADMIN, { handle: 'chen.jie', displayName: '陈杰', department: 'brand' })
  engine.createPrincipal(ADMIN, { handle: 'zhao.min', displayName: '赵敏', department: 'executive' })
  engine.createPrincipal(ADMIN, { handle: 'sun.li', displayName: '孙丽', department: 'legal' })
  return engine
}

/** A secret key for engines that store credentials. */
export const KEY = Buffer.alloc(32, 7)

// Strings that must never get through as identifiers or names.
export const HOSTILE_HANDLES = [
  '',
  'a',
  'x'.repeat(65),
  'x'.repeat(1_000_000),
  "robert'); DROP TABLE principal;--",
  "' OR 1=1 --",
  'Upper.Case',
  'has space',
  '-leading.dash',
  'tab\there',
  'nul\u0000byte',
  'new\nline',
  'zero\u200bwidth',
  'bidi\u202eoverride',
  'bom\ufeff',
  'аdmin', // Cyrillic а
  '张伟',
  'emoji.😀',
]
export const HOSTILE_NAMES = [
  '',
  '   ',
  ' leading',
  'trailing ',
  'nul\u0000name',
  'line\nbreak',
  'esc\u001b[31mred',
  'zero\u200bwidth',
  'bidi\u202egnp.exe',
  'bom\ufeffname',
  '长'.repeat(201),
  'x'.repeat(1_000_000),
]

export function seededWithMedia() {
  const engine = seeded({ secretKey: KEY })
  engine.registerMediaAccount(ADMIN, {
    id: 'wechat-main',
    platform: 'wechat_official_account',
    displayName: '品牌服务号',
    ownerDepartment: 'brand',
    custodian: 'li.na',
    credential: 's3cret-token',
  })
  engine.registerMediaAccount(ADMIN, {
    id: 'douyin-main',
    platform: 'douyin',
    displayName: '品牌抖音',
    ownerDepartment: 'marketing',
    custodian: 'li.na',
  })
  return engine
}

/** A temporary directory removed when the test ends. */
export function tempDir(t) {
  const dir = mkdtempSync(join(tmpdir(), 'brandrail-node-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Everything a refused call must leave as it was (the audit log aside). */
export function state(engine) {
  return {
    principals: engine.principals(),
    mediaAccounts: engine.mediaAccounts(),
    policyVersion: engine.policyVersion(),
  }
}

/**
 * Assert `call` throws (or rejects) a brandrail error with `code` and changes
 * nothing. A permission refusal appends exactly one `denied` audit record;
 * any other refusal appends none. Returns the error for further checks.
 */
export async function refused(engine, code, call, extra = {}) {
  const before = state(engine)
  const auditBefore = engine.auditLen()
  let error
  try {
    await call()
  } catch (e) {
    error = e
  }
  assert.ok(error, `expected an error with code ${code}`)
  assert.ok(error instanceof Error, 'a brandrail error is an Error')
  assert.equal(error.code, code, error.message)
  for (const [key, value] of Object.entries(extra)) {
    assert.deepEqual(error[key], value, `error.${key}`)
  }
  assert.deepEqual(state(engine), before, 'a refused call changes nothing')
  const added = engine.auditLen() - auditBefore
  assert.equal(added, code === 'permission_denied' ? 1 : 0, 'audit records added')
  return error
}

/**
 * Assert a call is refused synchronously by napi-rs's argument conversion (a
 * JS value of the wrong type) and changes nothing. These errors carry napi's
 * own codes ('StringExpected', 'InvalidArg', …) or are TypeErrors from V8.
 */
export function wrongType(engine, call) {
  const before = state(engine)
  const auditBefore = engine.auditLen()
  assert.throws(call, (e) => e instanceof Error && !BRANDRAIL_CODES.has(e.code))
  assert.deepEqual(state(engine), before)
  assert.equal(engine.auditLen(), auditBefore)
}

let sqlJs
/** sql.js (SQLite compiled to WebAssembly): edits database files behind the engine's back. */
export async function sqlite() {
  if (!sqlJs) {
    const init = require('sql.js')
    sqlJs = await init()
  }
  return sqlJs
}

/** Run `sql` against the database file at `path` and write the file back. */
export async function editFile(path, sql) {
  const SQL = await sqlite()
  const db = new SQL.Database(readFileSync(path))
  try {
    db.exec(sql)
    writeFileSync(path, db.export())
  } finally {
    db.close()
  }
}
