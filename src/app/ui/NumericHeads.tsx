/** Column heads of counts and scores, right-aligned (`num`): the office's and the recheck tables head them alike. */
export function NumericHeads({ labels }: { labels: readonly string[] }) {
  return labels.map((label) => (
    <th key={label} scope="col" className="num">
      {label}
    </th>
  ));
}
