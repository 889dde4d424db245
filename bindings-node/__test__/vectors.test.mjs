// Runs the shared acceptance vectors in tests/vectors/*.json (see its README)
// through the public JS API only. Rust, Python and the uniffi layer run the
// same files; a disagreement is a bug in this binding.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { describe, it } from 'node:test'

import { Engine, Policy } from './helpers.mjs'

const VECTORS = new URL('../../tests/vectors/', import.meta.url)

const camel = (key) => key.replace(/_([a-z])/g, (_, c) => c.toUpperCase())

/** A vector's snake_case input object as the camelCase object the API takes. */
const input = (args) => Object.fromEntries(Object.entries(args).map(([k, v]) => [camel(k), v]))

const principal = (p) => ({ handle: p.handle, department: p.department, roles: p.roles, active: p.active })
const media = (m) => ({ id: m.id, platform: m.platform, custodian: m.custodian, hasCredential: m.hasCredential })

const OPS = {
  bootstrap: (e, _actor, a) => principal(e.bootstrap(input(a))),
  create_principal: (e, actor, a) => principal(e.createPrincipal(actor, input(a))),
  create_principals: async (e, actor, a) => ({ count: (await e.createPrincipals(actor, a.principals.map(input))).length }),
  grant_role: (e, actor, a) => principal(e.grantRole(actor, a.handle, a.role)),
  revoke_role: (e, actor, a) => principal(e.revokeRole(actor, a.handle, a.role)),
  deactivate_principal: (e, actor, a) => {
    const d = e.deactivatePrincipal(actor, a.handle)
    return { handle: d.principal.handle, active: d.principal.active, custodianOf: d.custodianOf }
  },
  can: (e, _actor, a) => ({ value: e.can(a.handle, a.permission) }),
  register_media_account: (e, actor, a) => media(e.registerMediaAccount(actor, input(a))),
  reassign_media_account: (e, actor, a) => media(e.reassignMediaAccount(actor, a.id, a.custodian)),
  record_media_interaction: (e, actor, a) => media(e.recordMediaInteraction(actor, a.id, new Date(a.at))),
  zombie_media_accounts: (e, _actor, a) => ({ ids: e.zombieMediaAccounts(new Date(a.as_of)).map((z) => z.account.id) }),
  replace_policy_overlay: (e, actor, a) => ({ version: e.replacePolicy(actor, e.policy().overlayToml(a.toml)).version }),
  policy_value: (e, _actor, a) => ({ value: a.path.split('.').reduce((v, part) => v?.[part], e.policy().toObject()) }),
  verify_audit: async (e) => {
    const v = await e.verifyAudit()
    return { ok: v.ok, headSeq: v.headSeq, firstBadSeq: v.firstBadSeq }
  },
  audit_query: (e, actor, a) => {
    const records = e.auditQuery(actor, input(a))
    return { count: records.length, actions: records.map((r) => r.action) }
  },
}

const files = readdirSync(VECTORS).filter((f) => f.endsWith('.json')).sort()

describe('shared vectors', () => {
  it('finds the vector files', () => {
    assert.ok(files.length > 0, 'no vectors found')
    assert.equal(typeof Policy.default, 'function')
  })

  for (const file of files) {
    const doc = JSON.parse(readFileSync(new URL(file, VECTORS), 'utf8'))
    it(`${file}: ${doc.name}`, async () => {
      const engine = Engine.inMemory()
      for (const [i, step] of doc.steps.entries()) {
        const here = `${file} step ${i} (${step.op})`
        const op = OPS[step.op]
        assert.ok(op, `${here}: unknown op`)
        const expect = step.expect ?? {}
        let got
        let error
        try {
          got = await op(engine, step.actor ?? '', step.args ?? {})
        } catch (e) {
          error = e
        }
        if (expect.error !== undefined) {
          assert.ok(error, `${here}: expected error ${expect.error}, got ${JSON.stringify(got)}`)
          assert.ok(error instanceof Error, `${here}: not an Error`)
          assert.equal(error.code, expect.error, `${here}: ${error.message}`)
          continue
        }
        assert.equal(error, undefined, `${here}: unexpected error ${error?.code} ${error?.message}`)
        for (const [key, want] of Object.entries(expect.result ?? {})) {
          assert.deepEqual(got[camel(key)], want, `${here}: field ${key} in ${JSON.stringify(got)}`)
        }
      }
    })
  }
})
