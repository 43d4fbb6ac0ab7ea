/**
 * The sidebar's choices for a sheet (column mapping and settings), remembered per document in
 * the document's properties (PropertiesService: 9 KB per value, 500 KB per store), so the next
 * run on the same sheet starts from them. A saved column whose header is gone is dropped.
 */
import './gas.ts';

export interface SavedSettings {
  columns: Record<string, string>;
  timeUnit?: string;
  horizon?: number;
  discountRate?: number;
  margin?: number;
  tierScheme?: string;
  model?: string;
  /** Where the customers table went: its own sheet (outputSheet, blank = the default name) or beside the data. */
  output?: 'sheet' | 'beside';
  outputSheet?: string;
}

const PROPERTY_VALUE_LIMIT = 9 * 1024;
const key = (sheetName: string) => `pyramid-settings:${sheetName}`;

function store(): any {
  try {
    return PropertiesService.getDocumentProperties();
  } catch {
    return null; // no document (run from the editor): nothing to remember
  }
}

export function saveSettings(sheetName: string, s: SavedSettings): void {
  const text = JSON.stringify(s);
  if (text.length * 3 > PROPERTY_VALUE_LIMIT) return; // absurdly long headers: not worth a quota error
  try {
    store()?.setProperty(key(sheetName), text);
  } catch {
    // store full: the run's results matter more than remembering its settings
  }
}

export function loadSettings(sheetName: string, headers: string[]): SavedSettings | null {
  let s: SavedSettings;
  try {
    const text = store()?.getProperty(key(sheetName));
    if (!text) return null;
    s = JSON.parse(text) as SavedSettings;
  } catch {
    return null;
  }
  const present = new Set(headers);
  const columns: Record<string, string> = {};
  for (const [role, h] of Object.entries(s.columns ?? {})) if (present.has(h)) columns[role] = h;
  return { ...s, columns };
}
