// Runs the shared acceptance vectors in tests/vectors/*.json (see its README)
// through the public JS API only. Rust, Python and the uniffi layer run the
// same files; a disagreement is a bug in this binding.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { describe, it } from 'node:test'

import { Engine, Policy, checkText, checkTexts, planIssueKinds } from './helpers.mjs'

const VECTORS = new URL('../../tests/vectors/', import.meta.url)

const camel = (key) => key.replace(/_([a-z])/g, (_, c) => c.toUpperCase())

/** A vector's snake_case input object as the camelCase object the API takes. */
const input = (args) => Object.fromEntries(Object.entries(args).map(([k, v]) => [camel(k), v]))

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000 }

/** An RFC 3339 time, or `now`, `now+3d`, `now-1h`, `now+5m` relative to the engine clock. */
function time(engine, text) {
  if (text.startsWith('now')) {
    const rel = /^now(?:([+-])(\d+)([dhm]))?$/.exec(text)
    assert.ok(rel, `relative time ${text}`)
    const [, sign, n, unit] = rel
    const offset = sign ? Number(n) * UNIT_MS[unit] * (sign === '-' ? -1 : 1) : 0
    return new Date(engine.now().getTime() + offset)
  }
  const at = new Date(text)
  assert.ok(!Number.isNaN(at.getTime()), `RFC 3339 time ${text}`)
  return at
}

const principal = (p) => ({ handle: p.handle, department: p.department, roles: p.roles, active: p.active })
const media = (m) => ({ id: m.id, platform: m.platform, custodian: m.custodian, hasCredential: m.hasCredential })
const instance = (i) => ({ id: i.id, state: i.state, currentStage: i.currentStage, round: i.round })

