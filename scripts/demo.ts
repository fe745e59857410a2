/**
 * `npm run demo`: loads a realistic sample into the configured database (the server's DATA_DIR
 * and DATABASE_URL; the server need not run) so that a new user can sign in and try every
 * role at once: six districts with 6 centers, 43 institutes and 115 stations, demo users for
 * every role, the round "2021年7月新时代文明实践阵地模拟测评" with every site assigned, and
 * submitted inspections with evidence photos that give the supervisor a full report at once —
 * except a few stations of inspector1, left for the demo inspector to do (`--all` inspects
 * them too). Some rectifications of 高新区 are already rechecked, so closure progress shows; the
 * results are in every review state (demo/reviews.ts).
 *
 * Everything goes through the server's own code — createUser, putInspection (scoring,
 * validation, assignment check, rectifications), putRecheck, the photo store — so demo data
 * cannot disagree with the server's rules. Idempotent: ids are stable (sites and round by code,
 * inspections and rechecks by UUIDs derived from them), what exists is skipped, and a second run
 * changes nothing. It refuses to touch a database that holds other people's users or rounds
 * unless given `--force`: demo accounts have a published password.
 *
 *   npm run demo                  # then npm start, sign in as supervisor / demo-password
 *   npm run demo -- --all         # also inspect inspector1's remaining stations (all full marks)
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import type { Kysely } from 'kysely';
import { inspectionSchema, recheckSchema, type InspectionInput, type Recheck } from '../src/domain/wire';
import { gradeForDefects, type RubricItem } from '../src/domain/rubric';
import { scoreInspection } from '../src/domain/scoring';
import type { RoundReport } from '../src/domain/report';
import type { SignedInUser } from '../src/server/auth/guard';
import { createUser, ensureAdmin } from '../src/server/auth/users';
import { readConfig, serverUrl } from '../src/server/config';
import type { ServerContext } from '../src/server/context';
import { loadRubrics, type RubricStore } from '../src/server/rubric-store';
import { putInspection } from '../src/server/services/inspections';
import { recordUpload } from '../src/server/services/photo-uploads';
import { putRecheck } from '../src/server/services/rechecks';
import { roundReport } from '../src/server/services/reports';
import { openDatabase, type Storage } from '../src/server/storage/database';
import { createPhotoStore, type PhotoStore } from '../src/server/storage/photo-store';
import type { Database } from '../src/server/storage/schema';
import { loadCitizenReports } from './demo/citizen';
import { reviewDemoResults } from './demo/reviews';
import { encodeJpeg, halve, paintEvidencePhoto } from './demo/jpeg';
import { cityDateTime, cityIsoInstant } from '../src/domain/dates';
import {
  DEMO_PASSWORD,
  DEMO_ROUND,
  DEMO_USERS,
  demoSites,
  SUPERVISOR,
  DISTRICTS,
  type DemoSite,
  type DemoUser,
  type Finding,
} from './demo/sample';

export { DEMO_PASSWORD, DEMO_ROUND } from './demo/sample';

export interface DemoOptions {
  dataDir: string;
  databaseUrl?: string | undefined;
  rubricDir: string;
  /** Password of `admin` when this run creates it (fresh database): ADMIN_PASSWORD, else the demo password. */
  adminPassword?: string | undefined;
  /** Also inspect the stations left for inspector1. */
  inspectAll?: boolean;
  /** Load into a database that holds users or rounds of its own. */
  force?: boolean;
  log?: (line: string) => void;
  /** Where the server will be, for the closing hint: `serverUrl` of the configuration (HOST, PORT). */
  serverUrl?: string;
}

export interface DemoCounts {
  users: number;
  sites: number;
  rounds: number;
  assignments: number;
  photos: number;
  inspections: number;
  rechecks: number;
  citizenReports: number;
  reviews: number;
}

export interface DemoResult {
  created: DemoCounts;
  existing: DemoCounts;
  /** True when this run created `admin` (a fresh database). */
  adminCreated: boolean;
  /** Sites whose inspection was skipped because someone else already inspected them in the round. */
  inspectedByOthers: string[];
  /** Stations of inspector1 still to inspect. */
  leftToInspect: string[];
  report: RoundReport;
}

