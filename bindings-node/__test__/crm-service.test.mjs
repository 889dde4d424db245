// Customer service (CRM-9) and public-opinion watch (CRM-10) through the
// public JS API on a manual clock, following core's tests/crm_service.rs and
// tests/vectors/service.json: a common question auto-answered at once
// (traditional characters, spaces inside), complaints routed by what they
// mention, the 10-minute first response in time, late and overdue,
// satisfaction scores against 4.8; mentions naming the brand (and a
// misspelling) with alert keywords raise normal, sensitive and major alerts,
// sensitive and major ones escalated to the supervisors, a major one opening
// a crisis with its kind's template, marketing leading and legal reviewing,
// due in 2 hours; a statement with an Advertising-Law term refused; an
// overdue crisis. Bad calls (bad rows, bad tickets, hostile strings, unknown
// ids, missing permission or key, wrong JS types) report or throw a typed
// error and change nothing.
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { describe, it } from 'node:test'

import { ADMIN, BRANDRAIL_CODES, Engine, HOSTILE_NAMES, refused, wrongType } from './helpers.mjs'

const { ticketCategories, ticketStates, alertSeverities } = createRequire(import.meta.url)('../index.js')

const KEY = Buffer.from('service-test-key-32-bytes-long!!')
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const NOW = new Date('2026-06-01T08:00:00Z')
const at = (ms) => new Date(NOW.getTime() + ms)

/** An in-memory engine on a manual clock at NOW, with the staff of core's service tests. */
function company(options = { secretKey: KEY }) {
  const engine = Engine.inMemory({ ...options, clockStart: NOW })
  engine.bootstrap({ handle: ADMIN, displayName: 'IT', department: 'it' })
  for (const [handle, department] of [
    ['kf.one', 'customer_service'], ['pr.one', 'pr'], ['li.na', 'marketing'], ['hr.one', 'hr'], ['zhao.min', 'executive'],
  ]) {
    engine.createPrincipal(ADMIN, { handle, displayName: handle, department })
  }
  engine.createPrincipal(ADMIN, { handle: 'data.ops', displayName: 'data', department: 'it', roles: ['data_steward'] })
  engine.createPrincipal(ADMIN, { handle: 'boss', displayName: '主管', department: 'marketing', roles: ['supervisor'] })
  return engine
}

const ticket = (category, subject, body, extra = {}) => ({ channel: 'wechat', category, subject, body, ...extra })

/** Every ticket, alert and crisis, and the customers' histories: what a refused call must leave as it was. */
function serviceState(engine) {
  const tickets = []
  for (let id = 1; ; id++) {
    try {
      tickets.push(engine.ticket('kf.one', id))
    } catch (e) {
      assert.equal(e.code, 'not_found')
      break
    }
  }
  return {
    tickets,
    alerts: engine.opinionAlerts('pr.one'),
    crises: engine.crises('pr.one'),
    customers: engine.customerCount(),
    now: engine.now(),
  }
}

/** `refused` (helpers.mjs), also checking that no ticket, alert or crisis changed. */
async function refusedSvc(engine, code, call, extra) {
  const before = serviceState(engine)
  const error = await refused(engine, code, call, extra)
  assert.deepEqual(serviceState(engine), before, 'a refused call changes no ticket, alert or crisis')
  return error
}

/** `wrongType` (helpers.mjs), also checking that no ticket, alert or crisis changed. */
function wrongTypeSvc(engine, call) {
  const before = serviceState(engine)
  wrongType(engine, call)
  assert.deepEqual(serviceState(engine), before)
}

