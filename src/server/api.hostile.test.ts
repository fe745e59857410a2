/**
 * Malformed and hostile requests against the real server. Each one is answered with a 4xx (never
 * a 5xx) and the `{error, message}` body of API.md, stores nothing (the row count of every table
 * and the files under DATA_DIR/photos are the same before and after), and leaves the server
 * healthy (GET /api/health → 200).
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { connect } from 'node:net';
import { beforeAll, expect, it } from 'vitest';
import { ERRORS } from '../domain/errors';
import { describeEachEngine } from './storage/test-engines';
import {
  countRows,
  expectStatus,
  jpeg,
  photoFiles,
  sha256,
  site,
  useApiServer,
  type ErrorBody,
  type InspectionBody,
  type RawRequest,
  type RecheckBody,
  type Team,
} from './test-support/api-harness';

type Who = 'admin' | 'supervisor' | 'inspector' | 'rechecker';

interface HostileCase {
  name: string;
  status: number;
  error: string;
  request: () => RawRequest;
}

const MiB = 1024 * 1024;

/** A valid position fix; each hostile case spoils one field. */
const FIX = { lat: 33.7453, lng: 113.2951, accuracy: 15, at: '2021-07-05T02:00:00Z', stage: 'open' };

describeEachEngine(
  'malformed and hostile requests',
  (engine) => {
    const h = useApiServer(engine);
    let team: Team;
    let roundId: string;
    /** A valid inspection of station h-1 by the inspector, not stored: each case breaks one thing. */
    let inspection: InspectionBody;
    let rectificationId: string;
    let storedPhoto: string;
    /** Uploaded by the supervisor: known to the field users by its hash only. */
    let othersPhoto: string;

    const token = (who: Who) => team[who].token;
    /** A JSON request with the body as given (a string is sent verbatim). */
    const json = (method: string, path: string, body: unknown, who: Who = 'supervisor', type = 'application/json') => ({
      method,
      path,
      headers: { 'content-type': type },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      token: token(who),
    });
    const get = (path: string, who: Who = 'supervisor'): RawRequest => ({ method: 'GET', path, token: token(who) });
    /** The inspection with one change, PUT by its inspector under its own id. */
    const putInspection = (change: (body: InspectionBody) => unknown, id?: string) => {
      const body = structuredClone(inspection);
      const changed = change(body) ?? body;
      return json('PUT', `/api/inspections/${id ?? inspection.id}`, changed, 'inspector');
    };
    const answer = (body: InspectionBody, itemId: string) => body.answers.find((a) => a.itemId === itemId)!;
    const putRecheck = (change: (body: RecheckBody) => void) => {
      const body = h.fx.recheck(rectificationId, { verdict: 'fixed', photos: [storedPhoto] });
      change(body);
      return json('PUT', `/api/rechecks/${body.id}`, body, 'rechecker');
    };
    const photo = (path: string, body: string | Uint8Array, contentType?: string): RawRequest => ({
      method: 'PUT',
      path: `/api/photos/${path}`,
      headers: contentType ? { 'content-type': contentType } : {},
      body,
      token: token('inspector'),
    });
    const goodSite = site('station', 'h-new');
    const goodRound = {
      name: '第二轮',
      rubricVersion: '2021',
      rectifyBelow: 90,
      rectifyDays: 15,
      startsOn: '2021-08-01',
      endsOn: '2021-08-31',
    };
    const goodBulletin = {
      documentNumber: '锦创文办〔2021〕12号',
      issuer: '市创文办',
      issuedOn: null,
      text: null,
      attachmentOrder: 'districts',
      districtOrder: ['新华区'],
    };
    const goodUser = { username: 'newcomer', password: 'long-enough-1', displayName: '新人', role: 'inspector' };

    const CASES: HostileCase[] = [
      // Bodies that are not JSON, or not the JSON asked for.
      {
        name: 'malformed JSON',
        status: 400,
        error: 'malformed_json',
        request: () => json('PUT', '/api/sites', '[{"id": "s-9",'),
      },
      {
        name: 'malformed JSON at sign-in',
        status: 400,
        error: 'malformed_json',
        request: () => json('POST', '/api/session', '{"username": admin}'),
      },
      {
        name: 'an empty JSON body',
        status: 400,
        error: 'malformed_json',
        request: () => json('PUT', `/api/inspections/${inspection.id}`, '', 'inspector'),
      },
      {
        name: 'JSON null as the body',
        status: 400,
        error: 'invalid_request',
        request: () => json('PUT', '/api/sites', 'null'),
      },
      {
        name: 'a JSON string as the body',
        status: 400,
        error: 'invalid_request',
        request: () => json('PUT', '/api/sites', '"sites"'),
      },
      {
        name: 'an object where the site list is expected',
        status: 400,
        error: 'invalid_request',
        request: () => json('PUT', '/api/sites', goodSite),
      },
      {
        name: 'an empty site list',
        status: 400,
        error: 'invalid_request',
        request: () => json('PUT', '/api/sites', []),
      },
      {
        name: '5001 sites in one list',
        status: 400,
        error: 'invalid_request',
        request: () =>
          json(
            'PUT',
            '/api/sites',
            Array.from({ length: 5001 }, (_, n) => site('station', `bulk-${n}`)),
          ),
      },
      {
        name: 'a site without a name',
        status: 400,
        error: 'invalid_request',
        request: () => json('PUT', '/api/sites', [{ ...goodSite, name: undefined }]),
      },
      {
        name: 'a site type that does not exist',
        status: 400,
        error: 'invalid_request',
        request: () => json('PUT', '/api/sites', [{ ...goodSite, type: 'museum' }]),
      },
      {
        name: 'a number where the site name is expected',
        status: 400,
        error: 'invalid_request',
        request: () => json('PUT', '/api/sites', [{ ...goodSite, name: 123 }]),
      },
      {
        name: 'the same site twice in one list',
        status: 400,
        error: 'invalid_request',
        request: () => json('PUT', '/api/sites', [goodSite, goodSite]),
      },
      {
        name: 'a site id with path traversal',
        status: 400,
        error: 'invalid_request',
        request: () => json('PUT', '/api/sites', [{ ...goodSite, id: '../../etc/passwd' }]),
      },
      {
        name: 'a parent id with path traversal',
        status: 400,
        error: 'invalid_request',
        request: () => json('PUT', '/api/sites', [{ ...goodSite, parentId: '..\\..\\windows' }]),
      },
      {
        name: 'site lat 91',
        status: 400,
        error: 'invalid_request',
        request: () => json('PUT', '/api/sites', [{ ...goodSite, lat: 91 }]),
      },
      {
        name: 'site lng -181',
        status: 400,
        error: 'invalid_request',
        request: () => json('PUT', '/api/sites', [{ ...goodSite, lng: -181 }]),
      },
      {
        name: 'a 1 MB site name',
        status: 400,
        error: 'invalid_request',
        request: () => json('PUT', '/api/sites', [{ ...goodSite, name: '站'.repeat(MiB / 3) }]),
      },
      {
        name: 'a NUL character in a site name',
        status: 400,
        error: 'invalid_request',
        request: () => json('PUT', '/api/sites', [{ ...goodSite, name: 'a\u0000b' }]),
      },
      {
        name: 'a lone surrogate in a site name',
        status: 400,
        error: 'invalid_request',
        request: () =>
          json('PUT', '/api/sites', `[${JSON.stringify(goodSite).replace('"name":"', '"name":"\\ud800')}]`),
      },
      {
        name: '__proto__ in a body (prototype pollution)',
        status: 400,
        error: 'malformed_json',
        request: () =>
          json(
            'PUT',
            '/api/sites',
            `[{"__proto__": {"isAdmin": true}, "id": "h-p", "name": "p", "type": "station", "district": "x"}]`,
          ),
      },
      {
        name: 'constructor.prototype in a body (prototype pollution)',
        status: 400,
        error: 'malformed_json',
        request: () =>
          json('POST', '/api/users', `{"constructor": {"prototype": {"role": "admin"}}, "username": "x1"}`, 'admin'),
      },
      {
        name: 'JSON nested 100,000 levels deep',
        status: 400,
        error: 'invalid_request',
        request: () => json('PUT', '/api/sites', '['.repeat(100_000) + ']'.repeat(100_000)),
      },
      {
        name: 'a JSON body over 2 MiB',
        status: 413,
        error: 'payload_too_large',
        request: () => json('PUT', '/api/sites', [{ ...goodSite, address: 'x'.repeat(2 * MiB + 10) }]),
      },
      {
        name: 'JSON sent as text/plain',
        status: 415,
        error: 'unsupported_media_type',
        request: () => json('PUT', '/api/sites', [goodSite], 'supervisor', 'text/plain'),
      },
      {
        name: 'a form post instead of JSON',
        status: 415,
        error: 'unsupported_media_type',
        request: () =>
          json('POST', '/api/session', 'username=admin&password=x', 'supervisor', 'application/x-www-form-urlencoded'),
      },
      {
        name: 'a JPEG sent to a JSON route',
        status: 415,
        error: 'unsupported_media_type',
        request: () => ({
          ...json('PUT', `/api/inspections/${inspection.id}`, '', 'inspector', 'image/jpeg'),
          body: jpeg(),
        }),
      },

      // Sign-in, users, rounds and assignments.
      {
        name: 'an array as the sign-in username',
        status: 400,
        error: 'invalid_request',
        request: () => json('POST', '/api/session', { username: ['admin'], password: 'whatever-1' }),
      },
      {
        name: 'a 1 MB sign-in username',
        status: 400,
        error: 'invalid_request',
        request: () => json('POST', '/api/session', { username: 'a'.repeat(MiB), password: 'whatever-1' }),
      },
      {
        name: 'a NUL character in the sign-in username',
        status: 400,
        error: 'invalid_request',
        request: () => json('POST', '/api/session', { username: 'admin\u0000', password: 'whatever-1' }),
      },
      {
        name: 'a user with a 7-character password',
        status: 400,
        error: 'invalid_request',
        request: () => json('POST', '/api/users', { ...goodUser, password: 'short-7' }, 'admin'),
      },
      {
        name: 'a user with the role root',
        status: 400,
        error: 'invalid_request',
        request: () => json('POST', '/api/users', { ...goodUser, role: 'root' }, 'admin'),
      },
      {
        name: 'a username with a slash',
        status: 400,
        error: 'invalid_request',
        request: () => json('POST', '/api/users', { ...goodUser, username: '../admin' }, 'admin'),
      },
      {
        name: 'a username that is taken (any case)',
        status: 409,
        error: 'username_taken',
        request: () => json('POST', '/api/users', { ...goodUser, username: 'ADMIN' }, 'admin'),
      },
      {
        name: 'a round with rectifyBelow 101',
        status: 400,
        error: 'invalid_request',
        request: () => json('POST', '/api/rounds', { ...goodRound, rectifyBelow: 101 }),
      },
      {
        name: 'a round with rectifyBelow "90" (a string)',
        status: 400,
        error: 'invalid_request',
        request: () => json('POST', '/api/rounds', { ...goodRound, rectifyBelow: '90' }),
      },
      {
        name: 'a round starting on 2021-02-30',
        status: 400,
        error: 'invalid_request',
        request: () => json('POST', '/api/rounds', { ...goodRound, startsOn: '2021-02-30' }),
      },
      {
        name: 'a round ending before it starts',
        status: 400,
        error: 'invalid_request',
        request: () => json('POST', '/api/rounds', { ...goodRound, endsOn: '2021-07-01' }),
      },
      {
        name: 'a round of an unknown rubric version',
        status: 400,
        error: 'invalid_request',
        request: () => json('POST', '/api/rounds', { ...goodRound, rubricVersion: '2099' }),
      },
      {
        name: 'a round id that exists',
        status: 409,
        error: 'conflict',
        request: () => json('POST', '/api/rounds', { ...goodRound, id: roundId }),
      },
      {
        name: 'assignment of an unknown site',
        status: 400,
        error: 'invalid_request',
        request: () =>
          json('PUT', `/api/rounds/${roundId}/assignments`, [{ siteId: 'nowhere', userId: team.inspector.id }]),
      },
      {
        name: 'assignment of a site to a supervisor',
        status: 400,
        error: 'invalid_request',
        request: () =>
          json('PUT', `/api/rounds/${roundId}/assignments`, [{ siteId: 'h-1', userId: team.supervisor.id }]),
      },
      {
        name: 'assignments in a round that does not exist',
        status: 404,
        error: 'not_found',
        request: () => json('PUT', '/api/rounds/R-none/assignments', [{ siteId: 'h-1', userId: team.inspector.id }]),
      },

      // Inspections.
      {
        name: 'inspection: body id differs from the path id',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection(() => undefined, randomUUID()),
      },
      {
        name: 'inspection: a path id that is not a UUID',
        status: 400,
        error: 'invalid_id',
        request: () => putInspection(() => undefined, 'not-a-uuid'),
      },
      {
        name: 'inspection: path traversal in the id',
        status: 400,
        error: 'invalid_id',
        request: () => putInspection(() => undefined, '..%2F..%2Fetc%2Fpasswd'),
      },
      {
        name: 'inspection: NUL in the id',
        status: 400,
        error: 'invalid_id',
        request: () => putInspection(() => undefined, '%00'),
      },
      {
        name: 'inspection: revision 0',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection((b) => void (b.revision = 0)),
      },
      {
        name: 'inspection: revision 1.5',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection((b) => void (b.revision = 1.5)),
      },
      {
        name: 'inspection: revision "1"',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection((b) => ({ ...b, revision: '1' })),
      },
      {
        name: 'inspection: revision 1e400 (Infinity)',
        status: 400,
        error: 'invalid_request',
        request: () => ({
          ...putInspection(() => undefined),
          body: JSON.stringify(inspection).replace('"revision":1', '"revision":1e400'),
        }),
      },
      {
        name: 'inspection: submittedAt without an offset',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection((b) => void (b.submittedAt = '2021-07-05T10:00:00')),
      },
      {
        // A reset phone clock says 1970, which is kept; years before that (and the Shanghai date
        // of year 99 or 10000) cannot be a due date.
        name: 'inspection: submitted in the year 99, with every item to rectify',
        status: 400,
        error: 'invalid_request',
        request: () =>
          putInspection((b) => {
            b.startedAt = '0099-07-05T09:00:00Z';
            b.submittedAt = '0099-07-05T10:00:00Z';
            b.answers = b.answers.map(({ itemId }) => ({ itemId, grade: 'C#', photos: [storedPhoto] }));
          }),
      },
      {
        name: 'inspection: submitted on 9999-12-31 at 20:00 UTC (the year 10000 in Shanghai), every item to rectify',
        status: 400,
        error: 'invalid_request',
        request: () =>
          putInspection((b) => {
            b.startedAt = '9999-12-31T19:00:00Z';
            b.submittedAt = '9999-12-31T20:00:00Z';
            b.answers = b.answers.map(({ itemId }) => ({ itemId, grade: 'C#', photos: [storedPhoto] }));
          }),
      },
      {
        name: 'inspection: startedAt that is not a time',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection((b) => void (b.startedAt = 'yesterday')),
      },
      {
        name: 'inspection: location lat 91',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection((b) => void (b.location = { lat: 91, lng: 113.3 })),
      },
      {
        name: 'inspection: location lng -181',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection((b) => void (b.location = { lat: 33.7, lng: -181 })),
      },
      // Proof of presence: bad position fixes are refused whole, nothing stored.
      {
        name: 'inspection: a fix whose lat is the string "NaN"',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection((b) => void (b.fixes = [{ ...FIX, lat: 'NaN' }])),
      },
      {
        name: 'inspection: a fix whose lat is a bare NaN (not JSON)',
        status: 400,
        error: 'malformed_json',
        request: () =>
          putInspection((b) => JSON.stringify({ ...b, fixes: [{ ...FIX, lat: 0 }] }).replace('"lat":0', '"lat":NaN')),
      },
      {
        name: 'inspection: a fix whose lat is null',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection((b) => void (b.fixes = [{ ...FIX, lat: null }])),
      },
      {
        name: 'inspection: a fix at lat 91',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection((b) => void (b.fixes = [{ ...FIX, lat: 91 }])),
      },
      {
        name: 'inspection: a fix with a negative accuracy',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection((b) => void (b.fixes = [{ ...FIX, accuracy: -1 }])),
      },
      {
        name: 'inspection: a fix without its time',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection((b) => void (b.fixes = [{ ...FIX, at: undefined }])),
      },
      {
        name: 'inspection: a fix at an unknown stage',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection((b) => void (b.fixes = [{ ...FIX, stage: 'teleport' }])),
      },
      {
        name: 'inspection: 501 fixes',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection((b) => void (b.fixes = Array.from({ length: 501 }, () => FIX))),
      },
      {
        name: 'inspection: a site position at lng 200',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection((b) => void (b.sitePosition = { lat: 33.7, lng: 200 })),
      },
      {
        name: 'inspection: a photo source that is neither camera nor gallery',
        status: 400,
        error: 'invalid_request',
        request: () =>
          putInspection(
            (b) => void (b.photoMeta = { [storedPhoto]: { capturedAt: '2021-07-05T02:00:00Z', source: 'scanner' } }),
          ),
      },
      {
        name: 'inspection: an unknown round',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection((b) => void (b.roundId = 'R-none')),
      },
      {
        name: 'inspection: an unknown site',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection((b) => void (b.siteId = 'nowhere')),
      },
      {
        name: 'inspection: an unknown rubric version',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection((b) => void (b.rubricVersion = '2099')),
      },
      {
        name: 'inspection: an unknown item',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection((b) => void (answer(b, 'T20').itemId = 'T99')),
      },
      {
        name: 'inspection: an item of another site type',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection((b) => void (answer(b, 'T20').itemId = 'C20')),
      },
      {
        name: 'inspection: an item left unanswered',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection((b) => void b.answers.pop()),
      },
      {
        name: 'inspection: an item answered twice',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection((b) => void b.answers.push({ ...b.answers[0]! })),
      },
      {
        name: 'inspection: grade B on an item graded only A or C#',
        status: 400,
        error: 'invalid_request',
        request: () =>
          putInspection((b) => void Object.assign(answer(b, 'T01'), { grade: 'B', photos: [storedPhoto] })),
      },
      {
        name: 'inspection: grade D',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection((b) => ({ ...b, answers: b.answers.map((a) => ({ ...a, grade: 'D' })) })),
      },
      {
        name: 'inspection: NA where the item does not allow it',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection((b) => void (answer(b, 'T13').grade = 'NA')),
      },
      {
        name: 'inspection: a deduction without its required photo',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection((b) => void Object.assign(answer(b, 'T18'), { grade: 'C#', photos: [] })),
      },
      {
        name: 'inspection: a defect count on an item not graded by counting',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection((b) => void (answer(b, 'T01').defects = 0)),
      },
      {
        name: 'inspection: a defect count that gives another grade',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection((b) => void Object.assign(answer(b, 'T18'), { grade: 'A', defects: 50 })),
      },
      {
        name: 'inspection: an uppercase photo hash',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection((b) => void (answer(b, 'T16').photos = [storedPhoto.toUpperCase()])),
      },
      {
        name: 'inspection: a 63-digit photo hash',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection((b) => void (answer(b, 'T16').photos = [storedPhoto.slice(1)])),
      },
      {
        name: 'inspection: answers as an object',
        status: 400,
        error: 'invalid_request',
        request: () =>
          putInspection((b) => ({ ...b, answers: Object.fromEntries(b.answers.map((a) => [a.itemId, a])) })),
      },
      {
        name: 'inspection: an answer as an array',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection((b) => ({ ...b, answers: b.answers.map((a) => [a.itemId, a.grade]) })),
      },
      {
        name: 'inspection: the whole body as an array',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection((b) => [b]),
      },
      {
        name: 'inspection: a 100 kB note',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection((b) => void (answer(b, 'T01').note = '注'.repeat(100_000))),
      },
      {
        name: 'inspection: a NUL character in a note',
        status: 400,
        error: 'invalid_request',
        request: () => putInspection((b) => void (answer(b, 'T01').note = 'before\u0000after')),
      },

      // Photos.
      {
        name: 'photo: uppercase hex in the path',
        status: 400,
        error: 'invalid_hash',
        request: () => {
          const bytes = jpeg();
          return photo(sha256(bytes).toUpperCase(), bytes, 'image/jpeg');
        },
      },
      {
        name: 'photo: 63 hex digits in the path',
        status: 400,
        error: 'invalid_hash',
        request: () => {
          const bytes = jpeg();
          return photo(sha256(bytes).slice(1), bytes, 'image/jpeg');
        },
      },
      {
        name: 'photo: path traversal in the hash',
        status: 400,
        error: 'invalid_hash',
        request: () => photo('..%2F..%2Fetc%2Fpasswd', jpeg(), 'image/jpeg'),
      },
      {
        name: 'photo: NUL as the hash',
        status: 400,
        error: 'invalid_hash',
        request: () => photo('%00', jpeg(), 'image/jpeg'),
      },
      {
        name: 'photo: bytes that do not match the hash',
        status: 400,
        error: 'hash_mismatch',
        request: () => photo(sha256(jpeg()), jpeg(), 'image/jpeg'),
      },
      {
        name: 'photo: text bytes labelled image/jpeg',
        status: 415,
        error: 'unsupported_media_type',
        request: () => {
          const text = 'this is not a photo, only text pretending to be one';
          return photo(sha256(text), text, 'image/jpeg');
        },
      },
      {
        name: 'photo: sent as application/json',
        status: 415,
        error: 'unsupported_media_type',
        request: () => {
          const bytes = jpeg();
          return photo(sha256(bytes), bytes, 'application/json');
        },
      },
      {
        name: 'photo: sent as image/gif',
        status: 415,
        error: 'unsupported_media_type',
        request: () => {
          const bytes = jpeg();
          return photo(sha256(bytes), bytes, 'image/gif');
        },
      },
      {
        name: 'photo: sent without a content type',
        status: 415,
        error: 'unsupported_media_type',
        request: () => {
          const bytes = jpeg();
          return photo(sha256(bytes), bytes);
        },
      },
      {
        name: 'photo: an empty body',
        status: 415,
        error: 'unsupported_media_type',
        request: () => photo(sha256(''), new Uint8Array(0), 'image/jpeg'),
      },
      {
        name: 'photo: over 15 MiB',
        status: 413,
        error: 'payload_too_large',
        request: () => {
          const bytes = jpeg({ bytes: 15 * MiB + 1 });
          return photo(sha256(bytes), bytes, 'image/jpeg');
        },
      },
      {
        name: 'photo: a PNG declaring 60000×60000 pixels (an image bomb)',
        status: 413,
        error: 'image_too_large',
        request: () => {
          const bytes = pngDeclaring(60_000, 60_000);
          return photo(sha256(bytes), bytes, 'image/png');
        },
      },
      {
        name: 'photo: a JPEG declaring 9000×100 pixels (a side over 8192)',
        status: 413,
        error: 'image_too_large',
        request: () => {
          const bytes = jpegDeclaring(9000, 100);
          return photo(sha256(bytes), bytes, 'image/jpeg');
        },
      },
      {
        name: 'photo: a JPEG whose scan begins before any frame header (no size to read)',
        status: 415,
        error: 'unsupported_media_type',
        request: () => {
          const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xda, 0, 8, 1, 2, 3, 4, 5, 6, 0xff, 0xd9]);
          return photo(sha256(bytes), bytes, 'image/jpeg');
        },
      },
      {
        name: "inspection: citing another user's photo by its hash",
        status: 422,
        error: 'missing_photos',
        request: () => putInspection((b) => void (answer(b, 'T16').photos = [othersPhoto])),
      },

      // Rechecks.
      {
        name: "recheck: citing another user's photo by its hash",
        status: 422,
        error: 'missing_photos',
        request: () => putRecheck((b) => void (b.photos = [othersPhoto])),
      },
      {
        name: 'recheck: "fixed" without an after-photo',
        status: 400,
        error: 'invalid_request',
        request: () => putRecheck((b) => void (b.photos = [])),
      },
      {
        name: 'recheck: verdict "maybe"',
        status: 400,
        error: 'invalid_request',
        request: () => putRecheck((b) => void Object.assign(b, { verdict: 'maybe' })),
      },
      {
        name: 'recheck: an unknown rectification',
        status: 400,
        error: 'invalid_request',
        request: () => putRecheck((b) => void (b.rectificationId = 'R~nowhere~T01')),
      },
      {
        name: 'recheck: checkedAt without an offset',
        status: 400,
        error: 'invalid_request',
        request: () => putRecheck((b) => void (b.checkedAt = '2021-08-02 10:00')),
      },
      {
        name: 'recheck: body id differs from the path id',
        status: 400,
        error: 'invalid_request',
        request: () => ({ ...putRecheck(() => undefined), path: `/api/rechecks/${randomUUID()}` }),
      },

      // Reads with tricks in paths and queries.
      {
        name: 'report: path traversal in the round id',
        status: 404,
        error: 'not_found',
        request: () => get('/api/rounds/..%2F..%2Fetc%2Fpasswd/report'),
      },
      { name: 'round: NUL as the round id', status: 404, error: 'not_found', request: () => get('/api/rounds/%00') },
      {
        name: 'round: bad percent-encoding (a lone surrogate) in the round id',
        status: 400,
        error: 'invalid_request',
        request: () => get('/api/rounds/%ED%A0%80/assignments'),
      },
      {
        name: 'round: a 300-character round id',
        status: 404,
        error: 'not_found',
        request: () => get(`/api/rounds/${'r'.repeat(300)}/report`),
      },
      {
        name: 'round: a 5000-character round id',
        status: 404,
        error: 'not_found',
        request: () => get(`/api/rounds/${'r'.repeat(5000)}`),
      },
      {
        name: 'photo: a 300-character hash',
        status: 400,
        error: 'invalid_hash',
        request: () => get(`/api/photos/${'a'.repeat(300)}`),
      },
      {
        name: 'inspection read: a 300-character id',
        status: 400,
        error: 'invalid_id',
        request: () => get(`/api/inspections/${'a'.repeat(300)}`),
      },
      {
        name: 'user: NUL as the user id',
        status: 404,
        error: 'not_found',
        request: () => json('PATCH', '/api/users/%00', { displayName: 'x' }, 'admin'),
      },
      {
        name: 'rubric: path traversal in the version',
        status: 404,
        error: 'not_found',
        request: () => get('/api/rubrics/..%2F..%2Fpackage.json'),
      },
      {
        name: 'inspection read: an id that is not a UUID',
        status: 400,
        error: 'invalid_id',
        request: () => get('/api/inspections/..%2F..%2Fetc%2Fpasswd'),
      },
      {
        name: 'inspections: type=museum',
        status: 400,
        error: 'invalid_request',
        request: () => get('/api/inspections?type=museum'),
      },
      {
        name: 'inspections: NUL in the district filter',
        status: 400,
        error: 'invalid_request',
        request: () => get('/api/inspections?district=%00'),
      },
      {
        name: 'rectifications: status=maybe',
        status: 400,
        error: 'invalid_request',
        request: () => get('/api/rectifications?status=maybe'),
      },
      {
        name: 'sites: path traversal in roundId',
        status: 400,
        error: 'invalid_id',
        request: () => get('/api/sites?roundId=..%2Fx'),
      },
      {
        name: 'sites: roundId given twice',
        status: 400,
        error: 'invalid_id',
        request: () => get(`/api/sites?roundId=${roundId}&roundId=other`),
      },
      {
        name: 'a path under /api that names nothing',
        status: 404,
        error: 'not_found',
        request: () => get('/api/..%2F..%2Fetc%2Fpasswd'),
      },
      {
        name: 'password change: a new password of 7 characters',
        status: 400,
        error: 'invalid_request',
        request: () =>
          json(
            'PUT',
            '/api/session/password',
            { currentPassword: 'whatever-it-is', newPassword: 'seven77' },
            'inspector',
          ),
      },
      {
        name: 'password change: the new password equal to the current one',
        status: 400,
        error: 'invalid_request',
        request: () =>
          json('PUT', '/api/session/password', { currentPassword: 'same-password', newPassword: 'same-password' }),
      },
      {
        name: 'a bulletin paragraph of 1.5 MB',
        status: 400,
        error: 'invalid_request',
        request: () =>
          json('PUT', `/api/rounds/${roundId}/bulletin`, {
            ...goodBulletin,
            text: { opening: ['文'.repeat(500_000)], overview: [], ranking: [], problems: [], requirements: [] },
          }),
      },
      {
        name: 'a bulletin district order of objects',
        status: 400,
        error: 'invalid_request',
        request: () =>
          json('PUT', `/api/rounds/${roundId}/bulletin`, { ...goodBulletin, districtOrder: [{ district: '新华区' }] }),
      },
      {
        name: 'a bulletin district order naming no known district',
        status: 400,
        error: 'invalid_request',
        request: () =>
          json('PUT', `/api/rounds/${roundId}/bulletin`, { ...goodBulletin, districtOrder: ['新华区', '火星区'] }),
      },
      {
        name: 'a bulletin saved by an inspector',
        status: 403,
        error: 'forbidden',
        request: () => json('PUT', `/api/rounds/${roundId}/bulletin`, goodBulletin, 'inspector'),
      },
      {
        name: 'password change: no token',
        status: 401,
        error: 'unauthorized',
        request: () => ({
          ...json('PUT', '/api/session/password', { currentPassword: 'x-password', newPassword: 'y-password' }),
          token: undefined,
        }),
      },
      {
        name: 'a 10 kB bearer token',
        status: 401,
        error: 'unauthorized',
        request: () => ({
          method: 'GET',
          path: '/api/bootstrap',
          headers: { authorization: `Bearer ${'a'.repeat(10_000)}` },
        }),
      },
    ];

    beforeAll(async () => {
      team = await h.fx.team();
      const round = await h.fx.setUpRound(team.supervisor.token, {
        sites: [site('station', 'h-1'), site('station', 'h-2')],
        assignees: [team.inspector, team.rechecker],
      });
      roundId = round.id;
      // A stored inspection with a rectification (for the recheck cases) on h-2…
      const stored = await h.fx.submitInspection(team.inspector.token, {
        roundId,
        siteId: 'h-2',
        type: 'station',
        grades: { T16: 'C#', T18: 'C#' },
      });
      expectStatus(stored.response, 201, 'stored inspection');
      storedPhoto = stored.body.answers.find((a) => a.itemId === 'T16')!.photos[0]!;
      [othersPhoto] = (await h.fx.uploadPhotos(team.supervisor.token, [jpeg({ label: 'office only' })])) as [string];
      rectificationId = (await h.fx.rectifications(team.supervisor.token))[0]!.id;
      // …and a valid one for h-1, never stored: its photos are on the server already.
      inspection = h.fx.buildInspection({
        roundId,
        siteId: 'h-1',
        type: 'station',
        grades: { T16: 'C#' },
        photos: { T16: [] },
      }).body;
      answer(inspection, 'T16').photos = [storedPhoto];
    });

    it(`has at least 40 cases (${CASES.length})`, () => {
      expect(CASES.length).toBeGreaterThanOrEqual(40);
      expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    });

    it('the untouched inspection and recheck of the cases are accepted (emoji and Chinese are fine text)', async () => {
      // Guards the table: each case fails for its one change, not because the base is wrong.
      const before = await countRows(h.server.ctx);
      const copy = structuredClone({ ...inspection, id: randomUUID() });
      answer(copy, 'T01').note = '宣传栏破损 🙂';
      expectStatus(await h.api.put(`/api/inspections/${copy.id}`, copy, team.inspector.token), 201, 'base inspection');
      const recheck = h.fx.recheck(rectificationId, { verdict: 'fixed', photos: [storedPhoto] });
      expectStatus(await h.api.put(`/api/rechecks/${recheck.id}`, recheck, team.rechecker.token), 201, 'base recheck');
      const after = await countRows(h.server.ctx);
      expect([after.inspections, after.rechecks]).toEqual([before.inspections + 1, before.rechecks + 1]);
      const stored = await h.api.get<{ answers: { itemId: string; note?: string }[] }>(
        `/api/inspections/${copy.id}`,
        team.inspector.token,
      );
      expect(stored.body.answers.find((a) => a.itemId === 'T01')?.note).toBe('宣传栏破损 🙂');
    });

    it('a photo streamed over 15 MiB without Content-Length is cut off with 413 and leaves no file', async () => {
      const filesBefore = await photoFiles(h.server.dataDir);
      const bytes = jpeg({ bytes: 16 * MiB });
      const chunks = Array.from({ length: 16 }, (_, n) => bytes.subarray(n * MiB, (n + 1) * MiB));
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          const chunk = chunks.shift();
          if (chunk) controller.enqueue(chunk);
          else controller.close();
        },
      });
      const response = await fetch(`${h.server.baseUrl}/api/photos/${sha256(bytes)}`, {
        method: 'PUT',
        headers: { 'content-type': 'image/jpeg', authorization: `Bearer ${team.inspector.token}` },
        body,
        duplex: 'half',
      } as RequestInit).catch((error: unknown) => error as Error);
      // The server answers as soon as the limit is passed and closes the connection; a client
      // still sending may see that as a reset instead of the 413.
      if (response instanceof Response) {
        expect(response.status).toBe(413);
        expect(await response.json()).toMatchObject({ error: 'payload_too_large' });
      }
      await expect.poll(() => photoFiles(h.server.dataDir)).toEqual(filesBefore);
      expect((await h.api.get('/api/health')).status).toBe(200);
    });

    // Requests that Node's HTTP parser refuses before Fastify sees them, written on a raw socket.
    it.each([
      ['a Content-Length that is not a number', 'Content-Length: abc\r\n', 400, 'invalid_request'],
      ['headers over 16 KiB', `X-Padding: ${'x'.repeat(20_000)}\r\n`, 431, 'headers_too_large'],
    ] as const)('%s → %i %s, in the API error form', async (_name, header, status, error) => {
      const { port } = new URL(h.server.baseUrl);
      const answer = await rawExchange(Number(port), `GET /api/health HTTP/1.1\r\nHost: x\r\n${header}\r\n`);
      const [head = '', body = ''] = answer.split('\r\n\r\n');
      expect(head.split('\r\n')[0]).toBe(`HTTP/1.1 ${status} ${STATUS_CODES[status]}`);
      expect(head).toContain('Content-Type: application/json');
      expect(JSON.parse(body)).toEqual({ error, message: ERRORS[error].zh });
      expect((await h.api.get('/api/health')).status).toBe(200);
    });

    it.each(CASES)('$name → $status $error', async (entry) => {
      const { ctx, dataDir } = h.server;
      const rowsBefore = await countRows(ctx);
      const filesBefore = await photoFiles(dataDir);

      const response = await h.api.raw<ErrorBody>(entry.request());

      expect({ status: response.status, error: response.body?.error }).toEqual({
        status: entry.status,
        error: entry.error,
      });
      expect(response.body).toMatchObject({
        error: expect.any(String) as string,
        message: expect.any(String) as string,
      });
      expect(response.body.message.length).toBeGreaterThan(0);
      expect(await countRows(ctx)).toEqual(rowsBefore);
      expect(await photoFiles(dataDir)).toEqual(filesBefore);
      expect((await h.api.get('/api/health')).status).toBe(200);
    });
  },
  { openStorage: false },
);

/** A PNG signature and IHDR declaring width × height, then a little of nothing. */
function pngDeclaring(width: number, height: number): Buffer {
  const bytes = Buffer.alloc(437, 0);
  Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').copy(bytes);
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  return bytes;
}

/** SOI and a baseline frame header declaring width × height. */
function jpegDeclaring(width: number, height: number): Buffer {
  const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xc0, 0, 11, 8, 0, 0, 0, 0, 1, 1, 0x11, 0, 0xff, 0xd9]);
  bytes.writeUInt16BE(height, 7);
  bytes.writeUInt16BE(width, 9);
  return bytes;
}

/** Writes `request` on a new connection and reads until the server closes it. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}
