// @vitest-environment happy-dom
import { cleanup, render } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import { NumericHeads } from './NumericHeads';

afterEach(() => cleanup());

it('heads number columns in order, right-aligned', () => {
  const { container } = render(
    <table>
      <thead>
        <tr>
          <NumericHeads labels={['已销号', '未销号']} />
        </tr>
      </thead>
    </table>,
  );
  expect(container.querySelector('tr')?.innerHTML).toBe(
    '<th scope="col" class="num">已销号</th><th scope="col" class="num">未销号</th>',
  );
});