describe('CRM-9: tickets, auto-answers and routing', () => {
  it('lists the categories, states and severities', () => {
    assert.deepEqual(ticketCategories(), ['question', 'complaint', 'request'])
    assert.deepEqual(ticketStates(), ['open', 'answered', 'resolved'])
    assert.deepEqual(alertSeverities(), ['normal', 'sensitive', 'major'])
  })

  it('answers a common question at once, even in traditional characters with spaces inside', () => {
    const engine = company()
    const [id] = engine.ingestCustomers('li.na', [{ identities: [{ kind: 'phone', value: '13800000001' }] }]).customerIds
    const q = engine.openTicket('kf.one', ticket('question', '發貨', '請問 什麼時候 發貨？', { customerId: id }))
    assert.deepEqual(q, {
      id: 1, customerId: id, channel: 'wechat', category: 'question', subject: '發貨', body: '請問 什麼時候 發貨？',
      department: 'customer_service', state: 'answered', openedAt: NOW, openedBy: 'kf.one',
      firstResponseDue: at(10 * MINUTE), firstResponseAt: NOW, withinSla: true, autoAnswer: 'shipping',
      responses: [{ at: NOW, by: 'auto:shipping', message: '您好，现货订单 48 小时内发货，发货后可在订单详情查看物流。' }],
      resolvedAt: null, satisfaction: null,
    })
    assert.ok(q.openedAt instanceof Date && q.firstResponseDue instanceof Date)
    assert.deepEqual(engine.ticket('kf.one', 1), q, 'read back the same')
    // The customer's history has the ticket (CRM-3).
    assert.deepEqual(engine.customerInteractions('data.ops', id).map((i) => [i.kind, i.channel]), [['service_ticket', 'wechat']])

    // Another auto-answer, its keyword inside a sentence; a question without one stays open.
    const invoice = engine.openTicket('kf.one', ticket('question', '发票', '你好，请问下单以后怎么开发票呢'))
    assert.deepEqual([invoice.autoAnswer, invoice.state, invoice.responses.map((r) => r.by)], ['invoice', 'answered', ['auto:invoice']])
    const other = engine.openTicket('kf.one', ticket('question', '成分', '这款面霜含酒精吗？'))
    assert.deepEqual([other.autoAnswer, other.state, other.responses, other.firstResponseAt, other.withinSla],
      [null, 'open', [], null, null])
    // A request or a complaint gets no auto-answer even with its words.
    const request = engine.openTicket('kf.one', ticket('request', '改地址', '什么时候发货？请改地址', { channel: 'app' }))
    assert.deepEqual([request.autoAnswer, request.state, request.department, request.channel],
      [null, 'open', 'customer_service', 'app'])
    // Opening is audited with the category, department and auto-answer.
    const audit = engine.auditQuery('zhao.min', { action: 'service.open' })
    assert.deepEqual(audit.map((a) => [a.principal, a.entityId, a.detail]), [
      ['kf.one', '1', 'category=question department=customer_service auto_answer=shipping'],
      ['kf.one', '2', 'category=question department=customer_service auto_answer=invoice'],
      ['kf.one', '3', 'category=question department=customer_service'],
      ['kf.one', '4', 'category=request department=customer_service'],
    ])
  })

  it('routes a complaint to the department of the first route it mentions, and by hand elsewhere', async () => {
    const engine = company()
    const routes = [
      ['快递三天没动', 'sales'],
      ['我的个人信息被泄露，还要退款', 'legal'],
      ['多扣款了', 'finance'],
      ['廣告 宣傳 虛假', 'marketing'],
      ['店员态度差', 'customer_service'],
    ]
    for (const [body, department] of routes) {
      const t = engine.openTicket('kf.one', ticket('complaint', '投诉', body))
      assert.deepEqual([t.department, t.state, t.autoAnswer], [department, 'open', null], body)
    }
    const routed = engine.routeTicket('kf.one', 5, 'brand')
    assert.equal(routed.department, 'brand')
    assert.deepEqual(engine.ticket('kf.one', 5).department, 'brand')
    const [audit] = engine.auditQuery('zhao.min', { action: 'service.route' })
    assert.deepEqual([audit.entityId, audit.detail], ['5', 'department=brand'])
    for (const department of ['Brand', 'pr ', '', 'no_such_department', "brand'; --"]) {
      const e = await refusedSvc(engine, 'validation', () => engine.routeTicket('kf.one', 5, department), { field: 'department' })
      assert.match(e.message, /marketing/, 'the message lists the departments')
    }
  })

  it('keeps the 10-minute first-response deadline on the manual clock: within, at the deadline, late, overdue', () => {
    const engine = company()
    const ids = ['快递三天没动', '店员态度差', '多扣款了'].map((body) => engine.openTicket('kf.one', ticket('complaint', '投诉', body)).id)
    assert.deepEqual(ids, [1, 2, 3])
    assert.deepEqual(engine.overdueTickets('kf.one'), [])
    engine.advanceClock(5 * MINUTE)
    const first = engine.respondTicket('kf.one', 1, '已联系快递，今天送达')
    assert.deepEqual([first.state, first.withinSla, first.firstResponseAt, first.responses],
      ['answered', true, at(5 * MINUTE), [{ at: at(5 * MINUTE), by: 'kf.one', message: '已联系快递，今天送达' }]])
    engine.advanceClock(5 * MINUTE)
    assert.deepEqual(engine.overdueTickets('kf.one'), [], 'not overdue at the deadline itself')
    assert.equal(engine.respondTicket('kf.one', 2, '抱歉，已处理').withinSla, true, 'a response at the deadline is in time')
    engine.advanceClock(MINUTE)
    const overdue = engine.overdueTickets('kf.one')
    assert.deepEqual(overdue.map((t) => [t.id, t.state, t.withinSla]), [[3, 'open', null]])
    const late = engine.respondTicket('kf.one', 3, '已转财务部处理')
    assert.deepEqual([late.withinSla, late.firstResponseAt], [false, at(11 * MINUTE)])
    assert.deepEqual(engine.overdueTickets('kf.one'), [])
    // A second response keeps the first one's time.
    const again = engine.respondTicket('kf.one', 1, '补充：快递单号已发')
    assert.deepEqual([again.firstResponseAt, again.withinSla, again.responses.length], [at(5 * MINUTE), true, 2])
  })

  it('takes one satisfaction score per ticket after a response, on the policy scale; resolves after a response', async () => {
    const engine = company()
    const q = engine.openTicket('kf.one', ticket('question', '发货', '什么时候发货'))
    const c = engine.openTicket('kf.one', ticket('complaint', '投诉', '店员态度差'))
    await refusedSvc(engine, 'conflict', () => engine.rateTicket('kf.one', c.id, 5), { entity: 'ticket', id: String(c.id) })
    await refusedSvc(engine, 'conflict', () => engine.resolveTicket('kf.one', c.id), { entity: 'ticket' })
    for (const score of [0, 6, -1, 1.5, 256, NaN, Infinity]) {
      await refusedSvc(engine, 'validation', () => engine.rateTicket('kf.one', q.id, score), { field: 'score' })
    }
    assert.equal(engine.rateTicket('kf.one', q.id, 5).satisfaction, 5)
    await refusedSvc(engine, 'conflict', () => engine.rateTicket('kf.one', q.id, 4), { entity: 'ticket' })
    assert.equal(engine.ticket('kf.one', q.id).satisfaction, 5, 'the first score stays')

    engine.advanceClock(2 * MINUTE)
    engine.respondTicket('kf.one', c.id, '已核实，向您道歉')
    const resolved = engine.resolveTicket('kf.one', c.id)
    assert.deepEqual([resolved.state, resolved.resolvedAt], ['resolved', at(2 * MINUTE)])
    await refusedSvc(engine, 'conflict', () => engine.resolveTicket('kf.one', c.id))
    await refusedSvc(engine, 'conflict', () => engine.respondTicket('kf.one', c.id, '再补充'))
    await refusedSvc(engine, 'conflict', () => engine.routeTicket('kf.one', c.id, 'legal'))
    assert.equal(engine.rateTicket('kf.one', c.id, 1).satisfaction, 1, 'a resolved ticket may still be scored once')
    assert.deepEqual(engine.auditQuery('zhao.min', { action: 'service.rate' }).map((a) => a.detail), ['score=5', 'score=1'])
  })

  it('reports the figures of a period: SLA rate, mean first response, complaints by department, satisfaction against 4.8', async () => {
    const engine = company()
    // As service.json: one auto-answer, a complaint answered in 5 minutes,
    // one answered late at 11, one never answered and routed to brand.
    engine.openTicket('kf.one', ticket('question', '发货', '請問 什麼時候 發貨？'))
    engine.openTicket('kf.one', ticket('complaint', '投诉', '快递三天没动'))
    engine.openTicket('kf.one', ticket('complaint', '投诉', '我的个人信息被泄露，还要退款'))
    engine.openTicket('kf.one', ticket('complaint', '投诉', '店员态度差'))
    engine.advanceClock(5 * MINUTE)
    engine.respondTicket('kf.one', 2, '已联系快递，今天送达')
    engine.advanceClock(6 * MINUTE)
    engine.respondTicket('kf.one', 3, '已转法务部处理')
    engine.routeTicket('kf.one', 4, 'brand')
    engine.rateTicket('kf.one', 1, 5)
    engine.rateTicket('kf.one', 2, 4)
    const from = at(-DAY)
    const to = at(DAY)
    const r = engine.serviceReport('li.na', from, to)
    assert.deepEqual({ ...r, averageFirstResponseMinutes: undefined }, {
      from, to, tickets: 4, autoAnswered: 1, responded: 3, withinSla: 2, slaRate: 0.5, averageFirstResponseMinutes: undefined,
      overdue: 1, complaints: 3,
      complaintsByDepartment: [{ department: 'brand', count: 1 }, { department: 'legal', count: 1 }, { department: 'sales', count: 1 }],
      rated: 2, satisfactionAverage: 4.5, satisfactionTarget: 4.8, meetsTarget: false,
    })
    assert.ok(Math.abs(r.averageFirstResponseMinutes - 16 / 3) < 1e-9, `(0 + 5 + 11) / 3, got ${r.averageFirstResponseMinutes}`)
    // Counts only: a marketer reads it; no audit record of personal data.
    assert.deepEqual(engine.serviceReport('kf.one', from, to), r)

    // A period without tickets; one whose scores meet the target.
    assert.deepEqual(engine.serviceReport('li.na', at(-3 * DAY), at(-2 * DAY)), {
      from: at(-3 * DAY), to: at(-2 * DAY), tickets: 0, autoAnswered: 0, responded: 0, withinSla: 0, slaRate: 1,
      averageFirstResponseMinutes: null, overdue: 0, complaints: 0, complaintsByDepartment: [], rated: 0,
      satisfactionAverage: null, satisfactionTarget: 4.8, meetsTarget: null,
    })
    engine.advanceClock(HOUR)
    const later = engine.openTicket('kf.one', ticket('question', '退货', '怎么退货'))
    engine.rateTicket('kf.one', later.id, 5)
    const good = engine.serviceReport('li.na', at(30 * MINUTE), at(DAY))
    assert.deepEqual([good.tickets, good.satisfactionAverage, good.meetsTarget, good.slaRate, good.averageFirstResponseMinutes],
      [1, 5, true, 1, 0])

    // Bad periods and readers.
    await refusedSvc(engine, 'validation', () => engine.serviceReport('li.na', to, from), { field: 'to' })
    await refusedSvc(engine, 'validation', () => engine.serviceReport('li.na', to, to), { field: 'to' })
    await refusedSvc(engine, 'validation', () => engine.serviceReport('li.na', new Date(NaN), to), { field: 'from' })
    await refusedSvc(engine, 'validation', () => engine.serviceReport('li.na', from, new Date(NaN)), { field: 'to' })
    await refusedSvc(engine, 'permission_denied', () => engine.serviceReport('hr.one', from, to), { permission: 'crm.read' })
  })

  it("removes the customer's words on erasure, keeping the ticket as a count", () => {
    const engine = company()
    const [id] = engine.ingestCustomers('li.na', [{ identities: [{ kind: 'phone', value: '13800000001' }] }]).customerIds
    const t = engine.openTicket('kf.one', ticket('complaint', '投诉', '店员态度差', { customerId: id }))
    engine.respondTicket('kf.one', t.id, '抱歉')
    const doc = JSON.parse(engine.exportCustomer('data.ops', id))
    assert.deepEqual(doc.tickets.map((x) => [x.subject, x.body, x.responses.map((r) => r.message)]), [['投诉', '店员态度差', ['抱歉']]])
    engine.eraseCustomer('data.ops', id, 'request #7')
    const gone = engine.ticket('kf.one', t.id)
    assert.deepEqual([gone.customerId, gone.subject, gone.body, gone.responses, gone.state, gone.withinSla],
      [null, '', '', [], 'answered', true])
    assert.equal(engine.serviceReport('li.na', at(-DAY), at(DAY)).tickets, 1)
  })
})

