/** Rubric text in the reader's language: the rubric carries Chinese and English for every item. */
import { useTranslation } from '../../../i18n';
import type { RubricFile, RubricItem } from '../../../../domain/rubric';

export interface ItemText {
  title: string;
  guidance: string;
  gradeRule: string;
  counts?: string;
  unit?: string;
}

export function useRubricText() {
  const { i18n } = useTranslation();
  const english = i18n.language === 'en';
  return {
    item(item: RubricItem): ItemText {
      const rule = item.countRule;
      return {
        title: english ? item.titleEn : item.title,
        guidance: english ? item.guidanceEn : item.guidance,
        gradeRule: english ? item.gradeRuleEn : item.gradeRule,
        ...(rule && { counts: english ? rule.countsEn : rule.counts, unit: english ? rule.unitEn : rule.unit }),
      };
    },
    category(file: RubricFile, code: string): string {
      const category = file.categories[code];
      return category ? (english ? category.titleEn : category.title) : code;
    },
    typeTitle(file: RubricFile): string {
      return english ? file.titleEn : file.title;
    },
  };
}
