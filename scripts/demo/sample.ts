/**
 * The demo's sample city, modelled on the round of the seed story (Pingdingshan, July 2021):
 * six districts with 6 centers, 43 institutes and 115 stations; 32 institutes and 92 stations
 * with full marks, no center; the poorest 1 center, 11 institutes and 23 stations under the
 * threshold of 90, with 15 days to rectify. Names, addresses and coordinates are plausible, not
 * an official register. Pure data and deterministic: every run builds the same sites, findings
 * and times, which is what makes the demo idempotent.
 */
import type { Grade } from '../../src/domain/grades';
import type { SiteType } from '../../src/domain/rubric';

export const DEMO_PASSWORD = 'demo-password';
export const DEMO_ROUND = {
  id: 'pds-2021-07',
  name: '2021年7月新时代文明实践阵地模拟测评',
  rubricVersion: '2021',
  rectifyBelow: 90,
  rectifyDays: 15,
  startsOn: '2021-07-05',
  endsOn: '2021-07-16',
} as const;
/** Stations of inspector1 left uninspected, so the demo inspector has real work to do. */
export const LEFT_FOR_INSPECTOR1 = 5;

export interface DemoUser {
  username: string;
  displayName: string;
  role: 'supervisor' | 'inspector' | 'rechecker';
}

interface InstituteSpec {
  name: string;
  /** Communities (社区) or villages (村) with a station. */
  stations: string[];
}

interface DistrictSpec {
  code: string;
  name: string;
  /** Where the district's center is, after "平顶山市{district}". */
  centerAddress: string;
  lat: number;
  lng: number;
  inspector: DemoUser;
  /** Which rechecker visits this district's sites under rectification. */
  rechecker: 'rechecker1' | 'rechecker2';
  /** How many institutes and stations (the first ones) fall below the threshold. */
  poorInstitutes: number;
  poorStations: number;
  institutes: InstituteSpec[];
}

export const SUPERVISOR: DemoUser = { username: 'supervisor', displayName: '王丽（市创文办）', role: 'supervisor' };
export const RECHECKERS: DemoUser[] = [
  { username: 'rechecker1', displayName: '周敏（复查组）', role: 'rechecker' },
  { username: 'rechecker2', displayName: '吴强（复查组）', role: 'rechecker' },
];

const inspector = (n: number, name: string, district: string): DemoUser => ({
  username: `inspector${n}`,
  displayName: `${name}（${district}测评员）`,
  role: 'inspector',
});

