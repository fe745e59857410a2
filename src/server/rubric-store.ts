/**
 * Loads every rubric version from `rubric/<version>/{center,institute,station}.json` at start
 * and validates each file with the domain's schema. A broken file stops the server with a
 * message naming the file and the item, so a bad edit never reaches inspectors' phones.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  checkRubricFile,
  SITE_TYPES,
  type Rubric,
  type RubricFile,
  type RubricItem,
  type SiteType,
} from '../domain/rubric';

export class RubricError extends Error {
  override name = 'RubricError';
}

export interface RubricStore {
  versions(): string[];
  get(version: string): Rubric | undefined;
  /** The items of one site type, by id; undefined when the version is unknown. */
  items(version: string, type: SiteType): Map<string, RubricItem> | undefined;
}

export async function loadRubrics(rubricDir: string): Promise<RubricStore> {
  const entries = await readdir(rubricDir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    throw new RubricError(`无法读取评分标准目录 ${rubricDir}: ${error.code ?? error.message}`);
  });
  const rubrics = new Map<string, Rubric>();
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    rubrics.set(entry.name, await loadVersion(path.join(rubricDir, entry.name), entry.name));
  }
  if (rubrics.size === 0) throw new RubricError(`评分标准目录 ${rubricDir} 中没有任何版本 (no rubric versions found)`);
  const itemMaps = new Map<string, Map<string, RubricItem>>();
  for (const [version, rubric] of rubrics) {
    for (const type of SITE_TYPES)
      itemMaps.set(`${version}/${type}`, new Map(rubric.types[type].items.map((item) => [item.id, item])));
  }
  return {
    versions: () => [...rubrics.keys()],
    get: (version) => rubrics.get(version),
    items: (version, type) => itemMaps.get(`${version}/${type}`),
  };
}

async function loadVersion(folder: string, version: string): Promise<Rubric> {
  const types = {} as Record<SiteType, RubricFile>;
  for (const type of SITE_TYPES) {
    const file = path.join(folder, `${type}.json`);
    const data = await readJson(file);
    const problems = checkRubricFile(data);
    if (problems.length > 0) {
      const list = problems.map((problem) => `  - ${problem.path}: ${problem.message}`).join('\n');
      throw new RubricError(`评分标准文件有误 (invalid rubric file) ${file}:\n${list}`);
    }
    const rubricFile = data as RubricFile;
    if (rubricFile.version !== version || rubricFile.type !== type) {
      throw new RubricError(
        `评分标准文件 ${file} 声明的是 ${rubricFile.version}/${rubricFile.type}，应为 ${version}/${type}`,
      );
    }
    types[type] = rubricFile;
  }
  return { version, types };
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new RubricError(
      `缺少评分标准文件 (missing rubric file) ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new RubricError(`评分标准文件不是有效的 JSON (not valid JSON) ${file}: ${(error as Error).message}`);
  }
}