/** RFC 3339 in UTC to the second, as the vectors write it: `2026-05-05T08:00:00Z`. */
const rfc3339 = (date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z')

// Content (CON-4..CON-8), as core's runner reports it.
const item = (i) => ({
  id: i.id, kind: i.kind, state: i.state, version: i.version, channel: i.channel, ugc: i.ugc, format: i.format,
  sourceId: i.sourceId, themeId: i.themeId, approvalId: i.approvalId,
})
const asset = (x) => ({ id: x.id, kind: x.kind, source: x.source, label: x.label, state: x.state, owner: x.owner })
const variant = (v) => ({
  id: v.id, kind: v.kind, style: v.style, label: v.label, impressions: v.impressions, clicks: v.clicks,
})
/** A vector's `plan_content` args (snake_case, optional flags) as `NewContent`. */
const newContent = (a) => ({
  kind: a.kind, title: a.title, channel: a.channel, isAd: a.is_ad, sensitive: a.sensitive, ugc: a.ugc,
  format: a.format, themeId: a.theme_id,
})
function plan(p) {
  // Every issue kind, 0 included, under its own (snake_case) name.
  const issueCounts = Object.fromEntries(planIssueKinds().map((k) => [k, p.issues.filter((i) => i.kind === k).length]))
  return {
    from: p.from, to: p.to, entryIds: p.entries.map((e) => e.itemId), localTimes: p.entries.map((e) => e.localTime),
    issueCounts, hotDates: p.hotDates.map((h) => h.name), themeIds: p.themes.map((t) => t.id),
  }
}

/**
 * A vector's `ingest_customers` row (`identities` as `[kind, value]` pairs,
 * an optional declared `purpose`) as a `CustomerRecord`.
 */
const customerRecord = (r) => ({
  identities: r.identities.map(([kind, value]) => ({ kind, value })), name: r.name, profile: r.profile, purpose: r.purpose,
})

/** A vector's `record_interactions` row (snake_case, times like `now-10d`) as a `NewInteraction`. */
const interaction = (e) => (r) => {
  const row = { customerId: r.customer_id, kind: r.kind, at: time(e, r.at) }
  for (const key of ['page', 'amount', 'channel']) {
    if (r[key] !== undefined) row[key] = r[key]
  }
  return row
}

/** A vector's `record_mentions` row (snake_case, times like `now-1h`) as a `NewMention`. */
const mention = (e) => (m) => {
  const row = { platform: m.platform, author: m.author, text: m.text, at: time(e, m.at) }
  for (const key of ['url', 'reach']) {
    if (m[key] !== undefined) row[key] = m[key]
  }
  return row
}

/** A ticket as core's runner reports it. */
const ticket = (t) => ({
  id: t.id, state: t.state, department: t.department, autoAnswer: t.autoAnswer, withinSla: t.withinSla,
  satisfaction: t.satisfaction, responseBy: t.responses.map((r) => r.by),
})

/** A crisis case as core's runner reports it. */
const crisis = (c) => ({
  id: c.id, kind: c.kind, leadDepartment: c.leadDepartment, reviewDepartment: c.reviewDepartment, openedBy: c.openedBy,
  dueInMinutes: (c.firstResponseDue.getTime() - c.openedAt.getTime()) / UNIT_MS.m, withinDeadline: c.withinDeadline,
  closed: c.closedAt !== null, alertIds: c.alertIds,
})

/** A segment as core's runner reports it; its rule is plain data with the vector's keys. */
const segment = (x) => ({ name: x.name, origin: x.origin, label: x.label, members: x.members, rule: x.rule })

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
  record_media_interaction: (e, actor, a) => media(e.recordMediaInteraction(actor, a.id, time(e, a.at))),
  zombie_media_accounts: (e, _actor, a) => ({ ids: e.zombieMediaAccounts(time(e, a.as_of)).map((z) => z.account.id) }),
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
  // A subject's keys are single words, the same in both cases: it goes as is.
  submit_approval: (e, actor, a) => instance(e.submitApproval(actor, a.workflow, a.subject)),
  approve: (e, actor, a) => instance(e.approve(actor, a.id, { comment: a.comment ?? '', checklist: a.checklist ?? [] })),
  reject: (e, actor, a) => instance(e.reject(actor, a.id, a.comment)),
  return_for_changes: (e, actor, a) => instance(e.returnForChanges(actor, a.id, a.comment)),
  resubmit_approval: (e, actor, a) => instance(e.resubmitApproval(actor, a.id)),
  withdraw_approval: (e, actor, a) => instance(e.withdrawApproval(actor, a.id, a.comment)),
  approval_history: (e, _actor, a) => ({ kinds: e.approvalHistory(a.id).map((h) => h.kind) }),
  approval_tasks: (e, _actor, a) => ({ ids: e.approvalTasks(a.handle).map((t) => t.instanceId) }),
  delegate_approvals: (e, actor, a) => {
    const d = e.delegateApprovals(actor, a.to, time(e, a.starts_at), time(e, a.ends_at))
    return { from: d.from, to: d.to }
  },
  advance_clock: (e, _actor, a) => ({ now: rfc3339(e.advanceClock(a.minutes !== undefined ? a.minutes * UNIT_MS.m : a.hours * UNIT_MS.h)) }),
  overdue_approvals: (e, _actor, a) => ({ ids: e.overdueApprovals(time(e, a.as_of)).map((t) => t.instanceId) }),
  escalate_overdue_approvals: async (e, actor) => ({ ids: (await e.escalateOverdueApprovals(actor)).map((i) => i.id) }),
  approvals: (e, _actor, a) => ({ ids: e.approvals(input(a)).map((i) => i.id) }),
  check_text: (e, _actor, a) => {
    const found = e.checkText(a.text)
    for (const f of found) assert.equal(a.text.slice(f.start, f.end), f.matched, `slice ${f.start}..${f.end}`)
    // The engine on the default policy and the module-level check agree.
    assert.deepEqual(checkText(a.text), found)
    return { findings: found, count: found.length, categories: found.map((f) => f.category) }
  },
  check_texts: (e, _actor, a) => {
    const found = e.checkTexts(a.texts)
    assert.deepEqual(checkTexts(a.texts), found)
    found.forEach((list, i) => {
      for (const f of list) assert.equal(a.texts[i].slice(f.start, f.end), f.matched)
    })
    return { counts: found.map((list) => list.length) }
  },
  plan_content: (e, actor, a) => item(e.planContent(actor, newContent(a))),
  edit_content: (e, actor, a) => {
    const text = { title: a.title, body: a.body }
    if (a.details !== undefined) text.details = input(a.details)
    return item(e.editContent(actor, a.id, text))
  },
  submit_content: (e, actor, a) => item(e.submitContent(actor, a.id)),
  schedule_content: (e, actor, a) => item(e.scheduleContent(actor, a.id, time(e, a.at))),
  publish_content: (e, actor, a) => item(e.publishContent(actor, a.id)),
  derive_content: (e, actor, a) => item(e.deriveContent(actor, a.source_id, newContent(a))),
  prepublish_check: (e, _actor, a) => {
    const r = e.prepublishCheck(a.id)
    const version = e.contentVersions(a.id).find((v) => v.version === r.version)
    for (const i of r.issues) {
      // Text offsets slice the field in JS string units.
      if (i.start !== null) assert.equal(version[i.field].slice(i.start, i.end), i.matched)
    }
    return {
      passed: r.passed,
      checks: r.issues.map((i) => i.check),
      rules: r.issues.map((i) => i.rule),
      severities: r.issues.map((i) => i.severity),
      matched: r.issues.map((i) => i.matched),
      findingRules: [...r.titleFindings, ...r.bodyFindings].map((f) => f.ruleId),
    }
  },
  add_asset: (e, actor, a) => {
    const authorization = a.authorization && {
      ...input(a.authorization),
      signedAt: time(e, a.authorization.signed_at),
      expiresAt: a.authorization.expires_at === undefined ? undefined : time(e, a.authorization.expires_at),
    }
    return asset(e.addAsset(actor, { ...input(a), authorization }))
  },
  asset: (e, actor, a) => asset(e.asset(actor, a.id)),
  assets: (e, actor) => ({ ids: e.assets(actor).map((x) => x.id) }),
  retire_asset: (e, actor, a) => asset(e.retireAsset(actor, a.id)),
  add_theme: (e, actor, a) => {
    const t = e.addTheme(actor, input(a))
    return { id: t.id, name: t.name, starts: t.starts, ends: t.ends }
  },
  week_plan: (e, _actor, a) => plan(e.weekPlan(a.date)),
  quarter_plan: (e, _actor, a) => plan(e.quarterPlan(a.year, a.quarter)),
  add_variant: (e, actor, a) => variant(e.addVariant(actor, a.id, { kind: a.kind, text: a.text, style: a.style })),
  record_variant_results: (e, actor, a) => variant(e.recordVariantResults(actor, a.variant_id, a.impressions, a.clicks)),
  // Customers (CRM-1, CRM-2, CRM-5..CRM-8), as core's runner reports them.
  ingest_customers: (e, actor, a) => {
    const r = e.ingestCustomers(actor, a.records.map(customerRecord))
    return {
      rows: r.rows, created: r.created, updated: r.updated, merged: r.merged, customerIds: r.customerIds,
      purposesDeclared: r.purposesDeclared,
      errorRows: r.errors.map((x) => x.row), errorFields: r.errors.map((x) => x.field), errorCodes: r.errors.map((x) => x.code),
    }
  },
  customer: (e, actor, a) => {
    const c = e.customer(actor, a.id)
    return {
      id: c.id, identities: c.identities.map((i) => [i.kind, i.value]), name: c.name, profile: c.profile,
      mergedIds: c.mergedIds, masked: c.masked,
    }
  },
  find_customer: (e, actor, a) => ({ id: e.findCustomer(actor, a.kind, a.value) }),
  customer_count: (e) => ({ value: e.customerCount() }),
  record_consent: (e, actor, a) => {
    const inForce = e.recordConsent(actor, a.id, { channel: a.channel, purpose: a.purpose, granted: a.granted, evidence: a.evidence })
    return { inForce: inForce.map((c) => [c.channel, c.purpose, c.granted]) }
  },
  record_send: (e, actor, a) => {
    e.recordSend(actor, a.id, a.channel, a.purpose)
    return { ok: true }
  },
  export_customer: (e, actor, a) => {
    // The document is core's, snake_case as written.
    const doc = JSON.parse(e.exportCustomer(actor, a.id))
    return {
      customerId: doc.customer_id, mergedIds: doc.merged_ids, name: doc.name,
      identityCount: doc.identities?.length ?? 0, sourceCount: doc.sources?.length ?? 0, sendCount: doc.sends?.length ?? 0,
    }
  },
  erase_customer: (e, actor, a) => ({ customerIds: e.eraseCustomer(actor, a.id, a.reason).customerIds }),
  // Interactions (CRM-3), segments (CRM-4) and value (CRM-11), as core's runner reports them.
  record_interactions: (e, actor, a) => {
    const r = e.recordInteractions(actor, a.rows.map(interaction(e)))
    return { rows: r.rows, recorded: r.recorded, errorRows: r.errors.map((x) => x.row), errorFields: r.errors.map((x) => x.field) }
  },
  // A rule is data: it goes as the vector writes it, snake_case keys and all.
  define_segment: (e, actor, a) => segment(e.defineSegment(actor, { name: a.name, label: a.label, description: a.description, rule: a.rule })),
  segment: (e, actor, a) => segment(e.segment(actor, a.name)),
  segments: (e, actor) => {
    const all = e.segments(actor)
    return { names: all.map((x) => x.name), origins: all.map((x) => x.origin), members: all.map((x) => x.members) }
  },
  delete_segment: (e, actor, a) => {
    assert.equal(e.deleteSegment(actor, a.name), undefined)
    return { ok: true }
  },
  refresh_segments: (e, actor) => Object.fromEntries(e.refreshSegments(actor).map((r) => [
    r.name, { full: r.full, evaluated: r.evaluated, added: r.added, removed: r.removed, members: r.members },
  ])),
  segment_members: (e, actor, a) => {
    const m = e.segmentMembers(actor, a.name, a.offset, a.limit)
    return { customerIds: m.map((x) => x.customerId), stages: m.map((x) => x.stage), tiers: m.map((x) => x.tier) }
  },
  count_customers: (e, actor, a) => ({ value: e.countCustomers(actor, a.rule) }),
  customer_standing: (e, actor, a) => e.customerStanding(actor, a.id),
  lifecycle_distribution: (e, actor) => e.lifecycleDistribution(actor),
  rfm: (e, actor) => {
    const r = e.rfm(actor)
    return {
      customerIds: r.map((x) => x.customerId), recencyDays: r.map((x) => x.recencyDays), frequency: r.map((x) => x.frequency),
      monetary: r.map((x) => x.monetary), recencyScores: r.map((x) => x.recencyScore),
      frequencyScores: r.map((x) => x.frequencyScore), monetaryScores: r.map((x) => x.monetaryScore),
    }
  },
  customer_value: (e, actor, a) => {
    const v = e.customerValue(actor, time(e, a.from), time(e, a.to), a.acquisition_spend)
    return {
      buyers: v.buyers, purchases: v.purchases, revenue: v.revenue, averageOrderValue: v.averageOrderValue,
      repeatBuyers: v.repeatBuyers, newCustomers: v.newCustomers, cac: v.cac,
    }
  },
  // Fuzzy duplicates and manual merges (CRM-2), as core's runner reports them.
  duplicate_candidates: async (e, actor, a) => {
    const r = e.duplicateCandidates(actor, a.limit, a.threshold)
    // The Promise variant agrees (a refusal rejects it with the same code).
    assert.deepEqual(await e.duplicateCandidatesAsync(actor, a.limit, a.threshold), r)
    return {
      threshold: r.threshold, customers: r.customers,
      pairs: r.candidates.map((c) => [c.customerId, c.otherId]),
      fields: r.candidates.map((c) => c.reasons.map((x) => x.field)),
    }
  },
  merge_customers: (e, actor, a) => ({ identitiesMoved: e.mergeCustomers(actor, a.survivor_id, a.merged_id) }),
  undo_merge: (e, actor, a) => e.undoMerge(actor, a.id),
  mark_distinct: (e, actor, a) => {
    assert.equal(e.markDistinct(actor, a.a, a.b), undefined)
    return { ok: true }
  },
  // Customer service (CRM-9) and public-opinion watch (CRM-10).
  open_ticket: (e, actor, a) => ticket(e.openTicket(actor, input(a))),
  respond_ticket: (e, actor, a) => ticket(e.respondTicket(actor, a.id, a.message)),
  route_ticket: (e, actor, a) => ticket(e.routeTicket(actor, a.id, a.department)),
  resolve_ticket: (e, actor, a) => ticket(e.resolveTicket(actor, a.id)),
  rate_ticket: (e, actor, a) => ticket(e.rateTicket(actor, a.id, a.score)),
  ticket: (e, actor, a) => ticket(e.ticket(actor, a.id)),
  overdue_tickets: (e, actor) => ({ ids: e.overdueTickets(actor).map((t) => t.id) }),
  service_report: (e, actor, a) => {
    const r = e.serviceReport(actor, time(e, a.from), time(e, a.to))
    return {
      tickets: r.tickets, autoAnswered: r.autoAnswered, responded: r.responded, withinSla: r.withinSla, overdue: r.overdue,
      complaints: r.complaints, complaintsByDepartment: r.complaintsByDepartment.map((d) => [d.department, d.count]),
      rated: r.rated, satisfactionAverage: r.satisfactionAverage, meetsTarget: r.meetsTarget,
    }
  },
  // Through the Promise variant: the report is the same as `recordMentions` gives.
  record_mentions: async (e, actor, a) => {
    const r = await e.recordMentionsAsync(actor, a.mentions.map(mention(e)))
    return {
      rows: r.rows, recorded: r.recorded, errorRows: r.errors.map((x) => x.row), errorFields: r.errors.map((x) => x.field),
      severities: r.alerts.map((x) => x.severity), escalated: r.alerts.map((x) => x.escalated), crisesOpened: r.crisesOpened,
    }
  },
  escalated_alerts: (e, actor) => ({ count: e.escalatedAlerts(actor).length }),
  opinion_alerts: (e, actor, a) => ({ ids: e.opinionAlerts(actor, a.open_only).map((x) => x.id) }),
  handle_alert: (e, actor, a) => ({ state: e.handleAlert(actor, a.id).state }),
  open_crisis: (e, actor, a) => crisis(e.openCrisis(actor, a.alert_ids, a.summary)),
  respond_crisis: (e, actor, a) => crisis(e.respondCrisis(actor, a.id, a.statement)),
  close_crisis: (e, actor, a) => crisis(e.closeCrisis(actor, a.id)),
  crises: (e, actor, a) => ({ crises: e.crises(actor, a.overdue_only).map(crisis) }),
}

