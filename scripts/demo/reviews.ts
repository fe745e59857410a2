/**
 * The demo's review decisions (审核, issue #18): the supervisor approved most results a day after
 * they arrived, returned a few with a comment (and one on an item), and left the rest waiting —
 * every flagged result among them, so the queue shows flags, and some clean ones, so "approve all
 * clean" has work. Decided through the server's own service at fixed times, as the review route
 * calls it; a decision already made is not made again (the service answers created: false).
 */
import type { SignedInUser } from '../../src/server/auth/guard';
import type { ServerContext } from '../../src/server/context';
import { reviewInspection } from '../../src/server/services/reviews';
import type { DemoSite } from './sample';

export type ReviewPlan = 'pending' | 'approved' | 'returned';

const RETURN_COMMENTS = [
  '扣分项照片不够清晰，请补拍近景后重新提交',
  '备注与照片内容不一致，请核实后修改',
  '缺少点位全景照片，请补充',
];

/** What the supervisor did with a site's result, by its place in the list and its presence flags. */
export function reviewPlan(siteIndex: number, flagged: boolean): ReviewPlan {
  if (flagged || siteIndex % 9 === 1) return 'pending';
  if (siteIndex % 9 === 2) return 'returned';
  return 'approved';
}

export interface DemoReviewCounts {
  created: number;
  existing: number;
}

/** Decides each inspected site's revision 1 by its plan; sites without the demo's inspection are left alone. */
export async function reviewDemoResults(
  contextAt: (at: string) => ServerContext,
  inspected: readonly { site: DemoSite; siteIndex: number; inspectionId: string; flagged: boolean }[],
  supervisor: SignedInUser,
): Promise<DemoReviewCounts> {
  const counts: DemoReviewCounts = { created: 0, existing: 0 };
  let returned = 0;
  for (const { site, siteIndex, inspectionId, flagged } of inspected) {
    const plan = reviewPlan(siteIndex, flagged);
    if (plan === 'pending') continue;
    const firstFinding = site.findings[0];
    const comment = plan === 'returned' ? RETURN_COMMENTS[returned++ % RETURN_COMMENTS.length] : undefined;
    const itemComments =
      plan === 'returned' && firstFinding
        ? [{ itemId: firstFinding.itemId, comment: `${firstFinding.itemId}：请补拍能看清问题的照片` }]
        : [];
    const reviewedAt = new Date(Date.parse(site.submittedAt) + 86_400_000).toISOString();
    const { created } = await reviewInspection(contextAt(reviewedAt), supervisor, inspectionId, {
      revision: 1,
      decision: plan,
      ...(comment && { comment }),
      itemComments,
    });
    counts[created ? 'created' : 'existing']++;
  }
  return counts;
}
