/**
 * Fixtures through the API: users of every role created and signed in, sites upserted, rounds
 * created, assignments, valid inspections built from the real rubric (photos where the rubric
 * needs them), rechecks; and the request bodies' types as the suites write them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { AnswerGrade } from '../../domain/grades';
import type { SiteType } from '../../domain/rubric';
import type { Role, Round, StoredInspection, User } from '../../domain/wire';
import type { RubricStore } from '../rubric-store';
import { expectStatus, type ApiClient } from './http-client';
import { jpeg, sha256 } from './jpeg-bytes';

/** The first admin's password on every test server. */
export const ADMIN_PASSWORD = 'admin-secret-2021';
/** The rubric the fixtures build inspections from (`rubric/`). */
export const RUBRIC_VERSION = '2021';

export interface Actor extends User {
  password: string;
  token: string;
}

export type Team = Record<Role, Actor>;

export interface SiteInput {
  id: string;
  name: string;
  type: SiteType;
  district: string;
  parentId?: string | null;
  address?: string | null;
  lat?: number | null;
  lng?: number | null;
}

export interface RoundInput {
  id?: string;
  name?: string;
  rubricVersion?: string;
  rectifyBelow?: number;
  rectifyDays?: number;
  startsOn?: string;
  endsOn?: string;
  approvedOnly?: boolean;
}

/** A round as the server answers it: the wire's own type, declared once (src/domain/wire.ts). */
export type RoundView = Round;

export interface AnswerBody {
  itemId: string;
  grade: AnswerGrade;
  defects?: number;
  note?: string;
  photos: string[];
}

export interface InspectionBody {
  id: string;
  revision: number;
  roundId: string;
  siteId: string;
  rubricVersion: string;
  startedAt: string;
  submittedAt: string;
  location?: { lat: number; lng: number; accuracy?: number };
  answers: AnswerBody[];
  /** Proof of presence (docs/API.md); `unknown` so hostile tests can send anything. */
  fixes?: unknown;
  sitePosition?: unknown;
  photoMeta?: unknown;
}

export interface InspectionSpec {
  roundId: string;
  siteId: string;
  type: SiteType;
  /** Items not named are graded A. */
  grades?: Record<string, AnswerGrade>;
  /** Photos per item (defaults: one fresh JPEG per deduction on a photo-required item). */
  photos?: Record<string, Buffer[]>;
  id?: string;
  revision?: number;
  startedAt?: string;
  submittedAt?: string;
  location?: InspectionBody['location'];
}

export interface BuiltInspection {
  body: InspectionBody;
  /** The photo bytes the body references, to upload before the PUT. */
  photos: Buffer[];
}

/** The answer to `PUT /api/inspections/{id}` (domain/wire.ts). */
export type StoredSummary = StoredInspection;

export interface RectificationView {
  id: string;
  roundId: string;
  siteId: string;
  itemId: string;
  grade: string;
  dueOn: string;
  status: 'open' | 'closed';
  beforePhotos: string[];
  lastVerdict?: { id: string; verdict: string; checkedAt: string };
}

export interface RecheckBody {
  id: string;
  rectificationId: string;
  verdict: 'fixed' | 'not_fixed';
  note?: string;
  photos: string[];
  checkedAt: string;
}

let userCounter = 0;

/** Expects a status; on a surprise, fails with the response body in the message. */

export class Fixtures {
  constructor(
    readonly api: ApiClient,
    readonly rubrics: RubricStore,
  ) {}

  async signIn(username: string, password: string): Promise<Actor> {
    const response = expectStatus(
      await this.api.post<{ token: string; user: User }>('/api/session', { username, password }),
      200,
      `sign in ${username}`,
    );
    return { ...response.body.user, password, token: response.body.token };
  }

  signInAdmin(): Promise<Actor> {
    return this.signIn('admin', ADMIN_PASSWORD);
  }

  /** Creates a user through `POST /api/users` (as the given admin) and signs them in. */
  async createUser(adminToken: string, role: Role, options: { username?: string; password?: string } = {}) {
    const username = options.username ?? `${role}-${++userCounter}-${randomBytes(3).toString('hex')}`;
    const password = options.password ?? `pw-${randomBytes(9).toString('base64url')}`;
    expectStatus(
      await this.api.post('/api/users', { username, password, displayName: `测试${role}`, role }, adminToken),
      201,
      `create ${role}`,
    );
    return this.signIn(username, password);
  }

  /** One signed-in user of every role (the admin is the server's first one). */
  async team(): Promise<Team> {
    const admin = await this.signInAdmin();
    const [supervisor, inspector, rechecker, unit, reporter] = await Promise.all([
      this.createUser(admin.token, 'supervisor'),
      this.createUser(admin.token, 'inspector'),
      this.createUser(admin.token, 'rechecker'),
      this.createUser(admin.token, 'unit'),
      this.createUser(admin.token, 'reporter'),
    ]);
    return { admin, supervisor, inspector, rechecker, unit, reporter };
  }

  async upsertSites(token: string, sites: SiteInput[]): Promise<void> {
    expectStatus(await this.api.put('/api/sites', sites, token), 200, 'upsert sites');
  }

