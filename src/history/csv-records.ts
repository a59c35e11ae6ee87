// CSV records, as RFC 4180 defines them and as spreadsheets write them: fields split on one separator, a field in
// double quotes may hold the separator, quotes ("") and line breaks. Lines end in CRLF, LF or CR (a spreadsheet on
// any system saves one of them). Pure text in, text out: csv.ts gives the fields their meaning.

/** One record and the line (1-based) of the file it starts on, for error messages. */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

export type CsvRecords = { readonly ok: true; readonly records: readonly CsvRecord[] } | { readonly ok: false; readonly problem: string };

/** The records of `text` (its BOM already removed), split on `separator`. */
export function readCsvRecords(text: string, separator: string): CsvRecords {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const endRecord = () => {
    fields.push(field);
    records.push({ line: recordLine, fields });
    fields = [];
    field = "";
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '"' && field === "") {
      const start = line;
      i += 1;
      for (;;) {
        if (i >= text.length) return { ok: false, problem: `line ${start}: a quoted field is never closed (a " is missing)` };
        const q = text[i];
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        if (q === "\n" || (q === "\r" && text[i + 1] !== "\n")) line += 1;
        field += q;
        i += 1;
      }
      const next = text[i];
      if (next !== undefined && next !== separator && next !== "\r" && next !== "\n") {
        return { ok: false, problem: `line ${line}: text after a quoted field's closing " (write "" for a quote inside it)` };
      }
      continue;
    }
    if (c === separator) {
      fields.push(field);
      field = "";
      i += 1;
    } else if (c === "\r" || c === "\n") {
      endRecord();
      i += c === "\r" && text[i + 1] === "\n" ? 2 : 1;
      line += 1;
      recordLine = line;
    } else {
      field += c;
      i += 1;
    }
  }
  // The last line may end without a line break.
  if (field !== "" || fields.length > 0) endRecord();
  return { ok: true, records };
}

/** One record as a line: a field holding the separator, a quote or a line break goes in quotes (RFC 4180 §2.6-2.7). */
export function csvLine(fields: readonly string[], separator: string): string {
  return fields.map((field) => (needsQuotes(field, separator) ? `"${field.replaceAll('"', '""')}"` : field)).join(separator);
}

function needsQuotes(field: string, separator: string): boolean {
  return field.includes(separator) || field.includes('"') || field.includes("\r") || field.includes("\n");
}