describe('CRM-9: bad tickets, unknown ids, permissions and key', () => {
  it('refuses a bad ticket with validation naming the field, and hostile strings', async () => {
    const engine = company()
    engine.openTicket('kf.one', ticket('question', '发货', '什么时候发货'))
    const bad = [
      [{ channel: 'We Chat!' }, 'channel'],
      [{ channel: '' }, 'channel'],
      [{ channel: 'x' }, 'channel'],
      [{ channel: "wechat'; DROP TABLE service_ticket;--" }, 'channel'],
      [{ category: 'praise' }, 'category'],
      [{ category: 'Question' }, 'category'],
      [{ category: '' }, 'category'],
      [{ body: '' }, 'body'],
      [{ body: '   ' }, 'body'],
      [{ body: 'a\u0000b' }, 'body'],
      [{ body: 'esc\u001b[31m' }, 'body'],
      [{ body: '长'.repeat(30_000) }, 'body'],
      [{ customerId: 1.5 }, 'customerId'],
      [{ customerId: NaN }, 'customerId'],
      [{ customerId: 2 ** 53 }, 'customerId'],
      ...HOSTILE_NAMES.map((subject) => [{ subject }, 'subject']),
    ]
    for (const [change, field] of bad) {
      const e = await refusedSvc(engine, 'validation', () => engine.openTicket('kf.one', { ...ticket('question', 'x', 'y'), ...change }), { field })
      assert.ok(e.message.length < 1000, 'a huge value is not echoed back')
    }
    // Line breaks and tabs are fine in a body.
    assert.equal(engine.openTicket('kf.one', ticket('complaint', '投诉', '第一行\n\t第二行\r\n')).body, '第一行\n\t第二行\r\n')
    const t = engine.openTicket('kf.one', ticket('complaint', '投诉', '店员态度差'))
    for (const message of ['', '  \n ', 'a\u0000b', 'x'.repeat(64 * 1024 + 1)]) {
      await refusedSvc(engine, 'validation', () => engine.respondTicket('kf.one', t.id, message), { field: 'message' })
    }
  })

  it('refuses unknown customers and tickets with not_found, unsafe ids with validation', async () => {
    const engine = company()
    await refusedSvc(engine, 'not_found', () => engine.openTicket('kf.one', ticket('question', 'x', 'y', { customerId: 99 })), { entity: 'customer', id: '99' })
    await refusedSvc(engine, 'not_found', () => engine.openTicket('kf.one', ticket('question', 'x', 'y', { customerId: -1 })), { entity: 'customer' })
    const [id] = engine.ingestCustomers('li.na', [{ identities: [{ kind: 'phone', value: '13800000001' }] }]).customerIds
    engine.eraseCustomer('data.ops', id, 'request #8')
    await refusedSvc(engine, 'not_found', () => engine.openTicket('kf.one', ticket('question', 'x', 'y', { customerId: id })), { entity: 'customer' })
    for (const call of [
      () => engine.ticket('kf.one', 404),
      () => engine.respondTicket('kf.one', 404, 'x'),
      () => engine.routeTicket('kf.one', 404, 'legal'),
      () => engine.resolveTicket('kf.one', 404),
      () => engine.rateTicket('kf.one', 404, 5),
    ]) {
      await refusedSvc(engine, 'not_found', call, { entity: 'ticket', id: '404' })
    }
    for (const bad of [1.5, NaN, -Infinity, 2 ** 53]) {
      await refusedSvc(engine, 'validation', () => engine.ticket('kf.one', bad), { field: 'id' })
      await refusedSvc(engine, 'validation', () => engine.respondTicket('kf.one', bad, 'x'), { field: 'id' })
      await refusedSvc(engine, 'validation', () => engine.routeTicket('kf.one', bad, 'legal'), { field: 'id' })
      await refusedSvc(engine, 'validation', () => engine.resolveTicket('kf.one', bad), { field: 'id' })
      await refusedSvc(engine, 'validation', () => engine.rateTicket('kf.one', bad, 5), { field: 'id' })
    }
  })

  it('refuses principals without service.handle, and audits the refusal', async () => {
    const engine = company()
    const t = engine.openTicket('kf.one', ticket('complaint', '投诉', '店员态度差'))
    for (const actor of ['li.na', 'hr.one', 'pr.one', 'nobody', '']) {
      for (const call of [
        () => engine.openTicket(actor, ticket('question', 'x', 'y')),
        () => engine.respondTicket(actor, t.id, 'x'),
        () => engine.routeTicket(actor, t.id, 'legal'),
        () => engine.resolveTicket(actor, t.id),
        () => engine.rateTicket(actor, t.id, 5),
        () => engine.ticket(actor, t.id),
        () => engine.overdueTickets(actor),
      ]) {
        await refusedSvc(engine, 'permission_denied', call)
      }
    }
    const e = await refusedSvc(engine, 'permission_denied', () => engine.openTicket('li.na', ticket('question', 'x', 'y')))
    assert.deepEqual([e.principal, e.permission, e.reason], ['li.na', 'service.handle', 'missing_permission'])
  })

  it('needs the secret key for tickets', async () => {
    const engine = company({})
    for (const call of [
      () => engine.openTicket('kf.one', ticket('question', 'x', 'y')),
      () => engine.ticket('kf.one', 1),
      () => engine.respondTicket('kf.one', 1, 'x'),
      () => engine.overdueTickets('kf.one'),
    ]) {
      await refused(engine, 'configuration', call)
    }
    // The report holds counts only and needs no key.
    assert.equal(engine.serviceReport('li.na', at(-DAY), at(DAY)).tickets, 0)
  })

  it('refuses values of the wrong JS type before the engine is reached', () => {
    const engine = company()
    const good = ticket('question', '发货', '什么时候发货')
    engine.openTicket('kf.one', good)
    for (const call of [
      () => engine.openTicket('kf.one'),
      () => engine.openTicket('kf.one', null),
      () => engine.openTicket('kf.one', 'question'),
      () => engine.openTicket('kf.one', { ...good, channel: 1 }),
      () => engine.openTicket('kf.one', { ...good, category: undefined }),
      () => engine.openTicket('kf.one', { ...good, category: ['question'] }),
      () => engine.openTicket('kf.one', { ...good, subject: null }),
      () => engine.openTicket('kf.one', { ...good, body: 42 }),
      () => engine.openTicket('kf.one', { ...good, customerId: '1' }),
      () => engine.openTicket('kf.one', { ...good, customerId: 1n }),
      () => engine.openTicket('kf.one', { ...good, customerId: null }),
      () => engine.openTicket(null, good),
      () => engine.respondTicket('kf.one', '1', 'x'),
      () => engine.respondTicket('kf.one', 1),
      () => engine.respondTicket('kf.one', 1, 42),
      () => engine.routeTicket('kf.one', 1, null),
      () => engine.rateTicket('kf.one', 1, '5'),
      () => engine.rateTicket('kf.one', 1, 5n),
      () => engine.resolveTicket('kf.one', [1]),
      () => engine.ticket('kf.one'),
      () => engine.overdueTickets(42),
      () => engine.serviceReport('li.na', 'yesterday', NOW),
      () => engine.serviceReport('li.na', NOW.getTime(), NOW),
      () => engine.serviceReport('li.na', at(-DAY)),
    ]) {
      wrongTypeSvc(engine, call)
    }
  })
})

