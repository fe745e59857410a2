/**
 * The Word export read back as Word reads it: the .docx is unzipped and its document.xml and
 * footer parsed into paragraphs and table cells, so the test checks what an office opening the
 * file would see — the 文号, the edited paragraphs, the tables in the chosen district order, the
 * attachment on its own page and `— PAGE —` in the footer.
 */
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { Bulletin } from './bulletin';
import { bulletinDocx } from './bulletin-docx';
import { composePaper } from './bulletin-paper';

const BULLETIN: Bulletin = {
  title: '关于2021年7月模拟测评情况的通报',
  salutation: '各县（市、区）创文办：',
  opening: '2021年7月5日至19日，市创文办组织开展了模拟测评。现将测评情况通报如下：',
  overview: { heading: '一、总体情况', paragraphs: ['本次模拟测评共覆盖3个县（市、区）的4个站。'] },
  ranking: {
    heading: '二、排名情况',
    paragraphs: ['按点位平均得分，各县（市、区）排名依次为：湛河区（98分）、新华区（95分）、卫东区（88分）。'],
    rows: [
      { rank: '1', district: '湛河区', sites: 1, inspected: 1, fullMarks: 1, toRectify: 0, averageScore: '98' },
      { rank: '2', district: '新华区', sites: 2, inspected: 2, fullMarks: 1, toRectify: 0, averageScore: '95' },
      { rank: '3', district: '卫东区', sites: 1, inspected: 1, fullMarks: 0, toRectify: 1, averageScore: '88' },
    ],
  },
  problems: {
    heading: '三、存在的主要问题',
    paragraphs: ['测评发现的问题主要集中在以下1个方面：'],
    items: ['（一）公益广告完好：1个点位在该项失分。'],
  },
  requirements: { heading: '四、整改要求', paragraphs: ['各县（市、区）要对照问题清单逐项整改。'] },
  issuer: '平顶山市创文办',
  issuedOn: '2021年7月21日',
  attachment: {
    heading: '附件：限期整改点位名单',
    rows: [
      {
        index: 1,
        district: '卫东区',
        name: '东安路站',
        type: '站',
        score: '88',
        problems: '公益广告完好',
        dueOn: '2021年8月3日',
      },
      {
        index: 2,
        district: '新华区',
        name: '曙光街站',
        type: '站',
        score: '89',
        problems: '室内卫生',
        dueOn: '2021年8月4日',
      },
    ],
  },
};

interface DocxText {
  paragraphs: string[];
  tables: string[][][];
  footer: string;
  pageBreaksBefore: string[];
}

