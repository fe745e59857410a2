import { expect, type Locator, type Page } from '@playwright/test';
import { SignInPage } from './sign-in.page';

/** The supervisor's workspace, driven as a supervisor at a desk uses it. */
export class OfficePage {
  constructor(private readonly page: Page) {}

  async signIn(username: string, password: string): Promise<void> {
    await this.page.goto('/');
    await new SignInPage(this.page).signIn(username, password);
    await expect(this.page.getByTestId('office')).toBeVisible({ timeout: 20_000 });
  }

  nav(name: '测评轮次' | '点位' | '用户' | '操作记录'): Locator {
    return this.page.getByRole('navigation', { name: '创文办工作台' }).getByRole('link', { name, exact: true });
  }

  tab(name: '设置与分配' | '测评结果' | '统计报告' | '通报' | '整改通知书' | '公开排名' | '审核'): Locator {
    return this.page.getByRole('navigation', { name: '本轮功能' }).getByRole('link', { name, exact: true });
  }

  async openRound(name: string): Promise<void> {
    await this.nav('测评轮次').click();
    await this.page.getByRole('link', { name, exact: true }).click();
    await expect(this.page.getByRole('heading', { level: 1, name })).toBeVisible();
  }

  /** Rows of a virtualised table, as arrays of cell texts. */
  async rows(testId: string): Promise<string[][]> {
    return this.page
      .getByTestId(testId)
      .locator('.vtable__body [role="row"]')
      .evaluateAll((rows) =>
        rows
          .map((row) => ({
            top: row.getBoundingClientRect().top,
            cells: [...row.children].map((cell) => cell.textContent ?? ''),
          }))
          .sort((a, b) => a.top - b.top)
          .map((row) => row.cells),
      );
  }

  /** Rows of a plain table body, as arrays of cell texts. */
  async tableRows(testId: string, section: 'tbody' | 'tfoot' = 'tbody'): Promise<string[][]> {
    return this.page
      .getByTestId(testId)
      .locator(`${section} tr`)
      .evaluateAll((rows) => rows.map((row) => [...row.children].map((cell) => cell.textContent ?? '')));
  }
}
