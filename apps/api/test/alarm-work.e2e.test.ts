import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makeAlarm,
  makeDevice,
  makeDeviceProfile,
  makeMeter,
  makeUser,
  makeUtilities,
  tokenFor,
  type Device,
  type DeviceProfile,
  type Tenant,
  type User,
} from './support/factories';
import { connectLive } from './support/live';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Issue 21, alarms as work: detail with timeline, acknowledge with a comment, assign, notes, close
 * with a reason, bulk acknowledge, list filters by state and age, who/when in the rows.
 */
describe('alarms as work', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let adminA: { user: User; token: string };
  let adminB: { user: User; token: string };
  let root: { user: User; token: string };
  let reader: { user: User; token: string };
  let stranger: User;
  let deviceB: Device;
  let profileA: DeviceProfile;

  const post = (url: string, token: string, body?: unknown) => t.request({ method: 'POST', url, token, body });
  const put = (url: string, token: string, body?: unknown) => t.request({ method: 'PUT', url, token, body });
  const stored = async (id: string) => (await t.sql(`SELECT * FROM alarm WHERE id = $1`, [id]))[0];
  const events = async (id: string) =>
    (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM alarm_event WHERE alarm_id = $1`, [id]))[0].n;
  const audits = async (id: string) =>
    (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE entity_type = 'alarm' AND entity_id = $1`, [id]))[0].n;
  // A device of its own per alarm: one open alarm per device and type.
  const alarmA = async (o: Partial<Parameters<typeof makeAlarm>[1]> = {}) =>
    (await makeAlarm(t, { device: await makeDevice(t, { tenant: a, profile: profileA }), ...o })).id;

  beforeAll(async () => {
    t = await startTestApp('alarm-work', { listen: true });
    const u = await makeUtilities(t);
    ({ a, b } = u);
    [adminA, adminB, root] = [u.aAdmin, u.bAdmin, u.rootAdmin];
    const readerUser = await makeUser(t, { tenant: a, name: 'Okur', surname: 'Yalnız', permissions: { DASHBOARD: 'r' } });
    reader = { user: readerUser, token: await tokenFor(t, readerUser) };
    stranger = await makeUser(t, { tenant: a, name: 'Sayaç', surname: 'Okumaz', permissions: { METERS: 'r' } });
    profileA = await makeDeviceProfile(t, { tenants: [a.id] });
    deviceB = await makeDevice(t, { tenant: b, meter: await makeMeter(t, { tenant: b }) });
  });
  afterAll(async () => t?.close());

  it('walks an alarm through its work: acknowledge with a comment, assign, note, close with a reason; the timeline tells it', async () => {
    const id = await alarmA();
    const ack = await post(`/api/alarms/${id}/acknowledge`, adminA.token, { comment: 'Ekibe bildirildi' });
    expect(ack.status).toBe(200);
    expect(ack.body.state).toBe('ACKNOWLEDGED');
    expect(ack.body.acknowledgedBy.id).toBe(adminA.user.id);

    const assigned = await put(`/api/alarms/${id}/assignee`, adminA.token, { userId: reader.user.id });
    expect(assigned.status).toBe(200);
    expect(assigned.body.assignedTo).toEqual({ id: reader.user.id, displayName: 'Okur Yalnız' });
    expect(assigned.body.assignedAt).toEqual(expect.any(String));

    const noted = await post(`/api/alarms/${id}/notes`, adminA.token, { text: 'Vana kontrol edildi' });
    expect(noted.status).toBe(200);

    const closed = await post(`/api/alarms/${id}/close`, adminA.token, { reason: 'Sayaç değiştirildi' });
    expect(closed.status).toBe(200);
    expect(closed.body.state).toBe('CLOSED');
    expect(closed.body.closedBy.id).toBe(adminA.user.id);
    expect(closed.body.closeReason).toBe('Sayaç değiştirildi');
    // Closing a raised alarm clears it: it leaves the open set (map, counts, one open alarm per device).
    expect(closed.body.clearedAt).toBe(closed.body.closedAt);

    const detail = await t.request({ url: `/api/alarms/${id}`, token: reader.token });
    expect(detail.status).toBe(200);
    expect(detail.body.timeline.map((e: { kind: string }) => e.kind)).toEqual(['RAISED', 'ACKNOWLEDGED', 'ASSIGNED', 'NOTE', 'CLOSED']);
    const [raised, acknowledged, assignment, note, closure] = detail.body.timeline;
    expect(raised.by).toBeNull();
    expect(acknowledged).toMatchObject({ text: 'Ekibe bildirildi', by: { id: adminA.user.id } });
    expect(assignment).toMatchObject({ assignee: { id: reader.user.id, displayName: 'Okur Yalnız' }, by: { id: adminA.user.id } });
    expect(note.text).toBe('Vana kontrol edildi');
    expect(closure.text).toBe('Sayaç değiştirildi');
    expect(await audits(id)).toBe(4);

    // Who and when in the list rows.
    const listed = await t.request({ url: `/api/alarms?state=closed`, token: adminA.token });
    const row = listed.body.items.find((r: { id: string }) => r.id === id);
    expect(row).toMatchObject({
      state: 'CLOSED',
      acknowledgedBy: { id: adminA.user.id },
      assignedTo: { id: reader.user.id },
      closedBy: { id: adminA.user.id },
      closeReason: 'Sayaç değiştirildi',
    });
    expect(row.timeline).toBeUndefined();
  });

  it('shows a clearing by the source as CLEARED, and a closing of a cleared alarm keeps its clearing time', async () => {
    const clearedAt = new Date(Date.now() - 60_000);
    const id = await alarmA({ clearedAt, startedAt: new Date(Date.now() - 3_600_000) });
    const closed = await post(`/api/alarms/${id}/close`, adminA.token, { reason: 'Kendiliğinden düzeldi' });
    expect(closed.body.clearedAt).toBe(clearedAt.toISOString());
    expect(closed.body.timeline.map((e: { kind: string }) => e.kind)).toEqual(['RAISED', 'CLEARED', 'CLOSED']);
  });

  it('acknowledges without a body (as the console does), refuses twice and after closing with 409, changing nothing', async () => {
    const id = await alarmA();
    expect((await post(`/api/alarms/${id}/acknowledge`, adminA.token)).status).toBe(200);
    expect((await post(`/api/alarms/${id}/acknowledge`, adminA.token, { comment: 'yine' })).status).toBe(409);
    expect(await events(id)).toBe(1);
    const other = await alarmA({ type: 'TILT' });
    expect((await post(`/api/alarms/${other}/close`, adminA.token, { reason: 'test' })).status).toBe(200);
    expect((await post(`/api/alarms/${other}/close`, adminA.token, { reason: 'again' })).status).toBe(409);
    expect((await post(`/api/alarms/${other}/acknowledge`, adminA.token)).status).toBe(409);
    expect((await put(`/api/alarms/${other}/assignee`, adminA.token, { userId: reader.user.id })).status).toBe(409);
    expect((await stored(other)).acknowledged_at).toBeNull();
    expect(await events(other)).toBe(1);
  });

  it('refuses bad input with 400 and the field at fault, changing nothing', async () => {
    const id = await alarmA({ type: 'LOW_BATTERY' });
    const cases: [string, 'POST' | 'PUT', string, unknown, string][] = [
      ['note empty', 'POST', `/api/alarms/${id}/notes`, { text: '   ' }, 'text'],
      ['note too long', 'POST', `/api/alarms/${id}/notes`, { text: 'x'.repeat(2001) }, 'text'],
      ['note unknown key', 'POST', `/api/alarms/${id}/notes`, { text: 'a', by: 'me' }, ''],
      ['close without reason', 'POST', `/api/alarms/${id}/close`, {}, 'reason'],
      ['comment empty', 'POST', `/api/alarms/${id}/acknowledge`, { comment: '' }, 'comment'],
      ['assignee not a uuid', 'PUT', `/api/alarms/${id}/assignee`, { userId: 'bob' }, 'userId'],
      ['assignee missing', 'PUT', `/api/alarms/${id}/assignee`, {}, 'userId'],
      ['bulk empty', 'POST', `/api/alarms/acknowledge`, { ids: [] }, 'ids'],
      ['bulk too many', 'POST', `/api/alarms/acknowledge`, { ids: Array.from({ length: 101 }, () => crypto.randomUUID()) }, 'ids'],
      ['bulk twice', 'POST', `/api/alarms/acknowledge`, { ids: [id, id] }, 'ids'],
    ];
    for (const [what, method, url, body, field] of cases) {
      const res = await t.request({ method, url, token: adminA.token, body });
      expect(res.status, what).toBe(400);
      if (field) expect(JSON.stringify(res.body.details), what).toContain(field);
    }
    expect((await t.request({ url: `/api/alarms/not-a-uuid`, token: adminA.token })).status).toBe(400);
    // Assignees must hold read on alarms at the alarm's tenant, be active and of a tenant the caller sees.
    for (const userId of [stranger.id, adminB.user.id, root.user.id, crypto.randomUUID()]) {
      const res = await put(`/api/alarms/${id}/assignee`, adminA.token, { userId });
      expect(res.status).toBe(400);
      expect(res.body.details[0].path).toEqual(['body', 'userId']);
    }
    const row = await stored(id);
    expect([row.acknowledged_at, row.assigned_to, row.closed_at]).toEqual([null, null, null]);
    expect(await events(id)).toBe(0);
    expect(await audits(id)).toBe(0);
  });

  it('lets only users with the update right work on alarms; readers read the timeline (403)', async () => {
    const id = await alarmA({ type: 'REVERSE_FLOW' });
    for (const [method, url, body] of [
      ['POST', `/api/alarms/${id}/acknowledge`, {}],
      ['PUT', `/api/alarms/${id}/assignee`, { userId: reader.user.id }],
      ['POST', `/api/alarms/${id}/notes`, { text: 'x' }],
      ['POST', `/api/alarms/${id}/close`, { reason: 'x' }],
      ['POST', `/api/alarms/acknowledge`, { ids: [id] }],
    ] as const)
      expect((await t.request({ method, url, token: reader.token, body })).status, url).toBe(403);
    expect((await t.request({ url: `/api/alarms/${id}`, token: reader.token })).status).toBe(200);
    expect(await events(id)).toBe(0);
    // A user without read on alarms does not see them at all.
    const blind = await tokenFor(t, stranger);
    expect((await t.request({ url: `/api/alarms/${id}`, token: blind })).status).toBe(403);
  });

  it('answers 404 for another tenant’s alarm on every route, changing nothing', async () => {
    const foreign = (await makeAlarm(t, { device: deviceB })).id;
    for (const [method, url, body] of [
      ['GET', `/api/alarms/${foreign}`, undefined],
      ['GET', `/api/alarms/${foreign}/assignees`, undefined],
      ['POST', `/api/alarms/${foreign}/acknowledge`, { comment: 'x' }],
      ['PUT', `/api/alarms/${foreign}/assignee`, { userId: adminA.user.id }],
      ['POST', `/api/alarms/${foreign}/notes`, { text: 'x' }],
      ['POST', `/api/alarms/${foreign}/close`, { reason: 'x' }],
      ['POST', `/api/alarms/acknowledge`, { ids: [foreign] }],
    ] as const)
      expect((await t.request({ method, url, token: adminA.token, body })).status, `${method} ${url}`).toBe(404);
    const row = await stored(foreign);
    expect([row.acknowledged_at, row.assigned_to, row.closed_at]).toEqual([null, null, null]);
    expect(await events(foreign)).toBe(0);
    // The root's administrator works on both.
    expect((await post(`/api/alarms/${foreign}/notes`, root.token, { text: 'merkezden' })).status).toBe(200);
  });

  it('lists whom an alarm may be given: read on alarms there, active, of a tenant the caller sees', async () => {
    const id = await alarmA({ type: 'BURST' });
    const res = await t.request({ url: `/api/alarms/${id}/assignees`, token: adminA.token });
    expect(res.status).toBe(200);
    const ids = res.body.items.map((u: { id: string }) => u.id);
    expect(ids).toContain(reader.user.id);
    expect(ids).toContain(adminA.user.id);
    expect(ids).not.toContain(stranger.id);
    expect(ids).not.toContain(adminB.user.id);
    // The root's staff hold the right at an ancestor, but a utility does not see them.
    expect(ids).not.toContain(root.user.id);
    const fromRoot = await t.request({ url: `/api/alarms/${id}/assignees`, token: root.token });
    expect(fromRoot.body.items.map((u: { id: string }) => u.id)).toContain(root.user.id);
    expect((await put(`/api/alarms/${id}/assignee`, root.token, { userId: root.user.id })).status).toBe(200);
    // Unassigning, and unassigning twice.
    const un = await put(`/api/alarms/${id}/assignee`, adminA.token, { userId: null });
    expect(un.status).toBe(200);
    expect(un.body.assignedTo).toBeNull();
    expect(un.body.timeline.map((e: { kind: string }) => e.kind)).toEqual(['RAISED', 'ASSIGNED', 'UNASSIGNED']);
    expect((await put(`/api/alarms/${id}/assignee`, adminA.token, { userId: null })).status).toBe(409);
  });

  it('bulk-acknowledges: all or nothing on access, per alarm on state', async () => {
    const fresh = await Promise.all(['TAMPER', 'TILT', 'LEAK'].map((type) => alarmA({ type: type as 'TAMPER' })));
    const taken = await alarmA({ type: 'LOW_BATTERY', acknowledgedBy: reader.user });
    const done = await alarmA({ type: 'HIGH_USAGE' });
    await post(`/api/alarms/${done}/close`, adminA.token, { reason: 'x' });
    const foreign = (await makeAlarm(t, { device: deviceB, type: 'TILT' })).id;

    // One invisible id: 404 and nothing acknowledged.
    const refused = await post(`/api/alarms/acknowledge`, adminA.token, { ids: [...fresh, foreign] });
    expect(refused.status).toBe(404);
    for (const id of fresh) expect((await stored(id)).acknowledged_at).toBeNull();

    const res = await post(`/api/alarms/acknowledge`, adminA.token, { ids: [...fresh, taken, done], comment: 'Toplu' });
    expect(res.status).toBe(200);
    expect(res.body.acknowledged).toBe(3);
    expect(res.body.items).toEqual([
      ...fresh.map((id) => ({ id, outcome: 'ACKNOWLEDGED' })),
      { id: taken, outcome: 'ALREADY_ACKNOWLEDGED' },
      { id: done, outcome: 'CLOSED' },
    ]);
    for (const id of fresh) {
      expect((await stored(id)).acknowledged_by).toBe(adminA.user.id);
      const detail = await t.request({ url: `/api/alarms/${id}`, token: adminA.token });
      expect(detail.body.timeline[1]).toMatchObject({ kind: 'ACKNOWLEDGED', text: 'Toplu' });
      expect(await audits(id)).toBe(1);
    }
    expect((await stored(taken)).acknowledged_by).toBe(reader.user.id);
  });

  it('filters by state and age, and assignee', async () => {
    const hour = 3_600_000;
    const old = await alarmA({ type: 'TAMPER', startedAt: new Date(Date.now() - 50 * hour), clearedAt: new Date(Date.now() - 49 * hour) });
    const young = await alarmA({ type: 'TILT', startedAt: new Date(Date.now() - 2 * hour) });
    const ids = async (query: string) => {
      const res = await t.request({ url: `/api/alarms?pageSize=200&${query}`, token: adminA.token });
      expect(res.status, query).toBe(200);
      return res.body.items.map((r: { id: string }) => r.id) as string[];
    };
    expect(await ids('minAgeHours=48')).toContain(old);
    expect(await ids('minAgeHours=48')).not.toContain(young);
    expect(await ids('maxAgeHours=3')).toContain(young);
    expect(await ids('maxAgeHours=3')).not.toContain(old);
    expect(await ids('minAgeHours=1&maxAgeHours=3')).toEqual(expect.arrayContaining([young]));
    expect(await ids('state=cleared')).toContain(old);
    expect(await ids('state=open')).toContain(young);
    expect(await ids('state=acknowledged')).not.toContain(young);
    expect(await ids('state=active')).not.toContain(old);
    await put(`/api/alarms/${young}/assignee`, adminA.token, { userId: adminA.user.id });
    expect(await ids('assignedTo=me')).toEqual([young]);
    expect(await ids(`assignedTo=${adminA.user.id}`)).toEqual([young]);
    expect(await ids('assignedTo=nobody')).not.toContain(young);
    for (const bad of ['minAgeHours=-1', 'maxAgeHours=x', 'minAgeHours=5&maxAgeHours=1', 'state=shut', 'assignedTo=someone']) {
      const res = await t.request({ url: `/api/alarms?${bad}`, token: adminA.token });
      expect(res.status, bad).toBe(400);
    }
  });

  it('tells the tenant’s room what was done, and no other tenant', async () => {
    const [watcherA, watcherB] = await Promise.all([connectLive(t.url, adminA.token), connectLive(t.url, adminB.token)]);
    try {
      const id = await alarmA({ type: 'TAMPER' });
      await post(`/api/alarms/${id}/acknowledge`, adminA.token, { comment: 'gördüm' });
      await put(`/api/alarms/${id}/assignee`, adminA.token, { userId: reader.user.id });
      await post(`/api/alarms/${id}/notes`, adminA.token, { text: 'not' });
      await post(`/api/alarms/${id}/close`, adminA.token, { reason: 'bitti' });
      const about = (name: string, change?: string) => (e: { name: string; payload: any }) =>
        e.name === name && e.payload.id === id && (change === undefined || e.payload.change === change);
      await watcherA.waitFor(about('alarm.acknowledged'));
      const assigned = await watcherA.waitFor(about('alarm.updated', 'ASSIGNED'));
      expect(assigned.payload).toMatchObject({ tenantId: a.id, assignedTo: reader.user.id, by: adminA.user.id });
      await watcherA.waitFor(about('alarm.updated', 'NOTE'));
      const closed = await watcherA.waitFor(about('alarm.updated', 'CLOSED'));
      expect(closed.payload.closedAt).toEqual(expect.any(String));
      await watcherA.waitFor(about('alarm.cleared'));
      expect(watcherB.events.filter((e) => e.payload?.id === id)).toEqual([]);
    } finally {
      watcherA.socket.close();
      watcherB.socket.close();
    }
  });
});
