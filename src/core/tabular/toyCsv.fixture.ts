// Test helper shared by the tabular engine test and the assurance tabular emitter test: a small synthetic CSV the
// real engine loads and cross-validates in milliseconds. Test-only.

/** A small headed CSV: two informative features, a text column, a binary label with a 3:1 imbalance (row 0 'yes'). */
export function toyCsv(rows = 120): string {
  const lines = ['x1,x2,colour,label'];
  for (let i = 0; i < rows; i++) {
    const y = i % 4 === 0 ? 'yes' : 'no';
    const shift = y === 'yes' ? 1.5 : 0;
    lines.push(`${((i * 37) % 17) / 10 + shift},${((i * 13) % 11) / 10 - shift},${['red', 'green', 'blue'][i % 3]},${y}`);
  }
  return lines.join('\n');
}
