// Reads the instrument inventory (data/assurance/instruments.json): every row is validated with instrumentSchema
// and ids must be unique, because the report joins requirements to evidence by property and cites instruments by
// id. A bad row is refused by name (index, id, field) rather than skipped, so a gap in the inventory never
// silently shrinks the audit-gap report.
import { InventoryError } from './errors';
import { instrumentSchema, type Instrument } from './types';

export function parseInventory(raw: unknown): Instrument[] {
  if (!Array.isArray(raw)) {
    throw new InventoryError(`The inventory must be a JSON array of instruments, got ${raw === null ? 'null' : typeof raw}`);
  }
  const seen = new Map<string, number>();
  return raw.map((row, index) => {
    const id = typeof row === 'object' && row !== null && typeof (row as { id?: unknown }).id === 'string' ? (row as { id: string }).id : undefined;
    const label = `row ${index}${id ? ` (${id})` : ''}`;
    const parsed = instrumentSchema.safeParse(row);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(row)'}: ${issue.message}`);
      throw new InventoryError(`Inventory ${label} is invalid: ${problems.join('; ')}`);
    }
    const first = seen.get(parsed.data.id);
    if (first !== undefined) throw new InventoryError(`Inventory ${label} repeats the id of row ${first}`);
    seen.set(parsed.data.id, index);
    return parsed.data;
  });
}