/**
 * Whether `got` matches a vector's `want`, as core's runner decides: equal,
 * except that an object inside an array (a finding) is compared on the keys
 * the vector gives, camelCased.
 */
/**
 * Whether the object `got` holds every key of the object `want` with an
 * equal value, keys as written: how core's runner compares a customer's
 * `profile`, whose keys are the policy's field names.
 */
function holds(want, got) {
  return got !== null && typeof got === 'object' && !Array.isArray(got) &&
    Object.entries(want).every(([k, v]) => Object.hasOwn(got, k) && Object.is(got[k], v))
}

function matches(want, got) {
  if (Array.isArray(want)) {
    return Array.isArray(got) && got.length === want.length && want.every((w, i) => matches(w, got[i]))
  }
  if (want !== null && typeof want === 'object') {
    return got !== null && typeof got === 'object' && Object.entries(want).every(([k, v]) => matches(v, got[camel(k)]))
  }
  return Object.is(want, got)
}

/**
 * The engine a vector file runs on: on a manual clock from its `clock` when it
 * has one, with its `secret_key` (64 hex digits, 32 bytes) when it has one.
 */
function engineFor(doc) {
  const options = {}
  if (doc.secret_key !== undefined) {
    assert.match(doc.secret_key, /^[0-9a-fA-F]{64}$/, 'secret_key is 64 hex digits')
    options.secretKey = Buffer.from(doc.secret_key, 'hex')
    assert.equal(options.secretKey.length, 32, 'secret_key is 32 bytes')
  }
  if (doc.clock === undefined) return Engine.inMemory(options)
  const clockStart = new Date(doc.clock)
  assert.ok(!Number.isNaN(clockStart.getTime()), `RFC 3339 clock ${doc.clock}`)
  const engine = Engine.inMemory({ ...options, clockStart })
  assert.equal(engine.now().getTime(), clockStart.getTime(), 'the manual clock starts at the file\'s clock')
  return engine
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
      const engine = engineFor(doc)
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
          // The path at fault, as core names it: a rule's paths keep its snake_case keys.
          if (expect.field !== undefined) assert.equal(error.field, expect.field, `${here}: ${error.message}`)
          continue
        }
        assert.equal(error, undefined, `${here}: unexpected error ${error?.code} ${error?.message}`)
        for (const [key, want] of Object.entries(expect.result ?? {})) {
          const field = `${here}: field ${key} in ${JSON.stringify(got)}`
          if (Array.isArray(want) && want.some((w) => w !== null && typeof w === 'object')) {
            assert.ok(matches(want, got[camel(key)]), `${field}: want ${JSON.stringify(want)}`)
          } else if (step.op === 'customer' && key === 'profile') {
            assert.ok(holds(want, got.profile), `${field}: want at least ${JSON.stringify(want)}`)
          } else {
            assert.deepEqual(got[camel(key)], want, field)
          }
        }
      }
    })
  }
})
