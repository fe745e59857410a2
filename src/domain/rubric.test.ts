import { describe, expect, it } from 'vitest';
import center from '../../rubric/2021/center.json';
import institute from '../../rubric/2021/institute.json';
import station from '../../rubric/2021/station.json';
import { checkRubricFile, SITE_TYPES } from './rubric';

const files = { center, institute, station };
const copy = <T>(value: T): T => structuredClone(value);

describe('rubric/2021', () => {
  it.each(SITE_TYPES)('%s validates: unique ids, 100 points, sound grades and count rules', (type) => {
    expect(checkRubricFile(files[type])).toEqual([]);
    expect(files[type].type).toBe(type);
    expect(files[type].version).toBe('2021');
  });

  it('gives every counted item a count rule and every item Chinese guidance', () => {
    for (const type of SITE_TYPES) {
      for (const item of files[type].items) {
        expect(item.guidance).toMatch(/[\u4e00-\u9fff]/);
        expect(item.title).toMatch(/[\u4e00-\u9fff]/);
      }
    }
    expect(station.items.filter((item) => 'countRule' in item).map((item) => item.id)).toContain('T18');
  });
});

describe('a broken rubric is rejected with a message that names the item', () => {
  it('reports points that do not add up to 100', () => {
    const broken = copy(station);
    broken.items[0]!.points += 1;
    expect(checkRubricFile(broken)).toEqual([
      { path: 'items', message: 'points of type station add up to 101, not 100' },
    ]);
  });

  it('reports a duplicate id', () => {
    const broken = copy(station);
    broken.items[1]!.id = 'T01';
    expect(checkRubricFile(broken)).toContainEqual({ path: 'items[1](T01).id', message: 'duplicate item id T01' });
  });

  it('reports an unknown grade with the item id in the path', () => {
    const broken = copy(institute) as { items: { grades: string[] }[] };
    broken.items[4]!.grades = ['A', 'D'];
    const problems = checkRubricFile(broken);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]!.path).toBe('items[4](I05).grades[1]');
  });

  it('reports grades out of order and a count rule that disagrees with them', () => {
    const broken = copy(center);
    const counted = broken.items.find((item) => item.id === 'C18')!;
    counted.grades = ['A', 'C#'];
    const problems = checkRubricFile(broken);
    expect(problems).toContainEqual({
      path: 'items[17](C18).countRule',
      message: 'maxDefects names grade B that the item does not allow',
    });
    const reordered = copy(center);
    reordered.items[0]!.grades = ['A', 'C', 'B', 'C#'];
    expect(checkRubricFile(reordered)).toContainEqual({
      path: 'items[0](C01).grades',
      message: 'grades must be listed from A down to C#',
    });
  });

  it('reports a missing field', () => {
    const broken = copy(station) as { items: Record<string, unknown>[] };
    delete broken.items[2]!.guidance;
    expect(checkRubricFile(broken)[0]!.path).toBe('items[2](T03).guidance');
  });
});