  async createRound(token: string, input: RoundInput = {}): Promise<RoundView> {
    const response = await this.api.post<RoundView>(
      '/api/rounds',
      {
        name: '2021年7月模拟测评',
        rubricVersion: RUBRIC_VERSION,
        rectifyBelow: 90,
        rectifyDays: 15,
        startsOn: '2021-07-01',
        endsOn: '2021-07-31',
        // No `approvedOnly`: as a v1 client sends it, so every suite written before review (issue
        // #18) checks that results still count as they arrive; review's own suites ask for it.
        ...input,
      },
      token,
    );
    return expectStatus(response, 201, 'create round').body;
  }

  async assign(token: string, roundId: string, pairs: { siteId: string; userId: string }[]): Promise<void> {
    expectStatus(
      await this.api.put(`/api/rounds/${encodeURIComponent(roundId)}/assignments`, pairs, token),
      200,
      'assign',
    );
  }

  /** Sites, a round and assignments in one go: every site assigned to every given user. */
  async setUpRound(
    office: string,
    options: { round?: RoundInput; sites: SiteInput[]; assignees: { id: string }[] },
  ): Promise<RoundView> {
    await this.upsertSites(office, options.sites);
    const round = await this.createRound(office, options.round);
    const pairs = options.sites.flatMap((site) =>
      options.assignees.map((user) => ({ siteId: site.id, userId: user.id })),
    );
    if (pairs.length > 0) await this.assign(office, round.id, pairs);
    return round;
  }

  /** A complete, valid inspection of the real rubric: every item A except `grades`. */
  buildInspection(spec: InspectionSpec): BuiltInspection {
    const file = this.rubrics.get(RUBRIC_VERSION)?.types[spec.type];
    if (!file) throw new Error(`no rubric ${RUBRIC_VERSION}/${spec.type}`);
    for (const itemId of Object.keys(spec.grades ?? {})) {
      if (!file.items.some((item) => item.id === itemId)) throw new Error(`no item ${itemId} in ${spec.type}`);
    }
    const photos: Buffer[] = [];
    const answers = file.items.map((item): AnswerBody => {
      const grade = spec.grades?.[item.id] ?? 'A';
      const deducted = grade !== 'A' && grade !== 'NA';
      const itemPhotos =
        spec.photos?.[item.id] ??
        (deducted && item.photoRequired ? [jpeg({ label: `${spec.siteId} ${item.id}` })] : []);
      photos.push(...itemPhotos);
      return { itemId: item.id, grade, photos: itemPhotos.map((bytes) => sha256(bytes)) };
    });
    const submittedAt = spec.submittedAt ?? '2021-07-05T02:00:00.000Z';
    return {
      body: {
        id: spec.id ?? randomUUID(),
        revision: spec.revision ?? 1,
        roundId: spec.roundId,
        siteId: spec.siteId,
        rubricVersion: RUBRIC_VERSION,
        startedAt: spec.startedAt ?? new Date(Date.parse(submittedAt) - 30 * 60_000).toISOString(),
        submittedAt,
        ...(spec.location && { location: spec.location }),
        answers,
      },
      photos,
    };
  }

  /** Uploads photos (201 or 200 each) and returns their hashes. */
  async uploadPhotos(token: string, photos: readonly Buffer[]): Promise<string[]> {
    return Promise.all(
      photos.map(async (bytes) => {
        const response = await this.api.putPhoto(bytes, token);
        if (response.status !== 201 && response.status !== 200) expectStatus(response, 201, 'upload photo');
        return sha256(bytes);
      }),
    );
  }

  /** Builds an inspection, uploads its photos, PUTs it; the response (201 expected by callers). */
  async submitInspection(token: string, spec: InspectionSpec) {
    const built = this.buildInspection(spec);
    await this.uploadPhotos(token, built.photos);
    const response = await this.api.put<StoredSummary>(`/api/inspections/${built.body.id}`, built.body, token);
    return { ...built, response };
  }

  async rectifications(token: string, query = ''): Promise<RectificationView[]> {
    const response = await this.api.get<RectificationView[]>(`/api/rectifications${query}`, token);
    return expectStatus(response, 200, 'list rectifications').body;
  }

  /** A recheck body; without `photos` in `over` it has none, which the server refuses (400) for either verdict. */
  recheck(rectificationId: string, over: Partial<RecheckBody> = {}): RecheckBody {
    return {
      id: randomUUID(),
      rectificationId,
      verdict: 'not_fixed',
      photos: [],
      checkedAt: '2021-08-02T02:00:00.000Z',
      ...over,
    };
  }
}

/** A station, institute or center to upsert: `site('station', 's1')`. */
export function site(type: SiteType, id: string, district = '新华区', extra: Partial<SiteInput> = {}): SiteInput {
  const names: Record<SiteType, string> = {
    center: '新时代文明实践中心',
    institute: '新时代文明实践所',
    station: '新时代文明实践站',
  };
  return { id, name: `${district}${id}${names[type]}`, type, district, ...extra };
}