export const DISTRICTS: DistrictSpec[] = [
  {
    code: 'XH',
    name: '新华区',
    centerAddress: '光明路与建设路交叉口新华区党群服务中心',
    lat: 33.7386,
    lng: 113.2936,
    inspector: inspector(1, '李明', '新华区'),
    rechecker: 'rechecker1',
    poorInstitutes: 0,
    poorStations: 0,
    institutes: [
      { name: '光明路街道', stations: ['光明路社区', '曙光街社区', '湛北社区'] },
      { name: '矿工路街道', stations: ['矿工路社区', '园林路社区', '文化宫社区'] },
      { name: '中兴路街道', stations: ['中兴路社区', '联盟路社区', '建设路社区'] },
      { name: '曙光街街道', stations: ['曙光东社区', '新华路社区', '胜利街社区'] },
      { name: '西市场街道', stations: ['西市场社区', '民主路社区'] },
      { name: '西高皇街道', stations: ['西高皇社区', '锦绣社区'] },
      { name: '青石山街道', stations: ['青石山社区', '施营社区'] },
      { name: '焦店镇', stations: ['焦店村', '李庄村'] },
    ],
  },
  {
    code: 'WD',
    name: '卫东区',
    centerAddress: '东环路与建设路交叉口卫东区文化中心',
    lat: 33.7356,
    lng: 113.3352,
    inspector: inspector(2, '张伟', '卫东区'),
    rechecker: 'rechecker1',
    poorInstitutes: 1,
    poorStations: 2,
    institutes: [
      { name: '东安路街道', stations: ['东安路社区', '东环路社区', '体育场社区'] },
      { name: '优越路街道', stations: ['优越路社区', '新新街社区', '和平路社区'] },
      { name: '五一路街道', stations: ['五一路社区', '东风路社区', '建东社区'] },
      { name: '建设路街道', stations: ['建设路东社区', '矿工东社区', '香山社区'] },
      { name: '东高皇街道', stations: ['东高皇社区', '湛南社区'] },
      { name: '鸿鹰街道', stations: ['鸿鹰社区', '化工社区'] },
      { name: '光华路街道', stations: ['光华路社区', '北环路社区'] },
      { name: '蒲城街道', stations: ['蒲城社区', '苗李村'] },
    ],
  },
  {
    code: 'ZH',
    name: '湛河区',
    centerAddress: '开源路与南环路交叉口湛河区综合服务中心',
    lat: 33.7052,
    lng: 113.3021,
    inspector: inspector(3, '刘洋', '湛河区'),
    rechecker: 'rechecker1',
    poorInstitutes: 2,
    poorStations: 4,
    institutes: [
      { name: '南环路街道', stations: ['南环路社区', '开源路社区', '凌云社区'] },
      { name: '马庄街道', stations: ['马庄社区', '程平路社区', '锦江社区'] },
      { name: '姚孟街道', stations: ['姚孟社区', '电厂社区', '滨河社区'] },
      { name: '轻工路街道', stations: ['轻工路社区', '光明南社区', '湛南路社区'] },
      { name: '高阳路街道', stations: ['高阳路社区', '曹楼社区', '世纪社区'] },
      { name: '九里山街道', stations: ['九里山社区', '北渡社区'] },
      { name: '曹镇乡', stations: ['曹镇村', '河陈村'] },
    ],
  },
  {
    code: 'SL',
    name: '石龙区',
    centerAddress: '人民路中段石龙区文化活动中心',
    lat: 33.8985,
    lng: 112.8987,
    inspector: inspector(4, '陈静', '石龙区'),
    rechecker: 'rechecker1',
    poorInstitutes: 2,
    poorStations: 5,
    institutes: [
      { name: '人民路街道', stations: ['人民路社区', '石龙社区', '兴龙社区'] },
      { name: '龙兴街道', stations: ['龙兴社区', '龙祥社区', '鑫龙社区'] },
      { name: '龙河街道', stations: ['龙河社区', '龙泉社区', '龙苑社区'] },
      { name: '高庄街道', stations: ['高庄社区', '夏庄社区', '井营社区'] },
      { name: '大营街道', stations: ['大营社区', '南营社区', '北营社区'] },
      { name: '龙山街道', stations: ['龙山社区', '红石社区'] },
      { name: '关庄乡', stations: ['关庄村', '宋庄村'] },
    ],
  },
  {
    code: 'GX',
    name: '高新区',
    centerAddress: '神马大道与建设路交叉口高新区创新服务中心',
    lat: 33.7158,
    lng: 113.3785,
    inspector: inspector(5, '杨帆', '高新区'),
    rechecker: 'rechecker2',
    poorInstitutes: 3,
    poorStations: 6,
    institutes: [
      { name: '遵化店镇', stations: ['遵化店村', '焦庄村', '大营村'] },
      { name: '皇台街道', stations: ['皇台社区', '创新社区', '创业社区'] },
      { name: '高新街道', stations: ['高新社区', '科技城社区', '火炬社区'] },
      { name: '神马大道街道', stations: ['神马社区', '平安社区', '新源社区'] },
      { name: '建设大道街道', stations: ['建设大道社区', '明珠社区', '世纪花园社区'] },
      { name: '湛河南街道', stations: ['湛河南社区', '翠湖社区'] },
      { name: '叶庄街道', stations: ['叶庄社区', '龙门社区'] },
    ],
  },
  {
    code: 'SF',
    name: '示范区',
    centerAddress: '新城区长安大道市民服务中心东侧',
    lat: 33.6921,
    lng: 113.2163,
    inspector: inspector(6, '赵磊', '示范区'),
    rechecker: 'rechecker2',
    poorInstitutes: 3,
    poorStations: 6,
    institutes: [
      { name: '滍阳镇', stations: ['滍阳村', '刘庄村', '叶庄村'] },
      { name: '荆山街道', stations: ['荆山社区', '应国社区', '湖光社区'] },
      { name: '新城区街道', stations: ['行政新区社区', '湖滨社区', '新城社区'] },
      { name: '白龟湖街道', stations: ['白龟湖社区', '湖畔社区', '山水社区'] },
      { name: '平湖街道', stations: ['平湖社区', '西湖社区', '锦湖社区'] },
      { name: '应滨街道', stations: ['应滨社区', '文博社区', '鹰城社区'] },
    ],
  },
];