/** The brand's names, as service.json sets them through the policy overlay. */
function withBrand(engine) {
  const toml = '[content]\nbrand_names = [{ canonical = "澜朵", wrong = ["兰朵"] }]\n'
  engine.replacePolicy('zhao.min', engine.policy().overlayToml(toml))
  return engine
}

const mention = (text, extra = {}) => ({
  platform: 'weibo', author: '路人甲', text, at: at(-HOUR), url: 'https://weibo.example/1', ...extra,
})

/** Core's batch: six good mentions (four alerts), then four bad rows. */
const BATCH = [
  mention('澜朵的面霜很好用'), // no keyword
  mention('今天去投诉了，客服不理人'), // no brand
  mention('兰朵 差 评！！！'), // misspelt brand, spaced keyword: normal
  mention('瀾朵退款太慢，要投訴'), // traditional: sensitive
  mention('澜朵用了过敏烂脸，准备曝光维权', { reach: 500 }), // major by keyword
  mention('澜朵客服差评', { reach: 2_000_000 }), // major by reach
  mention('x', { platform: 'Wei Bo' }),
  mention('x', { url: 'javascript:alert(1)' }),
  mention('x', { at: at(2 * DAY) }),
  mention(''),
]

describe('CRM-10: mentions, alerts, escalation and crises', () => {
  it('raises normal, sensitive and major alerts for the brand with a keyword; bad rows change nothing', () => {
    const engine = withBrand(company())
    const r = engine.recordMentions('pr.one', BATCH)
    assert.deepEqual([r.rows, r.recorded, r.mentionIds], [10, 6, [1, 2, 3, 4, 5, 6, null, null, null, null]])
    assert.deepEqual(r.errors.map((x) => [x.row, x.field, x.code]),
      [[6, 'platform', 'validation'], [7, 'url', 'validation'], [8, 'at', 'validation'], [9, 'text', 'validation']])
    assert.ok(r.errors.every((x) => x.message.length > 0 && !x.message.includes('javascript')), 'the link is not echoed back')
    assert.deepEqual(r.alerts.map((a) => [a.mentionId, a.severity, a.escalated, a.keywords]), [
      [3, 'normal', false, ['兰朵', '差评']],
      [4, 'sensitive', true, ['澜朵', '退款', '投诉']],
      [5, 'major', true, ['澜朵', '过敏', '曝光', '维权']],
      [6, 'major', true, ['澜朵', '差评']],
    ])
    assert.deepEqual(r.alerts[0], {
      id: 1, mentionId: 3, platform: 'weibo', severity: 'normal', keywords: ['兰朵', '差评'], escalated: false,
      crisisId: null, state: 'open', raisedAt: NOW, handledAt: null, handledBy: null,
    })
    assert.deepEqual(r.crisesOpened, [1, 2])
    assert.deepEqual(r.alerts.map((a) => a.crisisId), [null, null, 1, 2])
    // Alerts newest first; the open ones only on request.
    assert.deepEqual(engine.opinionAlerts('pr.one').map((a) => a.id), [4, 3, 2, 1])
    assert.deepEqual(engine.opinionAlerts('kf.one', true).map((a) => a.id), [4, 3, 2, 1])
    assert.deepEqual(engine.opinionAlerts('pr.one', false), engine.opinionAlerts('pr.one'))
    // Recording is audited, as counts.
    const [batch] = engine.auditQuery('zhao.min', { action: 'opinion.record' })
    assert.deepEqual([batch.principal, batch.detail], ['pr.one', 'rows=10 recorded=6 alerts=4 refused=4'])
  })

  it('reports the binding-only bad values as row errors too: an Invalid Date, a reach that is not a count', () => {
    const engine = withBrand(company())
    const r = engine.recordMentions('pr.one', [
      mention('兰朵差评', { reach: 100_000n }), // a BigInt reach at the major threshold
      mention('x', { at: new Date(NaN) }),
      mention('x', { reach: -1 }),
      mention('x', { reach: 1.5 }),
      mention('x', { reach: NaN }),
      mention('x', { reach: 2n ** 64n }),
      mention('x', { reach: -5n }),
      mention('x', { author: '' }),
      mention('x', { author: 'bidi\u202egnp' }),
      mention('x', { url: 'https://a b' }),
      mention('x', { url: 'ftp://files.example/x' }),
      mention('x', { url: `https://x.example/${'a'.repeat(2048)}` }),
      mention(' \n\t '),
      mention('a\u0000b'),
      mention('x'.repeat(64 * 1024 + 1)),
      mention('x', { platform: '' }),
      mention('x', { platform: 'Weibo' }),
      mention('x', { at: at(DAY + MINUTE) }),
    ])
    assert.deepEqual([r.rows, r.recorded], [18, 1])
    assert.deepEqual(r.alerts.map((a) => a.severity), ['major'])
    assert.deepEqual(r.errors.map((x) => [x.row, x.field]), [
      [1, 'at'], [2, 'reach'], [3, 'reach'], [4, 'reach'], [5, 'reach'], [6, 'reach'], [7, 'author'], [8, 'author'],
      [9, 'url'], [10, 'url'], [11, 'url'], [12, 'text'], [13, 'text'], [14, 'text'], [15, 'platform'], [16, 'platform'], [17, 'at'],
    ])
    assert.ok(r.errors.every((x) => x.code === 'validation' && x.message.length < 500))
    assert.deepEqual(r.mentionIds, [1, ...Array(17).fill(null)])
    // Just within a day ahead is fine; an empty batch records nothing.
    assert.equal(engine.recordMentions('pr.one', [mention('好', { at: at(DAY) })]).recorded, 1)
    assert.deepEqual(engine.recordMentions('pr.one', []),
      { rows: 0, recorded: 0, mentionIds: [], alerts: [], crisesOpened: [], errors: [] })
  })

  it('escalates sensitive and major alerts to the supervisors', async () => {
    const engine = withBrand(company())
    engine.recordMentions('pr.one', BATCH)
    const escalated = engine.escalatedAlerts('boss')
    assert.deepEqual(escalated.map((a) => [a.id, a.severity]), [[4, 'major'], [3, 'major'], [2, 'sensitive']])
    assert.ok(escalated.every((a) => a.escalated && a.state === 'open'))
    await refusedSvc(engine, 'permission_denied', () => engine.escalatedAlerts('pr.one'), { permission: 'supervision.record' })
    await refusedSvc(engine, 'permission_denied', () => engine.opinionAlerts('li.na', true), { permission: 'opinion.handle' })
    const audit = engine.auditQuery('zhao.min', { action: 'opinion.alert' })
    assert.deepEqual(audit.map((a) => a.detail), [
      'severity=normal platform=weibo',
      'severity=sensitive platform=weibo escalated_to=supervisor',
      'severity=major platform=weibo escalated_to=supervisor',
      'severity=major platform=weibo escalated_to=supervisor',
    ])
    // A handled alert is no longer waiting for a supervisor.
    const handled = engine.handleAlert('pr.one', 2)
    assert.deepEqual([handled.state, handled.handledBy, handled.handledAt], ['handled', 'pr.one', NOW])
    assert.deepEqual(engine.escalatedAlerts('boss').map((a) => a.id), [4, 3])
    assert.deepEqual(engine.opinionAlerts('pr.one', true).map((a) => a.id), [4, 3, 1])
    assert.deepEqual(engine.opinionAlerts('pr.one').map((a) => [a.id, a.state]), [[4, 'open'], [3, 'open'], [2, 'handled'], [1, 'open']])
    await refusedSvc(engine, 'conflict', () => engine.handleAlert('pr.one', 2), { entity: 'alert', id: '2' })
    await refusedSvc(engine, 'not_found', () => engine.handleAlert('pr.one', 99), { entity: 'alert', id: '99' })
    await refusedSvc(engine, 'validation', () => engine.handleAlert('pr.one', 0.5), { field: 'id' })
  })

  it("opens a crisis for a major alert with its kind's template, marketing leading, legal reviewing, due in 2 hours", async () => {
    const engine = withBrand(company())
    engine.recordMentions('pr.one', BATCH)
    const crises = engine.crises('pr.one')
    assert.deepEqual(crises.map((c) => [c.id, c.kind, c.alertIds]), [[2, 'general', [4]], [1, 'product_quality', [3]]])
    const quality = crises[1]
    assert.deepEqual(quality, {
      id: 1, kind: 'product_quality', summary: 'major alert on weibo (澜朵, 过敏, 曝光, 维权)',
      leadDepartment: 'marketing', reviewDepartment: 'legal',
      template: '我们已关注到您反映的产品问题，高度重视。相关批次已安排复检，专人将在 24 小时内与您联系处理，检测结果将公开说明。',
      openedAt: NOW, openedBy: 'auto', firstResponseDue: at(2 * HOUR), firstResponseAt: null, statement: null,
      withinDeadline: null, closedAt: null, alertIds: [3],
    })
    // A statement with an Advertising-Law term is refused, recording nothing.
    const e = await refusedSvc(engine, 'policy_violation', () => engine.respondCrisis('pr.one', 1, '我们的产品是全网最安全的'), { rule: 'CON-3' })
    assert.match(e.message, /最安全/)
    for (const statement of ['', '   ', 'a\u0000b']) {
      await refusedSvc(engine, 'validation', () => engine.respondCrisis('pr.one', 1, statement), { field: 'statement' })
    }
    engine.advanceClock(30 * MINUTE)
    const done = engine.respondCrisis('pr.one', 1, quality.template)
    assert.deepEqual([done.withinDeadline, done.firstResponseAt, done.statement], [true, at(30 * MINUTE), quality.template])
    // A later statement replaces it; the first response keeps its time.
    const later = engine.respondCrisis('pr.one', 1, '复检结果已公布，感谢关注。')
    assert.deepEqual([later.statement, later.firstResponseAt], ['复检结果已公布，感谢关注。', at(30 * MINUTE)])

    // Three hours in, the other crisis is overdue; its late response says so.
    await refusedSvc(engine, 'conflict', () => engine.closeCrisis('pr.one', 2), { entity: 'crisis', id: '2' })
    assert.deepEqual(engine.crises('pr.one', true), [])
    engine.advanceClock(150 * MINUTE)
    assert.deepEqual(engine.crises('pr.one', true).map((c) => c.id), [2])
    const late = engine.respondCrisis('pr.one', 2, '感谢反馈，我们正在核实。')
    assert.deepEqual([late.withinDeadline, late.firstResponseAt], [false, at(3 * HOUR)])
    assert.deepEqual(engine.crises('pr.one', true), [])
    const closed = engine.closeCrisis('pr.one', 2)
    assert.deepEqual(closed.closedAt, at(3 * HOUR))
    await refusedSvc(engine, 'conflict', () => engine.closeCrisis('pr.one', 2), { entity: 'crisis' })
    await refusedSvc(engine, 'conflict', () => engine.respondCrisis('pr.one', 2, '再说明'), { entity: 'crisis' })
    for (const call of [() => engine.respondCrisis('pr.one', 99, '说明'), () => engine.closeCrisis('pr.one', 99)]) {
      await refusedSvc(engine, 'not_found', call, { entity: 'crisis', id: '99' })
    }
    await refusedSvc(engine, 'validation', () => engine.closeCrisis('pr.one', NaN), { field: 'id' })
    await refusedSvc(engine, 'validation', () => engine.respondCrisis('pr.one', 1.5, '说明'), { field: 'id' })
  })

  it('opens a crisis by hand for alerts, its kind from their words', async () => {
    const engine = withBrand(company())
    engine.recordMentions('pr.one', [...BATCH, mention('澜朵泄露了我的个人信息，投诉')])
    const alerts = engine.opinionAlerts('pr.one')
    const leak = alerts.find((a) => a.keywords.includes('泄露'))
    assert.equal(leak.severity, 'major', '泄露 is a major keyword')
    const c = engine.openCrisis('pr.one', [2], '退款投诉集中')
    assert.deepEqual([c.id, c.kind, c.alertIds, c.openedBy, c.summary, c.firstResponseDue], [4, 'general', [2], 'pr.one', '退款投诉集中', at(2 * HOUR)])
    assert.equal(engine.opinionAlerts('pr.one').find((a) => a.id === 2).crisisId, 4)
    assert.deepEqual(engine.crises('pr.one').find((x) => x.id === leak.crisisId).kind, 'data_leak')
    await refusedSvc(engine, 'conflict', () => engine.openCrisis('pr.one', [2], 'again'), { entity: 'alert', id: '2' })
    await refusedSvc(engine, 'conflict', () => engine.openCrisis('pr.one', [1, 3], '合并'), { entity: 'alert', id: '3' })
    await refusedSvc(engine, 'not_found', () => engine.openCrisis('pr.one', [1, 999], 'x'), { entity: 'alert', id: '999' })
    await refusedSvc(engine, 'validation', () => engine.openCrisis('pr.one', [], 'x'), { field: 'alertIds' })
    await refusedSvc(engine, 'validation', () => engine.openCrisis('pr.one', new Array(1001).fill(1), 'x'), { field: 'alertIds' })
    await refusedSvc(engine, 'validation', () => engine.openCrisis('pr.one', [1, 1.5], 'x'), { field: 'alertIds[1]' })
    await refusedSvc(engine, 'validation', () => engine.openCrisis('pr.one', [NaN], 'x'), { field: 'alertIds[0]' })
    for (const summary of HOSTILE_NAMES) {
      await refusedSvc(engine, 'validation', () => engine.openCrisis('pr.one', [1], summary), { field: 'summary' })
    }
  })

  it('takes every mention as about the brand when the policy names none', () => {
    const engine = company()
    const r = engine.recordMentions('pr.one', [mention('质量问题太多了，差评'), mention('天气不错')])
    assert.deepEqual(r.alerts.map((a) => [a.mentionId, a.severity, a.escalated]), [[1, 'sensitive', true]])
  })

  it('gives the same report from recordMentionsAsync, copying the rows when called', async () => {
    const expected = withBrand(company()).recordMentions('pr.one', BATCH)
    const engine = withBrand(company())
    const given = BATCH.map((m) => ({ ...m }))
    const pending = engine.recordMentionsAsync('pr.one', given)
    assert.ok(pending instanceof Promise)
    given[2].text = '澜朵很好'
    given.length = 0
    assert.deepEqual(await pending, expected)
    await assert.rejects(engine.recordMentionsAsync('li.na', BATCH),
      { code: 'permission_denied', principal: 'li.na', permission: 'opinion.handle' })
    await assert.rejects(company({}).recordMentionsAsync('pr.one', BATCH), { code: 'configuration' })
  })
})

