// Managed media accounts through the public JS API: register, reassign,
// record interactions, retire, reveal credentials, the zombie report; and the
// bad side of each. A refused call changes nothing.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import {
  ADMIN, HOSTILE_HANDLES, HOSTILE_NAMES, refused, seeded, seededWithMedia, wrongType,
} from './helpers.mjs'

describe('media accounts', () => {
  it('registers, reassigns, records, retires and lists', async () => {
    const engine = seededWithMedia()
    const wechat = engine.mediaAccount('wechat-main')
    assert.equal(wechat.platform, 'wechat_official_account')
    assert.equal(wechat.ownerDepartment, 'brand')
    assert.equal(wechat.custodian, 'li.na')
    assert.equal(wechat.hasCredential, true)
    assert.ok(wechat.registeredAt instanceof Date)
    assert.equal(wechat.lastInteractionAt, null)
    assert.equal(wechat.retiredAt, null)
    assert.equal(engine.mediaAccount('douyin-main').hasCredential, false)

    assert.equal(engine.reassignMediaAccount(ADMIN, 'douyin-main', 'chen.jie').custodian, 'chen.jie')

    const at = new Date('2026-01-10T08:00:00Z')
    const recorded = engine.recordMediaInteraction('li.na', 'wechat-main', at)
    assert.equal(recorded.lastInteractionAt.getTime(), at.getTime())
    // An older interaction keeps the newest time.
    const older = engine.recordMediaInteraction('li.na', 'wechat-main', new Date('2025-01-01T00:00:00Z'))
    assert.equal(older.lastInteractionAt.getTime(), at.getTime())

    const batch = await engine.recordMediaInteractions('li.na', [
      { id: 'wechat-main', at: new Date('2026-02-01T00:00:00Z') },
      { id: 'douyin-main', at: new Date('2026-03-01T00:00:00Z') },
    ])
    assert.deepEqual(batch.map((m) => m.lastInteractionAt.toISOString()),
      ['2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'])

    const retired = engine.retireMediaAccount(ADMIN, 'wechat-main')
    assert.ok(retired.retiredAt instanceof Date)
    assert.equal(retired.hasCredential, false)
    assert.deepEqual(engine.mediaAccounts().map((m) => m.id), ['douyin-main', 'wechat-main'])
  })

  it('reveals credentials only to the permitted, and only with the key', async () => {
    const engine = seededWithMedia()
    assert.equal(engine.revealMediaCredential(ADMIN, 'wechat-main'), 's3cret-token')
    await refused(engine, 'permission_denied', () => engine.revealMediaCredential('chen.jie', 'wechat-main'))
    await refused(engine, 'conflict', () => engine.revealMediaCredential(ADMIN, 'douyin-main'))
    await refused(engine, 'not_found', () => engine.revealMediaCredential(ADMIN, 'ghost'))
    const reveals = engine.auditQuery('zhao.min', { action: 'media_account.reveal_credential', outcome: 'applied' })
    assert.equal(reveals.length, 1)
    assert.ok(reveals.every((r) => !r.detail.includes('s3cret')))

    const keyless = seeded()
    await refused(keyless, 'configuration', () => keyless.registerMediaAccount(ADMIN, {
      id: 'x-1', platform: 'weibo', displayName: 'X', ownerDepartment: 'pr', custodian: 'li.na', credential: 'pw',
    }))
    await refused(keyless, 'configuration', () => keyless.revealMediaCredential(ADMIN, 'x-1'))
  })

  it('refuses bad registrations', async () => {
    const engine = seededWithMedia()
    const good = { id: 'weibo-1', platform: 'weibo', displayName: '微博', ownerDepartment: 'pr', custodian: 'chen.jie' }
    await refused(engine, 'validation', () => engine.registerMediaAccount(ADMIN, { ...good, platform: 'myspace' }),
      { field: 'platform' })
    await refused(engine, 'validation', () => engine.registerMediaAccount(ADMIN, { ...good, ownerDepartment: 'mars' }),
      { field: 'owner_department' })
    for (const id of HOSTILE_HANDLES) {
      await refused(engine, 'validation', () => engine.registerMediaAccount(ADMIN, { ...good, id }), { field: 'id' })
    }
    for (const displayName of HOSTILE_NAMES) {
      await refused(engine, 'validation', () => engine.registerMediaAccount(ADMIN, { ...good, displayName }),
        { field: 'display_name' })
    }
    await refused(engine, 'validation', () => engine.registerMediaAccount(ADMIN, { ...good, credential: '' }),
      { field: 'credential' })
    await refused(engine, 'validation', () =>
      engine.registerMediaAccount(ADMIN, { ...good, credential: 'x'.repeat(4097) }), { field: 'credential' })
    await refused(engine, 'conflict', () => engine.registerMediaAccount(ADMIN, { ...good, id: 'wechat-main' }))
    await refused(engine, 'not_found', () => engine.registerMediaAccount(ADMIN, { ...good, custodian: 'ghost' }))
    await refused(engine, 'permission_denied', () => engine.registerMediaAccount('li.na', good))
    engine.deactivatePrincipal(ADMIN, 'chen.jie')
    await refused(engine, 'conflict', () => engine.registerMediaAccount(ADMIN, good))
    wrongType(engine, () => engine.registerMediaAccount(ADMIN, { ...good, credential: 42 }))
    wrongType(engine, () => engine.registerMediaAccount(ADMIN, { id: 'only-id' }))
  })

  it('refuses bad reassignments, interactions and retirements', async () => {
    const engine = seededWithMedia()
    await refused(engine, 'not_found', () => engine.reassignMediaAccount(ADMIN, 'ghost', 'chen.jie'))
    await refused(engine, 'not_found', () => engine.reassignMediaAccount(ADMIN, 'douyin-main', 'ghost'))
    await refused(engine, 'permission_denied', () => engine.reassignMediaAccount('li.na', 'douyin-main', 'chen.jie'))

    const future = new Date(Date.now() + 24 * 3600 * 1000)
    await refused(engine, 'validation', () => engine.recordMediaInteraction('li.na', 'douyin-main', future))
    await refused(engine, 'validation', () => engine.recordMediaInteraction('li.na', 'douyin-main', new Date(NaN)),
      { field: 'at' })
    await refused(engine, 'not_found', () => engine.recordMediaInteraction('li.na', 'no-such', new Date()))
    await refused(engine, 'permission_denied', () => engine.recordMediaInteraction('sun.li', 'douyin-main', new Date()))
    wrongType(engine, () => engine.recordMediaInteraction('li.na', 'douyin-main', '2026-01-01'))
    wrongType(engine, () => engine.recordMediaInteraction('li.na', 'douyin-main', Date.now()))
    wrongType(engine, () => engine.recordMediaInteraction('li.na', 'douyin-main'))

    await refused(engine, 'validation', () => engine.recordMediaInteractions('li.na', []), { field: 'interactions' })
    await refused(engine, 'validation', () => engine.recordMediaInteractions('li.na', [
      { id: 'douyin-main', at: new Date('2026-01-01T00:00:00Z') },
      { id: 'wechat-main', at: new Date('garbage') },
    ]), { field: 'interactions[1].at' })
    await refused(engine, 'not_found', () => engine.recordMediaInteractions('li.na', [
      { id: 'douyin-main', at: new Date('2026-01-01T00:00:00Z') },
      { id: 'ghost', at: new Date('2026-01-01T00:00:00Z') },
    ]))
    wrongType(engine, () => engine.recordMediaInteractions('li.na', [{ id: 'douyin-main', at: '2026' }]))

    engine.retireMediaAccount(ADMIN, 'douyin-main')
    await refused(engine, 'conflict', () => engine.retireMediaAccount(ADMIN, 'douyin-main'))
    await refused(engine, 'conflict', () => engine.reassignMediaAccount(ADMIN, 'douyin-main', 'chen.jie'))
    await refused(engine, 'conflict', () => engine.recordMediaInteraction('li.na', 'douyin-main', new Date()))
    await refused(engine, 'not_found', () => engine.retireMediaAccount(ADMIN, 'ghost'))
    await refused(engine, 'permission_denied', () => engine.retireMediaAccount('li.na', 'wechat-main'))
    assert.throws(() => engine.mediaAccount('ghost'), { code: 'not_found', entity: 'media_account' })
  })

  it('reports zombie accounts as of a date, longest idle first', () => {
    const engine = seededWithMedia()
    engine.recordMediaInteraction('li.na', 'wechat-main', new Date('2026-01-10T08:00:00Z'))
    engine.recordMediaInteraction('li.na', 'douyin-main', new Date('2025-12-01T08:00:00Z'))
    const zombies = engine.zombieMediaAccounts(new Date('2026-10-01T00:00:00Z'))
    assert.deepEqual(zombies.map((z) => z.account.id), ['douyin-main', 'wechat-main'])
    assert.equal(zombies[0].idleSince.toISOString(), '2025-12-01T08:00:00.000Z')
    assert.equal(zombies[0].idleDays, 303)
    // Without a date: as of the engine clock (both are idle for months by now).
    assert.deepEqual(engine.zombieMediaAccounts().map((z) => z.account.id), ['douyin-main', 'wechat-main'])
    assert.deepEqual(engine.zombieMediaAccounts(new Date('2026-02-01T00:00:00Z')), [])
    assert.throws(() => engine.zombieMediaAccounts(new Date(NaN)), { code: 'validation', field: 'asOf' })
    assert.throws(() => engine.zombieMediaAccounts('2026-10-01'), Error)
  })
})