/** The district whose center is the poor one (as in the story: one center must rectify). */
const POOR_CENTER_DISTRICT = 'SF';

export const INSPECTORS: DemoUser[] = DISTRICTS.map((district) => district.inspector);
export const DEMO_USERS: DemoUser[] = [SUPERVISOR, ...INSPECTORS, ...RECHECKERS];

/** One finding: an item below A, with the count of defects for counted items, and a note. */
export interface Finding {
  itemId: string;
  grade: Exclude<Grade, 'A'>;
  defects?: number;
  note: string;
}

export interface DemoSite {
  id: string;
  name: string;
  type: SiteType;
  district: string;
  districtCode: string;
  parentId: string | null;
  address: string;
  lat: number;
  lng: number;
  inspector: string;
  rechecker: string;
  /** Findings the inspector records; empty for full marks. */
  findings: Finding[];
  /** When the inspector submits (or, for a held-back site, would submit) the inspection, +08:00. */
  submittedAt: string;
  /** One of the stations left uninspected for the demo's inspector1. */
  heldBack: boolean;
  /** Below the threshold: also assigned to the district's rechecker. */
  poor: boolean;
}

const f = (itemId: string, grade: Finding['grade'], note: string, defects?: number): Finding => ({
  itemId,
  grade,
  note,
  ...(defects !== undefined && { defects }),
});

// The five centers with small findings (score stays ≥ 90), and the poor one.
const CENTER_MINOR: Record<string, Finding[]> = {
  XH: [f('C06', 'C#', '组织架构图未上墙，仅存放在办公室文件柜内')],
  WD: [f('C18', 'B', '二楼走廊1处公益广告边角破损', 1), f('C20', 'B', '图书阅览室书架顶部有积尘', 1)],
  ZH: [f('C12', 'C#', '便民药箱内药品已过期，未及时更换'), f('C19', 'B', '宣传栏仍张贴上半年活动预告', 1)],
  SL: [f('C04', 'B', '1间功能室堆放办公杂物，未正常使用', 1), f('C11', 'C#', '测评时志愿服务站无志愿者在岗')],
  GX: [f('C17', 'C', '院内公益广告仅2处，主题单一', 2), f('C21', 'B', '门前绿化带有少量垃圾', 1)],
};
const CENTER_POOR: Finding[] = [
  f('C01', 'C#', '中心暂设在区行政服务中心内，无独立阵地'),
  f('C09', 'C#', '未设立志愿服务站（岗）'),
  f('C11', 'C#', '无志愿者在岗'),
  f('C04', 'C', '2间功能室被挪作仓库和值班室', 2),
];