describe('CRM-10: refusals and wrong JS types', () => {
  it('refuses principals without opinion.handle, a missing key and more than 100,000 rows; nothing recorded', async () => {
    const engine = withBrand(company())
    engine.recordMentions('pr.one', BATCH)
    for (const actor of ['li.na', 'hr.one', 'boss', 'nobody']) {
      for (const call of [
        () => engine.recordMentions(actor, BATCH),
        () => engine.recordMentionsAsync(actor, BATCH),
        () => engine.opinionAlerts(actor),
        () => engine.handleAlert(actor, 1),
        () => engine.openCrisis(actor, [2], 'x'),
        () => engine.respondCrisis(actor, 1, '说明'),
        () => engine.closeCrisis(actor, 1),
        () => engine.crises(actor, true),
      ]) {
        await refusedSvc(engine, 'permission_denied', call, { permission: 'opinion.handle' })
      }
    }
    await refusedSvc(engine, 'validation', () => engine.recordMentions('pr.one', new Array(100_001).fill(BATCH[0])), { field: 'mentions' })
    const plain = company({})
    await refused(plain, 'configuration', () => plain.recordMentions('pr.one', [mention('x')]))
    await refused(plain, 'configuration', () => plain.openCrisis('pr.one', [1], 'x'))
    assert.deepEqual(plain.opinionAlerts('pr.one'), [], 'alerts and crises read without the key')
    assert.deepEqual(plain.crises('pr.one'), [])
  })

  it('refuses wrong JS types synchronously, from both the sync and the Promise call', () => {
    const engine = withBrand(company())
    engine.recordMentions('pr.one', BATCH)
    const good = mention('澜朵差评')
    const badBatches = [
      undefined, null, 'rows', 42, {}, { 0: good, length: 1 },
      [good, 'row'], [good, null], [good, []], [good, , good],
      new Array(2 ** 32 - 1),
      [good, { ...good, platform: 1 }],
      [good, { ...good, platform: undefined }],
      [good, { ...good, author: null }],
      [good, { ...good, text: ['x'] }],
      [good, { ...good, at: NOW.toISOString() }],
      [good, { ...good, at: NOW.getTime() }],
      [good, { ...good, at: undefined }],
      [good, { ...good, url: 42 }],
      [good, { ...good, url: null }],
      [good, { ...good, reach: '500' }],
      [good, { ...good, reach: null }],
      [good, { ...good, reach: {} }],
    ]
    for (const batch of badBatches) {
      wrongTypeSvc(engine, () => engine.recordMentions('pr.one', batch))
      wrongTypeSvc(engine, () => engine.recordMentionsAsync('pr.one', batch))
    }
    for (const call of [
      () => engine.recordMentions(42, [good]),
      () => engine.recordMentions('pr.one'),
      () => engine.opinionAlerts('pr.one', 'true'),
      () => engine.opinionAlerts('pr.one', 1),
      () => engine.crises('pr.one', 'false'),
      () => engine.escalatedAlerts(),
      () => engine.handleAlert('pr.one', '1'),
      () => engine.openCrisis('pr.one', 1, 'x'),
      () => engine.openCrisis('pr.one', '1', 'x'),
      () => engine.openCrisis('pr.one', ['1'], 'x'),
      () => engine.openCrisis('pr.one', [1n], 'x'),
      () => engine.openCrisis('pr.one', [1, , 2], 'x'),
      () => engine.openCrisis('pr.one', new Array(2 ** 32 - 1), 'x'),
      () => engine.openCrisis('pr.one', [1]),
      () => engine.openCrisis('pr.one', [1], null),
      () => engine.respondCrisis('pr.one', 1, 42),
      () => engine.closeCrisis('pr.one', null),
    ]) {
      wrongTypeSvc(engine, call)
    }
  })

  it('names the bad element in the message, with napi-rs codes', () => {
    const engine = company()
    const good = mention('澜朵差评')
    const cases = [
      [() => engine.recordMentions('pr.one', 'rows'), 'ArrayExpected', /^mentions: expected an array, got string/],
      [() => engine.recordMentions('pr.one', [good, 'row']), 'ObjectExpected', /^mentions\[1\]: expected an object, got string/],
      [() => engine.recordMentionsAsync('pr.one', [good, , good]), 'ObjectExpected', /^mentions\[1\]: expected an object, got undefined/],
      [() => engine.recordMentions('pr.one', [good, { platform: 'weibo', author: 'x', at: NOW }]), 'InvalidArg', /^mentions\[1\]: Missing field `text`/],
      [() => engine.recordMentions('pr.one', [{ ...good, reach: '5' }]), 'InvalidArg', /^mentions\[0\]: .*number or a bigint, got string/],
      [() => engine.openCrisis('pr.one', 'x', 'x'), 'ArrayExpected', /^alertIds: expected an array of numbers, got string/],
      [() => engine.openCrisis('pr.one', [1, 'x'], 'x'), 'NumberExpected', /^alertIds\[1\]: expected a number, got string/],
      [() => engine.openCrisis('pr.one', [1, , 2], 'x'), 'NumberExpected', /^alertIds\[1\]: expected a number, got undefined/],
    ]
    for (const [call, code, message] of cases) {
      assert.throws(call, (e) => {
        assert.ok(e instanceof Error && !BRANDRAIL_CODES.has(e.code), e.message)
        assert.equal(e.code, code, e.message)
        assert.match(e.message, message)
        return true
      })
    }
  })
})
