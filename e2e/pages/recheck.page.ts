import { expect, type Locator, type Page } from '@playwright/test';

/** The rechecker's screens, driven the way a rechecker uses them on the phone. */
export class RecheckPage {
  constructor(private readonly page: Page) {}

  heading(): Locator {
    return this.page.getByRole('heading', { name: '复查任务', level: 1 });
  }

  photoStatus(): Locator {
    return this.page.getByTestId('before-photo-status');
  }

  /** The list entry of one rectification. */
  task(rectificationId: string): Locator {
    return this.page.locator(`a[data-rectification-id="${rectificationId}"]`);
  }

  site(siteName: string): Locator {
    return this.page.locator('.recheck-site').filter({ has: this.page.getByRole('heading', { name: siteName }) });
  }

  async open(rectificationId: string, title: string): Promise<void> {
    await this.task(rectificationId).click();
    await expect(this.page.getByRole('heading', { level: 1 })).toHaveText(title);
  }

  async back(): Promise<void> {
    await this.page.getByRole('link', { name: /返回/ }).click();
    await expect(this.heading()).toBeVisible();
  }

  verdict(name: '已整改' | '未整改'): Locator {
    return this.page.getByRole('radiogroup', { name: '复查结论' }).getByRole('radio', { name });
  }

  async choose(name: '已整改' | '未整改'): Promise<void> {
    await this.verdict(name).click();
    await expect(this.verdict(name)).toHaveAttribute('aria-checked', 'true');
  }

  beforePhotos(): Locator {
    return this.page.getByTestId('before-photos').locator('img');
  }

  afterPhotos(): Locator {
    return this.page.getByTestId('after-photos').locator('img');
  }

  /** Takes an after-photo through the camera input; waits until its thumbnail is shown. */
  async photo(file: string): Promise<void> {
    const before = await this.afterPhotos().count();
    await this.page.locator('input[data-picker="camera"]').setInputFiles(file);
    await expect(this.afterPhotos()).toHaveCount(before + 1, { timeout: 20_000 });
  }

  note(): Locator {
    return this.page.getByLabel('复查备注');
  }

  async submit(): Promise<void> {
    await this.page.getByRole('button', { name: '提交复查结论' }).click();
  }

  submitted(): Locator {
    return this.page.getByText('复查结论已提交，联网后将自动上传。');
  }
}