async function readDocx(blob: Blob): Promise<DocxText> {
  const files = unzipSync(new Uint8Array(await blob.arrayBuffer()));
  const xml = strFromU8(files['word/document.xml']!);
  const footerName = Object.keys(files).find((name) => /^word\/footer\d*\.xml$/.test(name));
  const body = xml.replace(/<w:tbl>[\s\S]*?<\/w:tbl>/g, '');
  const paragraphs = [...body.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((match) => textOf(match[0]));
  const tables = [...xml.matchAll(/<w:tbl>[\s\S]*?<\/w:tbl>/g)].map((table) =>
    [...table[0].matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map((row) =>
      [...row[0].matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map((cell) => textOf(cell[0])),
    ),
  );
  const pageBreaksBefore = [...body.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)]
    .filter((match) => match[0].includes('<w:pageBreakBefore'))
    .map((match) => textOf(match[0]));
  const footer = footerName ? strFromU8(files[footerName]!) : '';
  return { paragraphs: paragraphs.filter((text) => text !== ''), tables, footer, pageBreaksBefore };
}

function textOf(xml: string): string {
  return [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)]
    .map((match) => match[1]!)
    .join('')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

describe('the bulletin as a Word document', () => {
  it('holds the 文号, the title, the generated paragraphs in order and the issuer', async () => {
    const paper = composePaper(BULLETIN, {
      documentNumber: '平创文办〔2021〕12号',
      text: null,
      attachmentOrder: 'ranking',
      districtOrder: [],
    });
    const docx = await readDocx(await bulletinDocx(paper));
    expect(docx.paragraphs).toEqual([
      '平创文办〔2021〕12号',
      '关于2021年7月模拟测评情况的通报',
      '各县（市、区）创文办：',
      BULLETIN.opening,
      '一、总体情况',
      '本次模拟测评共覆盖3个县（市、区）的4个站。',
      '二、排名情况',
      BULLETIN.ranking.paragraphs[0],
      '三、存在的主要问题',
      '测评发现的问题主要集中在以下1个方面：',
      '（一）公益广告完好：1个点位在该项失分。',
      '四、整改要求',
      '各县（市、区）要对照问题清单逐项整改。',
      '平顶山市创文办',
      '2021年7月21日',
      '附件：限期整改点位名单',
    ]);
    expect(docx.pageBreaksBefore).toEqual(['附件：限期整改点位名单']);
  });

  it('lays the ranking table and the attachment out by ranking: districts in rank order', async () => {
    const paper = composePaper(BULLETIN, {
      documentNumber: '',
      text: null,
      attachmentOrder: 'ranking',
      districtOrder: [],
    });
    const [ranking, attachment] = (await readDocx(await bulletinDocx(paper))).tables;
    expect(ranking![0]).toEqual(['排名', '县（市、区）', '点位数', '已测评', '满分', '须整改', '平均分']);
    expect(ranking!.slice(1)).toEqual([
      ['1', '湛河区', '1', '1', '1', '0', '98'],
      ['2', '新华区', '2', '2', '1', '0', '95'],
      ['3', '卫东区', '1', '1', '0', '1', '88'],
    ]);
    expect(attachment!.slice(1).map((row) => [row[0], row[1], row[2]])).toEqual([
      ['1', '新华区', '曙光街站'],
      ['2', '卫东区', '东安路站'],
    ]);
  });

  it('follows the official district order when the office set one, numbering the attachment again', async () => {
    const paper = composePaper(BULLETIN, {
      documentNumber: '',
      text: null,
      attachmentOrder: 'districts',
      districtOrder: ['卫东区', '湛河区'],
    });
    const [ranking, attachment] = (await readDocx(await bulletinDocx(paper))).tables;
    // Listed districts first, as listed; 新华区 (not listed) after them.
    expect(ranking!.slice(1).map((row) => row[1])).toEqual(['卫东区', '湛河区', '新华区']);
    expect(attachment!.slice(1)).toEqual([
      ['1', '卫东区', '东安路站', '站', '88', '公益广告完好', '2021年8月3日'],
      ['2', '新华区', '曙光街站', '站', '89', '室内卫生', '2021年8月4日'],
    ]);
  });

  it('prints the paragraphs as the office edited them, not the generated ones', async () => {
    const paper = composePaper(BULLETIN, {
      documentNumber: '平创文办〔2021〕13号',
      text: {
        opening: ['经研究，现将7月测评情况通报如下：'],
        overview: ['总体情况良好 & 平稳 <较上月提升>。', '另有一段补充说明。'],
        ranking: [],
        problems: ['问题集中在公益广告。'],
        requirements: ['请于8月15日前报送。'],
      },
      attachmentOrder: 'ranking',
      districtOrder: [],
    });
    const { paragraphs } = await readDocx(await bulletinDocx(paper));
    expect(paragraphs).toContain('总体情况良好 & 平稳 <较上月提升>。');
    expect(paragraphs).toContain('另有一段补充说明。');
    expect(paragraphs).not.toContain(BULLETIN.opening);
    expect(paragraphs.slice(paragraphs.indexOf('二、排名情况'), paragraphs.indexOf('三、存在的主要问题'))).toEqual([
      '二、排名情况',
    ]);
  });

  it('numbers the pages — PAGE — in the footer and leaves the attachment out when nobody must rectify', async () => {
    const paper = composePaper(
      { ...BULLETIN, attachment: { ...BULLETIN.attachment, rows: [] } },
      { documentNumber: '', text: null, attachmentOrder: 'ranking', districtOrder: [] },
    );
    const docx = await readDocx(await bulletinDocx(paper));
    expect(docx.footer).toMatch(/— <\/w:t>[\s\S]*PAGE[\s\S]*<w:t[^>]*> —<\/w:t>/);
    expect(docx.tables).toHaveLength(1);
    expect(docx.paragraphs).not.toContain('附件：限期整改点位名单');
    expect(docx.paragraphs[0]).toBe(BULLETIN.title);
  });
});