export class DemoRefused extends Error {
  override name = 'DemoRefused';
}

// Colours of the evidence photos by rubric category.
const TINTS: Record<string, readonly [number, number, number]> = {
  SITE: [176, 112, 56],
  ORG: [188, 36, 40],
  VOL: [222, 92, 28],
  ACT: [40, 98, 176],
  PUB: [200, 48, 64],
  ENV: [84, 128, 88],
};

const RECHECKED_DISTRICT = 'GX';
const RECHECKER_OF_RECHECKED_DISTRICT = 'rechecker2';

export async function loadDemo(options: DemoOptions): Promise<DemoResult> {
  const log = options.log ?? (() => {});
  const rubrics = await loadRubrics(options.rubricDir);
  const storage = await openDatabase({ dataDir: options.dataDir, databaseUrl: options.databaseUrl });
  try {
    return await load(storage, rubrics, createPhotoStore(options.dataDir), options, log);
  } finally {
    await storage.close();
  }
}

async function load(
  storage: Storage,
  rubrics: RubricStore,
  photos: PhotoStore,
  options: DemoOptions,
  log: (line: string) => void,
): Promise<DemoResult> {
  const { db } = storage;
  const created = zeroCounts();
  const existing = zeroCounts();
  const count = (what: keyof DemoCounts, wasCreated: boolean) => (wasCreated ? created : existing)[what]++;
  const rubric = rubrics.get(DEMO_ROUND.rubricVersion);
  if (!rubric) throw new Error(`rubric ${DEMO_ROUND.rubricVersion} not found in ${options.rubricDir}`);
  const contextAt = (at: string): ServerContext => ({
    db,
    engine: storage.engine,
    photos,
    rubrics,
    now: () => new Date(at),
  });

  if (!options.force) await refuseForeignData(db);

  // Users: `admin` as the server's first start would create it, then the demo's accounts.
  const admin = await ensureAdmin(db, options.adminPassword ?? DEMO_PASSWORD, new Date());
  const users = new Map<string, SignedInUser>();
  const rows = await db.selectFrom('users').select(['id', 'username', 'display_name', 'role']).execute();
  for (const row of rows) users.set(row.username, signedIn(row));
  for (const user of DEMO_USERS) {
    if (users.has(user.username)) {
      count('users', false);
      continue;
    }
    const made = await createUser(db, { ...user, password: DEMO_PASSWORD }, new Date());
    users.set(user.username, { ...made, tokenHash: '' });
    count('users', true);
  }
  const userId = (username: string) => users.get(username)?.id ?? fail(`user ${username} missing`);

  // Sites, upserted as PUT /api/sites would insert them; existing ones are left as they are.
  const sites = demoSites();
  const sitesUpdatedAt = '2021-07-01T01:00:00.000Z';
  await db.transaction().execute(async (trx) => {
    for (const site of sites) {
      const result = await trx
        .insertInto('sites')
        .values({
          id: site.id,
          name: site.name,
          type: site.type,
          district: site.district,
          parent_id: site.parentId,
          address: site.address,
          lat: site.lat,
          lng: site.lng,
          updated_at: sitesUpdatedAt,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      count('sites', Number(result.numInsertedOrUpdatedRows ?? 0) > 0);
    }
  });

  // The round, as POST /api/rounds stores it.
  const round = await db
    .insertInto('rounds')
    .values({
      id: DEMO_ROUND.id,
      name: DEMO_ROUND.name,
      rubric_version: DEMO_ROUND.rubricVersion,
      rectify_below: DEMO_ROUND.rectifyBelow,
      rectify_days: DEMO_ROUND.rectifyDays,
      starts_on: DEMO_ROUND.startsOn,
      ends_on: DEMO_ROUND.endsOn,
      created_at: '2021-07-02T01:00:00.000Z',
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  count('rounds', Number(round.numInsertedOrUpdatedRows ?? 0) > 0);

  // Assignments: every site to its district's inspector, the sites under rectification also to a rechecker.
  const pairs = sites.flatMap((site) => [
    { siteId: site.id, userId: userId(site.inspector) },
    ...(site.poor ? [{ siteId: site.id, userId: userId(site.rechecker) }] : []),
  ]);
  await db.transaction().execute(async (trx) => {
    for (const pair of pairs) {
      const result = await trx
        .insertInto('assignments')
        .values({ round_id: DEMO_ROUND.id, site_id: pair.siteId, user_id: pair.userId })
        .onConflict((oc) => oc.columns(['round_id', 'site_id', 'user_id']).doNothing())
        .executeTakeFirst();
      count('assignments', Number(result.numInsertedOrUpdatedRows ?? 0) > 0);
    }
  });

  // Photos: uploaded as PUT /api/photos does (photo store, then the photos row).
  const storePhoto = async (bytes: Buffer, uploadedBy: string, at: string): Promise<string> => {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const row = await db.selectFrom('photos').select('sha256').where('sha256', '=', sha256).executeTakeFirst();
    // Already stored: still record this user as an uploader (what they may cite).
    const saved =
      row && (await photos.hasPhoto(sha256))
        ? { sha256, bytes: bytes.length, contentType: 'image/jpeg' as const }
        : await photos.savePhoto(sha256, Readable.from([bytes]));
    count('photos', await recordUpload(db.transaction(), saved, uploadedBy, new Date(at)));
    return sha256;
  };

  // Inspections, through the server's own service, as each district's inspector.
  const inspectedByOthers: string[] = [];
  const leftToInspect: string[] = [];
  const demoInspections: Parameters<typeof reviewDemoResults>[1][number][] = [];
  for (const [siteIndex, site] of sites.entries()) {
    if (site.heldBack && !options.inspectAll) {
      const done = await db
        .selectFrom('inspections')
        .select('id')
        .where('round_id', '=', DEMO_ROUND.id)
        .where('site_id', '=', site.id)
        .executeTakeFirst();
      if (!done) leftToInspect.push(site.id);
      continue;
    }
    const id = stableUuid(`inspection/${DEMO_ROUND.id}/${site.id}`);
    const other = await db
      .selectFrom('inspections')
      .select('id')
      .where('round_id', '=', DEMO_ROUND.id)
      .where('site_id', '=', site.id)
      .where('id', '!=', id)
      .executeTakeFirst();
    if (other) {
      inspectedByOthers.push(site.id);
      continue;
    }
    // Loaded by an earlier run (perhaps of an older demo, whose body differs: no thumbnails): kept.
    const loaded = await db.selectFrom('inspections').select('id').where('id', '=', id).executeTakeFirst();
    // Proof of presence: a few sites were inspected from afar or with gallery pictures (flags).
    const oddity = presenceOddity(siteIndex);
    demoInspections.push({ site, siteIndex, inspectionId: id, flagged: oddity !== undefined });
    if (loaded) {
      count('inspections', false);
      continue;
    }
    const items = rubric.types[site.type].items;
    checkPlan(site, items);
    const inspector = users.get(site.inspector)!;
    const submitted = new Date(site.submittedAt);
    const answers: InspectionInput['answers'] = [];
    const thumbnails: Record<string, string> = {};
    const photoMeta: NonNullable<InspectionInput['photoMeta']> = {};
    const location = {
      lat: round6(site.lat + (oddity === 'far' ? 0.02 : 0.0002 * (site.findings.length - 1))),
      lng: round6(site.lng - 0.0001 * (site.id.length % 3)),
      accuracy: 8 + (site.id.length % 5) * 3,
    };
    for (const item of items) {
      const finding = site.findings.find((candidate) => candidate.itemId === item.id);
      if (!finding) {
        answers.push({ itemId: item.id, grade: 'A', photos: [] });
        continue;
      }
      const shots = !item.photoRequired ? [] : finding.grade === 'C#' ? ['WIDE', 'CLOSE'] : ['CLOSE'];
      const hashes: string[] = [];
      for (const [index, shot] of shots.entries()) {
        const takenAt = new Date(submitted.getTime() - (30 - index) * 60_000);
        const photo = evidencePhoto(site, item, [`${site.id} ${item.id} ${finding.grade} ${shot}`], takenAt);
        const sha256 = await storePhoto(photo.bytes, inspector.id, takenAt.toISOString());
        // The small copy, uploaded and named as the app does (the office's report draws it).
        thumbnails[sha256] = await storePhoto(photo.thumbnail, inspector.id, takenAt.toISOString());
        photoMeta[sha256] = {
          capturedAt: takenAt.toISOString(),
          ...location,
          source: oddity === 'gallery' ? 'gallery' : 'camera',
          // A gallery picture keeps its own, older capture time: three weeks before.
          exifAt: new Date(takenAt.getTime() - (oddity === 'gallery' ? 21 * 86_400_000 : 20_000)).toISOString(),
        };
        hashes.push(sha256);
      }
      answers.push({
        itemId: item.id,
        grade: finding.grade,
        ...(finding.defects !== undefined && { defects: finding.defects }),
        note: finding.note,
        photos: hashes,
      });
    }
    const input: InspectionInput = {
      id,
      revision: 1,
      roundId: DEMO_ROUND.id,
      siteId: site.id,
      rubricVersion: DEMO_ROUND.rubricVersion,
      startedAt: cityIsoInstant(new Date(submitted.getTime() - (40 + (site.findings.length % 4) * 5) * 60_000)),
      submittedAt: site.submittedAt,
      location,
      fixes: [
        { ...location, at: new Date(submitted.getTime() - 40 * 60_000).toISOString(), stage: 'open' },
        { ...location, at: submitted.toISOString(), stage: 'submit' },
      ],
      answers,
      ...(Object.keys(thumbnails).length > 0 && { thumbnails }),
      ...(Object.keys(photoMeta).length > 0 && { photoMeta }),
    };
    // What the route does: the body through the wire schema, then the service.
    const receivedAt = new Date(submitted.getTime() + 4 * 60_000).toISOString();
    const { created: isNew } = await putInspection(contextAt(receivedAt), inspector, inspectionSchema.parse(input));
    count('inspections', isNew);
  }

  // Review: most results approved the day after, a few returned with comments, the flagged ones waiting.
  const reviews = await reviewDemoResults(
    contextAt,
    demoInspections,
    users.get(SUPERVISOR.username) ?? fail('supervisor missing'),
  );
  created.reviews += reviews.created;
  existing.reviews += reviews.existing;

  // Rechecks: 高新区's rectifications were visited on 2 and 3 August; two were still not fixed.
  const rechecker = users.get(RECHECKER_OF_RECHECKED_DISTRICT)!;
  const rectifications = await db
    .selectFrom('rectifications')
    .select(['id', 'site_id', 'item_id'])
    .where('round_id', '=', DEMO_ROUND.id)
    .orderBy('id')
    .execute();
  const byId = new Map(sites.map((site) => [site.id, site]));
  const notFixed = stillNotFixed(sites);
  for (const rectification of rectifications) {
    const site = byId.get(rectification.site_id);
    if (!site || site.districtCode !== RECHECKED_DISTRICT) continue;
    const finding = site.findings.find((candidate) => candidate.itemId === rectification.item_id);
    const item = rubric.types[site.type].items.find((candidate) => candidate.id === rectification.item_id);
    if (!finding || !item) continue;
    const fixed = !notFixed.has(`${site.id}~${item.id}`);
    const day = site.type === 'station' ? '03' : '02';
    const minutes = 9 * 60 + 20 + (site.id.charCodeAt(site.id.length - 1) % 10) * 17 + (Number(item.id.slice(1)) % 7);
    const checkedAt = `2021-08-${day}T${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}:00+08:00`;
    const verdict = fixed ? 'FIXED' : 'NOT FIXED';
    const photo = evidencePhoto(site, item, [`${site.id} ${item.id} ${verdict}`], new Date(checkedAt), fixed);
    const sha256 = await storePhoto(photo.bytes, rechecker.id, new Date(checkedAt).toISOString());
    const recheck: Recheck = recheckSchema.parse({
      id: stableUuid(`recheck/${rectification.id}`),
      rectificationId: rectification.id,
      verdict: fixed ? 'fixed' : 'not_fixed',
      note: fixed ? '已按要求整改到位，予以销号' : `复查时仍未整改：${finding.note}`,
      photos: [sha256],
      checkedAt,
    });
    const receivedAt = new Date(new Date(checkedAt).getTime() + 10 * 60_000).toISOString();
    const { created: isNew } = await putRecheck(contextAt(receivedAt), rechecker, recheck);
    count('rechecks', isNew);
  }

  // Citizens' reports in every state, handled by the supervisor.
  const citizen = await loadCitizenReports(
    contextAt,
    sites,
    users.get(SUPERVISOR.username) ?? fail('supervisor missing'),
    userId(sites[0]!.inspector),
    stableUuid,
  );
  created.citizenReports += citizen.created;
  existing.citizenReports += citizen.existing;

  const report = await roundReport(db, rubrics, DEMO_ROUND.id);
  if (!report) throw new Error(`round ${DEMO_ROUND.id} vanished`);
  const url = options.serverUrl ?? serverUrl(readConfig());
  log(describe(created, existing, Boolean(admin), report, leftToInspect, inspectedByOthers, url));
  return { created, existing, adminCreated: Boolean(admin), inspectedByOthers, leftToInspect, report };
}

/**
 * What the recheck of 高新区 found still not fixed: the second finding of its first institute under
 * rectification and the first finding of its second station; everything else there is fixed.
 */
function stillNotFixed(sites: readonly DemoSite[]): Set<string> {
  const poor = (type: DemoSite['type']) =>
    sites.filter((site) => site.districtCode === RECHECKED_DISTRICT && site.type === type && site.poor);
  const [institute] = poor('institute');
  const [, station] = poor('station');
  return new Set([
    `${institute?.id}~${institute?.findings[1]?.itemId}`,
    `${station?.id}~${station?.findings[0]?.itemId}`,
  ]);
}

/** Demo accounts have a published password: never add them to a database that holds real people's work. */
async function refuseForeignData(db: Kysely<Database>): Promise<void> {
  const known = new Set(['admin', ...DEMO_USERS.map((user) => user.username)]);
  const users = await db.selectFrom('users').select('username').execute();
  const foreignUsers = users.map((user) => user.username).filter((name) => !known.has(name));
  const rounds = await db.selectFrom('rounds').select('id').where('id', '!=', DEMO_ROUND.id).execute();
  if (foreignUsers.length === 0 && rounds.length === 0) return;
  const what = [
    foreignUsers.length > 0 &&
      `用户 (users) ${foreignUsers.slice(0, 5).join(', ')}${foreignUsers.length > 5 ? ' …' : ''}`,
    rounds.length > 0 &&
      `轮次 (rounds) ${rounds
        .map((round) => round.id)
        .slice(0, 5)
        .join(', ')}`,
  ].filter(Boolean);
  throw new DemoRefused(
    `该数据库已有非演示数据：${what.join('；')}。演示账号使用公开的密码，不应加入真实数据库。` +
      `请为演示另设 DATA_DIR（或 DATABASE_URL），或加 --force 仍然导入。\n` +
      `This database already holds data that is not the demo's (${what.join('; ')}). Demo accounts have a ` +
      `published password: point DATA_DIR (or DATABASE_URL) at a separate database, or pass --force.`,
  );
}

/** Sanity of the sample: count rules agree with grades, and exactly the poor sites fall under the threshold. */
function checkPlan(site: DemoSite, items: readonly RubricItem[]): void {
  for (const finding of site.findings) {
    const item = items.find((candidate) => candidate.id === finding.itemId);
    if (!item) throw new Error(`${site.id}: no item ${finding.itemId} in the ${site.type} rubric`);
    if (finding.defects !== undefined && gradeForDefects(item, finding.defects) !== finding.grade)
      throw new Error(`${site.id} ${item.id}: ${finding.defects} defects do not give ${finding.grade}`);
  }
  const answers = items.map((item) => ({
    itemId: item.id,
    grade: site.findings.find((finding: Finding) => finding.itemId === item.id)?.grade ?? ('A' as const),
  }));
  const { score } = scoreInspection(items, answers);
  if (score < DEMO_ROUND.rectifyBelow !== site.poor)
    throw new Error(`${site.id}: scores ${score}, which does not match its plan (poor: ${site.poor})`);
}

/** Painted photos by their watermark: encoding is the slow part of a run, and the same text paints the same bytes. */
const paintedPhotos = new Map<string, { bytes: Buffer; thumbnail: Buffer }>();

/** A painted evidence photo (320 × 240) and its thumbnail (160 × 120), as JPEG. */
function evidencePhoto(
  site: DemoSite,
  item: RubricItem,
  lines: string[],
  at: Date,
  fixed = false,
): { bytes: Buffer; thumbnail: Buffer } {
  const watermark = [...lines, `${cityDateTime(at)} ${site.lat.toFixed(4)} ${site.lng.toFixed(4)}`];
  const key = watermark.join('\n');
  const cached = paintedPhotos.get(key);
  if (cached) return cached;
  const image = paintEvidencePhoto({
    lines: watermark,
    tint: fixed ? ([64, 150, 96] as const) : (TINTS[item.category] ?? TINTS.SITE!),
    seed: lines.join('|'),
  });
  const comment = `civic-inspect demo photo: ${site.name} ${item.id} ${lines.join(' ')}`;
  const painted = {
    bytes: encodeJpeg(image, { quality: 72, comment }),
    thumbnail: encodeJpeg(halve(image), { quality: 70, comment: `${comment} (thumbnail)` }),
  };
  paintedPhotos.set(key, painted);
  return painted;
}

function signedIn(row: {
  id: string;
  username: string;
  display_name: string;
  role: SignedInUser['role'];
}): SignedInUser {
  return { id: row.id, username: row.username, displayName: row.display_name, role: row.role, tokenHash: '' };
}

/** A name-based UUID (version 5 layout over SHA-1): the same name always gives the same id. */
export function stableUuid(name: string): string {
  const hash = createHash('sha1').update(`civic-inspect-demo:${name}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function zeroCounts(): DemoCounts {
  return {
    users: 0,
    sites: 0,
    rounds: 0,
    assignments: 0,
    photos: 0,
    inspections: 0,
    rechecks: 0,
    citizenReports: 0,
    reviews: 0,
  };
}

function fail(message: string): never {
  throw new Error(message);
}

function describe(
  created: DemoCounts,
  existing: DemoCounts,
  adminCreated: boolean,
  report: RoundReport,
  leftToInspect: string[],
  inspectedByOthers: string[],
  url: string,
): string {
  const labels: Record<keyof DemoCounts, string> = {
    users: '用户 users',
    sites: '点位 sites',
    rounds: '轮次 rounds',
    assignments: '分配 assignments',
    photos: '照片 photos',
    inspections: '测评 inspections',
    rechecks: '复查 rechecks',
    citizenReports: '市民反馈 reports',
    reviews: '审核 reviews',
  };
  const lines = ['演示数据 (demo data): 新建 created / 已存在 already there'];
  for (const key of Object.keys(labels) as (keyof DemoCounts)[])
    lines.push(`  ${labels[key].padEnd(18)} ${String(created[key]).padStart(4)} / ${existing[key]}`);
  if (inspectedByOthers.length > 0)
    lines.push(`  已由他人测评，未覆盖 (inspected by someone else, left alone): ${inspectedByOthers.join(', ')}`);

  lines.push(
    '',
    `轮次 (round) ${DEMO_ROUND.id}「${DEMO_ROUND.name}」, 整改线 (rectify below) ${DEMO_ROUND.rectifyBelow}`,
  );
  lines.push('  类型 type    sites inspected fullMarks toRectify average');
  for (const [type, tally] of Object.entries(report.byType))
    lines.push(
      `  ${type.padEnd(10)} ${pad5(tally.sites)} ${pad5(tally.inspected).padStart(9)} ${pad5(tally.fullMarks).padStart(9)} ${pad5(tally.toRectify).padStart(9)} ${String(tally.averageScore ?? '—').padStart(7)}`,
    );
  lines.push(
    `  排名 ranking: ${report.byDistrict.map((row) => `${row.rank ?? '—'}. ${row.district} ${row.averageScore ?? '—'}`).join('  ')}`,
  );
  const open = report.rectifications.filter((item) => item.status === 'open').length;
  lines.push(
    `  整改项 rectifications: ${report.rectifications.length} (open ${open}, closed ${report.rectifications.length - open})`,
  );

  const districtOf = new Map(DISTRICTS.map((district) => [district.inspector.username, district.name]));
  lines.push('', `演示账号 (demo sign-ins), 密码 password: ${DEMO_PASSWORD}`);
  lines.push(
    adminCreated
      ? `  admin        系统管理员            admin       (password: ADMIN_PASSWORD if set, else ${DEMO_PASSWORD})`
      : '  admin        系统管理员            admin       (already existed: its password is unchanged)',
  );
  for (const user of DEMO_USERS)
    lines.push(
      `  ${user.username.padEnd(12)} ${padWide(user.displayName, 20)}  ${user.role.padEnd(10)}  ${roleHint(user, districtOf, leftToInspect)}`,
    );
  lines.push('', `启动服务 (then start the server): npm start  →  ${url}`);
  return lines.join('\n');
}

function roleHint(user: DemoUser, districtOf: Map<string, string>, leftToInspect: string[]): string {
  if (user.role === 'supervisor') return '看报告、排名、整改清单 (report, ranking, rectification list)';
  if (user.role === 'rechecker') return '复查整改项 (recheck rectifications)';
  const district = districtOf.get(user.username) ?? '';
  if (user.username === 'inspector1' && leftToInspect.length > 0)
    return `${district}，待测评 ${leftToInspect.length} 个站 (stations to inspect): ${leftToInspect.join(', ')}`;
  return `${district}`;
}

function pad5(value: number): string {
  return String(value).padStart(5);
}

/** Pads text whose CJK characters take two columns in a terminal. */
function padWide(text: string, columns: number): string {
  const width = [...text].reduce((sum, char) => sum + (char.charCodeAt(0) > 0x2e7f ? 2 : 1), 0);
  return text + ' '.repeat(Math.max(0, columns - width));
}

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(
      'usage: npm run demo [-- [--all] [--force]]\n  --all    also inspect the stations left for inspector1\n  --force  load even into a database with users or rounds of its own',
    );
    return;
  }
  const unknown = argv.filter((arg) => arg !== '--all' && arg !== '--force');
  if (unknown.length > 0) throw new DemoRefused(`unknown option ${unknown.join(' ')} (try --help)`);
  const config = readConfig();
  console.log(
    `导入演示数据到 (loading the demo into) ${config.databaseUrl ? 'PostgreSQL' : `SQLite in ${config.dataDir}`}`,
  );
  await loadDemo({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    rubricDir: config.rubricDir,
    adminPassword: config.adminPassword,
    inspectAll: argv.includes('--all'),
    force: argv.includes('--force'),
    log: (line) => console.log(line),
    serverUrl: serverUrl(config),
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    console.error(error instanceof DemoRefused ? message : `演示数据导入失败 (demo failed): ${message}`);
    process.exit(1);
  });
}

/**
 * Which demo sites show proof-of-presence flags: about one in nine inspected from two kilometres
 * away, another one in nine with pictures chosen from the gallery. Fixed by the site's place in
 * the list, so every run of the demo flags the same sites.
 */
function presenceOddity(siteIndex: number): 'far' | 'gallery' | undefined {
  if (siteIndex % 9 === 4) return 'far';
  if (siteIndex % 9 === 7) return 'gallery';
  return undefined;
}
