/**
 * The round's bulletin document on the real server, both engines: the office keeps the 文号,
 * issuer, date, edited paragraphs and the attachment's district order with the round; a repeated
 * PUT changes nothing; bad documents are a 400 that stores nothing; field users get 403; the
 * public ranking names the issuing office the bulletin names.
 */
import { beforeAll, expect, it } from 'vitest';
import type { AuditPage } from '../domain/audit';
import type { BulletinDocument, BulletinDocumentView } from '../domain/bulletin-document';
import type { PublicRanking } from '../domain/wire';
import { describeEachEngine } from './storage/test-engines';
import { countRows, expectStatus, site, useApiServer, type ErrorBody, type Team } from './test-support/api-harness';

const DOCUMENT: BulletinDocument = {
  documentNumber: '锦创文办〔2021〕12号',
  issuer: '锦州市创建全国文明城市工作指挥部办公室',
  issuedOn: '2021-08-02',
  text: {
    opening: ['2021年7月1日至31日，市创文办组织开展了模拟测评。现将有关情况通报如下：'],
    overview: ['本次测评覆盖3个站。', '另有1个点位尚未测评。'],
    ranking: ['新华区第一，卫东区第二。'],
    problems: ['（一）公益广告破损：2个点位在该项失分。'],
    requirements: ['请各区于8月15日前报送整改情况。'],
  },
  attachmentOrder: 'districts',
  districtOrder: ['卫东区', '新华区'],
};

