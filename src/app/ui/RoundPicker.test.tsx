// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RoundPicker } from './RoundPicker';

const ROUNDS = [
  { id: 'R2', name: '第二轮' },
  { id: 'R1', name: '第一轮' },
];

afterEach(() => cleanup());

describe('the round picker', () => {
  it('offers several rounds in a labelled drop-down, and reports the one chosen', () => {
    const onChange = vi.fn();
    render(<RoundPicker label="测评轮次" rounds={ROUNDS} value="R2" onChange={onChange} />);
    const select = screen.getByRole<HTMLSelectElement>('combobox', { name: '测评轮次' });
    expect(select.value).toBe('R2');
    expect([...select.options].map((option) => [option.value, option.textContent])).toEqual([
      ['R2', '第二轮'],
      ['R1', '第一轮'],
    ]);
    fireEvent.change(select, { target: { value: 'R1' } });
    expect(onChange).toHaveBeenCalledWith('R1');
  });

  it('names the only round, and shows an empty line when there is none', () => {
    const { container, rerender } = render(
      <RoundPicker label="测评轮次" rounds={ROUNDS.slice(1)} value="R1" onChange={vi.fn()} />,
    );
    expect(container.innerHTML).toBe('<p class="muted toolbar__grow">第一轮</p>');
    rerender(<RoundPicker label="测评轮次" rounds={[]} value={undefined} onChange={vi.fn()} />);
    expect(container.innerHTML).toBe('<p class="muted toolbar__grow"></p>');
  });
});
