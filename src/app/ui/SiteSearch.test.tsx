// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SiteSearch } from './SiteSearch';

afterEach(() => cleanup());

describe('the site search box', () => {
  it('is a search box named by its placeholder’s text, and reports what is typed', () => {
    const onChange = vi.fn();
    render(<SiteSearch label="搜索点位" value="" onChange={onChange} />);
    const box = screen.getByRole('searchbox', { name: '搜索点位' });
    expect(box.getAttribute('placeholder')).toBe('搜索点位');
    fireEvent.change(box, { target: { value: '新华' } });
    expect(onChange).toHaveBeenCalledWith('新华');
  });

  it('takes the toolbar’s free width when asked', () => {
    const { container, rerender } = render(<SiteSearch label="搜索" value="x" onChange={vi.fn()} />);
    expect(container.querySelector('label')?.className).toBe('field');
    rerender(<SiteSearch label="搜索" value="x" onChange={vi.fn()} grow />);
    const label = container.querySelector('label')!;
    expect(label.className).toBe('field toolbar__grow');
    expect(label.querySelector('span')?.outerHTML).toBe('<span class="visually-hidden">搜索</span>');
    expect(label.querySelector('input')?.className).toBe('field__input');
  });
});
