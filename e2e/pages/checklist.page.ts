import { expect, type Locator, type Page } from '@playwright/test';

/** The checklist of one site, driven the way an inspector uses it. */
export class ChecklistPage {
  constructor(private readonly page: Page) {}

  item(itemId: string): Locator {
    return this.page.locator(`#item-${itemId}`);
  }

  async grade(itemId: string, grade: string): Promise<void> {
    const button = this.item(itemId).getByRole('radio', { name: new RegExp(`^${grade.replace('#', '\\#')}\\s`) });
    await button.click();
    await expect(button).toHaveAttribute('aria-checked', 'true');
  }

  async count(itemId: string, defects: number): Promise<void> {
    await this.item(itemId).getByRole('spinbutton').fill(String(defects));
  }

  async note(itemId: string, text: string): Promise<void> {
    await this.item(itemId).getByLabel('备注').fill(text);
  }

  /** Takes a photo through the camera input; waits until its thumbnail is shown. */
  async photo(itemId: string, file: string): Promise<void> {
    const item = this.item(itemId);
    const before = await item.locator('.photo-strip__thumb').count();
    await item.locator('input[data-picker="camera"]').setInputFiles(file);
    await expect(item.locator('.photo-strip__thumb img')).toHaveCount(before + 1, { timeout: 20_000 });
  }

  score(): Locator {
    return this.page.getByTestId('running-score');
  }

  unanswered(): Locator {
    return this.page.getByTestId('unanswered-count');
  }

  async submit(): Promise<void> {
    await this.page.getByRole('button', { name: '提交测评' }).click();
  }
}