describeEachEngine(
  'bulletin documents',
  (engine) => {
    const h = useApiServer(engine);
    let team: Team;
    const path = '/api/rounds/BUL/bulletin';

    beforeAll(async () => {
      team = await h.fx.team();
      await h.fx.setUpRound(team.supervisor.token, {
        round: { id: 'BUL' },
        sites: [
          site('station', 'bul-1', '新华区'),
          site('station', 'bul-2', '卫东区'),
          site('station', 'bul-3', '湖滨区'),
        ],
        assignees: [team.inspector],
      });
      await h.fx.createRound(team.supervisor.token, { id: 'BUL-OTHER' });
      await h.fx.submitInspection(team.inspector.token, {
        roundId: 'BUL',
        siteId: 'bul-1',
        type: 'station',
        grades: { T16: 'C#' },
      });
    });

    it('gives the defaults while the office has saved nothing', async () => {
      const response = expectStatus(await h.api.get<BulletinDocumentView>(path, team.supervisor.token), 200, 'get');
      expect(response.body).toEqual({
        roundId: 'BUL',
        documentNumber: '',
        issuer: '市创文办',
        issuedOn: null,
        text: null,
        attachmentOrder: 'ranking',
        districtOrder: [],
        updatedAt: null,
        updatedBy: null,
      });
    });

    it('keeps the document with its round; the same PUT again changes nothing, a change is saved', async () => {
      const saved = expectStatus(
        await h.api.put<BulletinDocumentView>(path, DOCUMENT, team.supervisor.token),
        200,
        'first save',
      );
      expect(saved.body).toMatchObject({ roundId: 'BUL', ...DOCUMENT, updatedBy: team.supervisor.id });
      expect((await h.api.get<BulletinDocumentView>(path, team.admin.token)).body).toEqual(saved.body);

      h.clock.advance(60_000);
      const again = await h.api.put<BulletinDocumentView>(path, DOCUMENT, team.admin.token);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(saved.body);

      const edited = { ...DOCUMENT, text: { ...DOCUMENT.text!, requirements: ['  请于8月20日前报送。  '] } };
      const changed = await h.api.put<BulletinDocumentView>(path, edited, team.admin.token);
      expect(changed.body.text?.requirements).toEqual(['请于8月20日前报送。']);
      expect(changed.body.updatedBy).toBe(team.admin.id);
      expect(changed.body.updatedAt! > saved.body.updatedAt!).toBe(true);
      // Another round's document is its own.
      expect(
        (await h.api.get<BulletinDocumentView>('/api/rounds/BUL-OTHER/bulletin', team.admin.token)).body.text,
      ).toBe(null);
      expectStatus(await h.api.put(path, DOCUMENT, team.supervisor.token), 200, 'restore');
      // Logged once per change (first save, edit, restore), never for a save that changed nothing.
      const log = await h.api.get<AuditPage>('/api/audit?roundId=BUL&action=bulletin.saved', team.admin.token);
      expect(log.body.entries.map((entry) => entry.actorId)).toEqual([
        team.supervisor.id,
        team.admin.id,
        team.supervisor.id,
      ]);
    });

    it('goes back to generated paragraphs when the office saves text null', async () => {
      const regenerated = await h.api.put<BulletinDocumentView>(
        path,
        { ...DOCUMENT, text: null },
        team.supervisor.token,
      );
      expect(regenerated.body.text).toBeNull();
      expect(regenerated.body.documentNumber).toBe(DOCUMENT.documentNumber);
      expectStatus(await h.api.put(path, DOCUMENT, team.supervisor.token), 200, 'restore');
    });

    it.each([
      [
        'a paragraph over 4,000 characters',
        { text: { ...DOCUMENT.text!, overview: ['文'.repeat(4001)] } },
        'text.overview.0',
      ],
      ['41 paragraphs in a section', { text: { ...DOCUMENT.text!, ranking: Array(41).fill('段落') } }, 'text.ranking'],
      ['an empty paragraph', { text: { ...DOCUMENT.text!, opening: ['   '] } }, 'text.opening.0'],
      ['a section missing', { text: { opening: [], overview: [], ranking: [], problems: [] } }, 'text.requirements'],
      ['a district listed twice', { districtOrder: ['卫东区', '新华区', '卫东区'] }, 'districtOrder'],
      ['a district no site is in', { districtOrder: ['卫东区', '不存在区'] }, 'districtOrder.1'],
      ['a district order that is not a list', { districtOrder: '卫东区,新华区' }, 'districtOrder'],
      ['a district that is not text', { districtOrder: ['卫东区', 7] }, 'districtOrder.1'],
      ['501 districts', { districtOrder: Array.from({ length: 501 }, (_, n) => `区${n}`) }, 'districtOrder'],
      ['an unknown attachment order', { attachmentOrder: 'alphabet' }, 'attachmentOrder'],
      ['a 61-character document number', { documentNumber: '号'.repeat(61) }, 'documentNumber'],
      ['an empty issuer', { issuer: ' ' }, 'issuer'],
      ['a date that is not one', { issuedOn: '2021-02-30' }, 'issuedOn'],
    ])('refuses %s with a 400 and stores nothing', async (_name, change, issuePath) => {
      const before = await countRows(h.server.ctx);
      const stored = (await h.api.get<BulletinDocumentView>(path, team.supervisor.token)).body;
      const response = await h.api.put<ErrorBody>(path, { ...DOCUMENT, ...change }, team.supervisor.token);
      expect(response.status).toBe(400);
      expect(response.body.error).toBe('invalid_request');
      expect(response.body.issues?.map((issue) => issue.path)).toContain(issuePath);
      expect(await countRows(h.server.ctx)).toEqual(before);
      expect((await h.api.get<BulletinDocumentView>(path, team.supervisor.token)).body).toEqual(stored);
    });

    it('answers 404 for an unknown round and 403 to field users, storing nothing', async () => {
      expect((await h.api.get('/api/rounds/NOPE/bulletin', team.supervisor.token)).status).toBe(404);
      expect((await h.api.put('/api/rounds/NOPE/bulletin', DOCUMENT, team.supervisor.token)).status).toBe(404);
      for (const who of ['inspector', 'rechecker'] as const) {
        expect((await h.api.get(path, team[who].token)).status).toBe(403);
        const refused = await h.api.put(path, { ...DOCUMENT, documentNumber: '假文号' }, team[who].token);
        expect(refused.status).toBe(403);
      }
      expect((await h.api.get<BulletinDocumentView>(path, team.admin.token)).body.documentNumber).toBe(
        DOCUMENT.documentNumber,
      );
    });

    it('names the issuing office on the public ranking page, as saved now', async () => {
      const published = await h.api.post<{ token: string }>(
        '/api/rounds/BUL-OTHER/publication',
        {},
        team.supervisor.token,
      );
      const publicPath = `/api/public/rankings/${published.body.token}`;
      expect((await h.api.get<PublicRanking>(publicPath)).body.issuer).toBeNull();

      const ours = await h.api.post<{ token: string }>('/api/rounds/BUL/publication', {}, team.supervisor.token);
      const page = await h.api.get<PublicRanking>(`/api/public/rankings/${ours.body.token}`);
      expect(page.body.issuer).toBe(DOCUMENT.issuer);
      expect(page.body.districts.map((row) => row.district).sort()).toEqual(['卫东区', '新华区', '湖滨区'].sort());

      await h.api.put(path, { ...DOCUMENT, issuer: '锦州市文明办' }, team.supervisor.token);
      expect((await h.api.get<PublicRanking>(`/api/public/rankings/${ours.body.token}`)).body.issuer).toBe(
        '锦州市文明办',
      );
    });
  },
  { openStorage: false },
);