// Institutes and stations under the threshold: each profile loses more than 10 points.
const INSTITUTE_POOR: Finding[][] = [
  [
    f('I06', 'C#', '未制作组织架构图'),
    f('I07', 'C#', '工作制度未在规定位置上墙'),
    f('I17', 'C', '2处公益广告褪色破损', 2),
  ],
  [f('I09', 'C#', '未设立志愿服务站'), f('I11', 'C#', '无志愿者在岗')],
  [
    f('I17', 'C#', '3处公益广告被遮挡或撕毁', 3),
    f('I16', 'C', '公益广告数量不足，缺少未成年人主题', 2),
    f('I19', 'B', '多功能活动室地面有积尘', 1),
    f('I20', 'B', '门口有乱堆放的杂物', 1),
  ],
  [
    f('I04', 'C#', '3间功能室被占用为办公室和仓库', 3),
    f('I19', 'C', '活动室桌面、窗台积尘明显', 2),
    f('I08', 'B', '图书室管理制度未上墙', 1),
  ],
  [
    f('I07', 'C', '工作制度内容不全，未按规定位置张贴'),
    f('I06', 'C#', '无组织架构图'),
    f('I18', 'C#', '宣传栏内容过期，有错别字', 3),
    f('I19', 'B', '卫生死角有积尘', 1),
  ],
  [
    f('I14', 'C', '活动台账仅有近1个月记录，图片与文字不符'),
    f('I13', 'C#', '未展示年度活动计划与成果'),
    f('I17', 'B', '1处公益广告破损', 1),
  ],
  [
    f('I01', 'C', '阵地与村委办公合用，活动空间不足'),
    f('I04', 'C', '2间功能室被挤占', 2),
    f('I05', 'B', '开放时间未公示'),
    f('I21', 'C#', '室内有烟头，无禁烟标识'),
  ],
  [f('I09', 'C#', '未设立志愿服务站'), f('I10', 'C#', '无统一标识和展示内容'), f('I11', 'C#', '无志愿者在岗')],
  [f('I06', 'C#', '组织架构图缺失'), f('I07', 'C#', '工作制度未上墙'), f('I08', 'C', '2个功能室无管理制度', 2)],
  [
    f('I17', 'C#', '3处公益广告破损、被小广告覆盖', 3),
    f('I19', 'C#', '活动室积尘、蛛网较多', 3),
    f('I20', 'C', '周边有垃圾堆放', 2),
  ],
  [
    f('I03', 'C', '缺少未成年人活动室和心理咨询室', 2),
    f('I12', 'C', '志愿服务设施简陋'),
    f('I22', 'C#', '灭火器已过期'),
    f('I15', 'B', '核心价值观展示有1处破损', 1),
    f('I05', 'C', '公示的开放时间未执行，测评时大门紧锁'),
  ],
];
const STATION_POOR: Finding[][] = [
  [f('T06', 'C#', '组织架构图未上墙'), f('T07', 'C#', '工作制度未上墙')],
  [f('T16', 'C#', '3处公益广告破损、褪色', 3), f('T18', 'C', '活动室桌椅积尘', 2)],
  [
    f('T18', 'C#', '活动室积尘严重，堆放杂物', 3),
    f('T19', 'C', '门前有垃圾和乱停放车辆', 2),
    f('T20', 'B', '垃圾未分类投放'),
  ],
  [
    f('T04', 'C#', '3间活动室被挪作仓库', 3),
    f('T03', 'C', '活动室长期锁门，无法使用'),
    f('T05', 'B', '开放时间公示已过期'),
  ],
  [f('T09', 'C', '志愿服务站无统一标识'), f('T11', 'C#', '无志愿者在岗'), f('T10', 'B', '志愿服务展示内容不全')],
  [f('T13', 'C', '活动台账不完整，缺签到表'), f('T12', 'C#', '未展示活动计划'), f('T17', 'B', '1处宣传内容过期', 1)],
  [f('T07', 'C', '工作制度仅张贴部分'), f('T06', 'C#', '组织架构图缺失')],
  [
    f('T16', 'C', '2处公益广告被遮挡', 2),
    f('T15', 'C', '公益广告数量不足', 2),
    f('T17', 'C#', '宣传栏内容均为去年内容', 3),
  ],
  [
    f('T18', 'C#', '活动室地面、窗台积尘明显', 3),
    f('T16', 'B', '1处公益广告破损', 1),
    f('T19', 'B', '周边有少量垃圾', 1),
  ],
  [f('T01', 'C#', '未在显著位置挂牌'), f('T05', 'C', '开放时间未公示'), f('T02', 'C#', '无导视图')],
  [f('T09', 'C#', '未设立志愿服务站点'), f('T11', 'C#', '无志愿者在岗')],
  [
    f('T06', 'C#', '组织架构图未上墙'),
    f('T08', 'C', '2个活动室无管理制度', 2),
    f('T07', 'B', '工作制度张贴位置不规范'),
  ],
];

