// Shared fixtures for the node:test suites. Everything goes through the public
// API, loaded the way a user loads it: require('brandrail') → index.js.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const require = createRequire(import.meta.url)

export const {
  Engine, Policy, checkText, checkTexts, checkTextsAsync, checkKinds, identityKinds, planIssueKinds, quarterOf, termPackVersion,
  variantStyleOf, weekOf,
} = require('../index.js')

export const ADMIN = 'it.admin'

/** Every code `brandrail::Error::code()` can return. */
export const BRANDRAIL_CODES = new Set([
  'permission_denied', 'separation_of_duties', 'validation', 'not_found', 'conflict', 'policy_violation', 'configuration',
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

// Approvals: the staff and subjects of core's approval tests.
export const HOUR = 3_600_000
export const CHECKLIST = ['authenticity', 'legality', 'completeness']
export const INVOICE = { kind: 'invoice', name: '发票-0001.pdf', sha256: 'ab'.repeat(32), amount: '1280.50' }

/** An engine (in memory unless given) with the staff of core's approval tests (core/tests/approvals.rs). */
export function company(engine = Engine.inMemory()) {
  engine.bootstrap({ handle: ADMIN, displayName: 'IT Admin', department: 'it' })
  const staff = [
    ['li.na', 'marketing', ['marketing_staff']],
    ['ma.head', 'marketing', ['marketing_staff', 'supervisor']],
    ['chen.jie', 'brand', ['brand_staff']],
    ['gao.brand', 'brand', ['brand_staff']],
    ['sun.li', 'legal', ['legal_staff']],
    ['zhou.fan', 'finance', ['finance_staff']],
    ['qian.pay', 'finance', ['finance_staff']],
    ['zhao.min', 'executive', ['executive', 'supervisor']],
    ['hu.hr', 'hr', ['hr_staff']],
    ['sales.head', 'sales', ['sales_staff', 'supervisor']],
  ]
  for (const [handle, department, roles] of staff) {
    engine.createPrincipal(ADMIN, { handle, displayName: handle, department, roles })
  }
  return engine
}

/** A content version to review: an ad unless `is_ad` is overridden. */
export const adCopy = (attributes = {}) => ({
  kind: 'content_version',
  reference: 'content-17/v3',
  title: '双十一 广告文案',
  attributes: { is_ad: 'true', ...attributes },
})

/** An expense claim with its invoices. */
export const claim = (attachments = [INVOICE]) => ({
  kind: 'expense_claim',
  reference: 'claim-2026-031',
  title: '上海展会差旅',
  attributes: { amount: '1280.50' },
  attachments,
})

/** A temporary directory removed when the test ends. */
export function tempDir(t) {
  const dir = mkdtempSync(join(tmpdir(), 'brandrail-node-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/**
 * Every approval instance with its history, oldest first. This walks the ids,
 * which count up from 1 without gaps, rather than calling `engine.approvals`,
 * so the checks of that listing do not rest on the listing itself.
 */
export function approvals(engine) {
  const out = []
  for (let id = 1; ; id++) {
    try {
      out.push({ instance: engine.approval(id), history: engine.approvalHistory(id) })
    } catch (e) {
      if (e.code === 'not_found') return out
      throw e
    }
  }
}

/** Everything a refused call must leave as it was (the audit log aside). */
export function state(engine) {
  const principals = engine.principals()
  return {
    principals,
    mediaAccounts: engine.mediaAccounts(),
    policyVersion: engine.policyVersion(),
    approvals: approvals(engine),
    delegations: principals.map((p) => engine.delegations(p.handle)),
  }
}

/** Refusals of the actor, which are audited although nothing else changes. */
const AUDITED_REFUSALS = new Set(['permission_denied', 'separation_of_duties'])

/**
 * Assert `call` throws (or rejects) a brandrail error with `code` and changes
 * nothing. A refusal of the actor (permission, separation of duties) appends
 * exactly one `denied` audit record; any other failure appends none. Returns
 * the error for further checks.
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
  assert.equal(added, AUDITED_REFUSALS.has(code) ? 1 : 0, 'audit records added')
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
