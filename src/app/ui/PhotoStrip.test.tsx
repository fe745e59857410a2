// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PhotoStrip, type PhotoStripProps } from './PhotoStrip';

const SHOWN = 'a'.repeat(64);
const NOT_READ = 'b'.repeat(64);

function props(overrides: Partial<PhotoStripProps> = {}): PhotoStripProps {
  return {
    photos: [SHOWN, NOT_READ],
    thumbnails: { [SHOWN]: 'blob:shown' },
    busy: 0,
    readOnly: false,
    labels: {
      view: '查看照片',
      remove: '删除这张照片',
      processing: '正在处理照片…',
      take: '拍照',
      choose: '从相册选择',
    },
    testId: 'strip',
    onAdd: vi.fn(),
    onRemove: vi.fn(),
    onView: vi.fn(),
    ...overrides,
  };
}

const fileInputs = (container: HTMLElement) => [...container.querySelectorAll<HTMLInputElement>('input[type="file"]')];

afterEach(() => cleanup());

describe('the photo strip', () => {
  it('shows each photo’s thumbnail, or a placeholder until it is read; a tap opens the photo', () => {
    const onView = vi.fn();
    render(<PhotoStrip {...props({ onView })} />);
    const thumbs = screen.getAllByRole('button', { name: '查看照片' });
    expect(thumbs).toHaveLength(2);
    expect(thumbs[0]!.querySelector('img')?.getAttribute('src')).toBe('blob:shown');
    expect(thumbs[0]!.querySelector('img')?.getAttribute('alt')).toBe('');
    expect(thumbs[1]!.querySelector('img')).toBeNull();
    expect(thumbs[1]!.textContent).toBe('…');
    expect(screen.getByTestId('strip').tagName).toBe('UL');
    fireEvent.click(thumbs[1]!);
    expect(onView).toHaveBeenCalledWith(NOT_READ);
  });

  it('deletes a photo by its hash', () => {
    const onRemove = vi.fn();
    render(<PhotoStrip {...props({ onRemove })} />);
    fireEvent.click(screen.getAllByRole('button', { name: '删除这张照片' })[0]!);
    expect(onRemove).toHaveBeenCalledWith(SHOWN);
  });

  it('takes one photo with the back camera or several from the gallery', () => {
    const onAdd = vi.fn();
    const { container } = render(<PhotoStrip {...props({ onAdd })} />);
    const [camera, gallery] = fileInputs(container);
    expect(camera!.getAttribute('capture')).toBe('environment');
    expect(camera!.getAttribute('accept')).toBe('image/*');
    expect(camera!.multiple).toBe(false);
    expect(gallery!.multiple).toBe(true);
    expect(screen.getByText('拍照')).toBeTruthy();
    expect(screen.getByText('从相册选择')).toBeTruthy();
    const file = new File([new Uint8Array([0xff, 0xd8, 0xff])], 'photo.jpg', { type: 'image/jpeg' });
    fireEvent.change(camera!, { target: { files: [file] } });
    expect(onAdd).toHaveBeenCalledTimes(1);
  });

  it('says when photos are being processed', () => {
    const { rerender } = render(<PhotoStrip {...props()} />);
    expect(screen.queryByRole('status')).toBeNull();
    rerender(<PhotoStrip {...props({ busy: 2 })} />);
    expect(screen.getByRole('status').textContent).toBe('正在处理照片…');
  });

  it('read-only: photos can still be viewed, not deleted or added', () => {
    const onView = vi.fn();
    const { container } = render(<PhotoStrip {...props({ readOnly: true, onView })} />);
    expect(screen.queryByRole('button', { name: '删除这张照片' })).toBeNull();
    expect(fileInputs(container)).toHaveLength(0);
    expect(screen.queryByText('拍照')).toBeNull();
    fireEvent.click(screen.getAllByRole('button', { name: '查看照片' })[0]!);
    expect(onView).toHaveBeenCalledWith(SHOWN);
  });
});