// Inspection days: the working days of the round (5–16 July 2021, Monday to Friday).
const WORKING_DAYS = ['05', '06', '07', '08', '09', '12', '13', '14', '15', '16'];
const SLOTS = ['09:10', '10:40', '15:00'];

/** A deterministic jitter in [-1, 1) from a string, for coordinates and minutes. */
function jitter(text: string, salt: number): number {
  let hash = 2166136261 ^ salt;
  for (const char of text) hash = Math.imul(hash ^ char.codePointAt(0)!, 16777619);
  return ((hash >>> 0) % 20001) / 10000 - 1;
}

/** The demo's sites in visiting order, district by district: center, then each institute and its stations. */
export function demoSites(): DemoSite[] {
  const sites: DemoSite[] = [];
  let poorInstitute = 0;
  let poorStation = 0;
  for (const district of DISTRICTS) {
    const visits: DemoSite[] = [];
    const base = {
      district: district.name,
      districtCode: district.code,
      inspector: district.inspector.username,
      rechecker: district.rechecker,
    };
    const centerPoor = district.code === POOR_CENTER_DISTRICT;
    visits.push({
      ...base,
      id: `${district.code}-C`,
      name: `${district.name}新时代文明实践中心`,
      type: 'center',
      parentId: null,
      address: `平顶山市${district.name}${district.centerAddress}`,
      lat: district.lat,
      lng: district.lng,
      findings: centerPoor ? CENTER_POOR : (CENTER_MINOR[district.code] ?? []),
      submittedAt: '',
      heldBack: false,
      poor: centerPoor,
    });
    let stationNumber = 0;
    district.institutes.forEach((institute, i) => {
      const instituteId = `${district.code}-I${i + 1}`;
      const lat = round4(district.lat + 0.03 * jitter(instituteId, 1));
      const lng = round4(district.lng + 0.035 * jitter(instituteId, 2));
      const institutePoor = i < district.poorInstitutes;
      visits.push({
        ...base,
        id: instituteId,
        name: `${institute.name}新时代文明实践所`,
        type: 'institute',
        parentId: `${district.code}-C`,
        address: `平顶山市${district.name}${institute.name}党群服务中心`,
        lat,
        lng,
        findings: institutePoor ? INSTITUTE_POOR[poorInstitute++ % INSTITUTE_POOR.length]! : [],
        submittedAt: '',
        heldBack: false,
        poor: institutePoor,
      });
      for (const community of institute.stations) {
        stationNumber += 1;
        const stationId = `${district.code}-T${String(stationNumber).padStart(2, '0')}`;
        const stationPoor = stationNumber <= district.poorStations;
        visits.push({
          ...base,
          id: stationId,
          name: `${community}新时代文明实践站`,
          type: 'station',
          parentId: instituteId,
          address: `平顶山市${district.name}${institute.name}${community}党群服务中心`,
          lat: round4(lat + 0.008 * jitter(stationId, 3)),
          lng: round4(lng + 0.009 * jitter(stationId, 4)),
          findings: stationPoor ? STATION_POOR[poorStation++ % STATION_POOR.length]! : [],
          submittedAt: '',
          heldBack: false,
          poor: stationPoor,
        });
      }
    });
    // The inspector visits three sites a working day; inspector1 has not reached the last stations yet.
    if (district.code === 'XH') {
      const stations = visits.filter((site) => site.type === 'station');
      const held = new Set(stations.slice(stations.length - LEFT_FOR_INSPECTOR1));
      for (const site of held) site.heldBack = true;
      visits.sort((a, b) => Number(a.heldBack) - Number(b.heldBack)); // stable: the held ones move last
    }
    visits.forEach((site, index) => {
      const day = WORKING_DAYS[Math.floor(index / SLOTS.length)]!;
      const [hour, minute] = SLOTS[index % SLOTS.length]!.split(':').map(Number) as [number, number];
      const minutes = hour * 60 + minute + Math.round(20 * jitter(site.id, 5)) + 30;
      site.submittedAt = `2021-07-${day}T${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}:00+08:00`;
    });
    sites.push(...visits);
  }
  return sites;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
