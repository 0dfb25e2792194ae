import type { ConversationFacts } from '../reporting/conversation-facts';
import {
  COLUMN_TYPES,
  type ColumnName,
  columnsOf,
  type FactColumns,
  STRING_COLUMNS,
  StringIds,
} from '../reporting/fact-columns';

/**
 * A settled conversation as stored: the engine's facts plus what the report's filters read before
 * the engine (channel, the row's tier and group, every agent named on an event).
 */
export interface SettledConversation {
  facts: ConversationFacts;
  channel: string;
  rowTier: string | null;
  group: string | null;
  /** Agents on any event (sender, assignee, transfer source), test agents included: the `agent` filter. */
  mentions: string[];
}

/**
 * Block encoding (what `report_fact_blocks.data` holds since migration 0007; 0006 stored JSON): the
 * columns of `FactColumns` as raw little-endian typed arrays, so reading a block is a copy and a
 * remapping of its string ids — no parsing per conversation and no objects.
 *
 *   u32 magic 'FRC2' · u32 header length · u32 ids length · u32 0 · header JSON {n, strings} ·
 *   ids JSON (the conversation ids), padded to 8 bytes · per column in `COLUMN_TYPES` order:
 *   u32 byte length, padded to 8, the bytes, padded to 8.
 *
 * `strings` is the block's own string table (the string columns index it); the ids are parsed only
 * when asked for (a report rarely needs them).
 */
const MAGIC = 0x32435246; // 'FRC2'

const pad8 = (n: number) => (n + 7) & ~7;

export function encodeBlock(list: readonly SettledConversation[]): Uint8Array {
  const local = new StringIds();
  const columns = columnsOf(list, local);
  const encoder = new TextEncoder();
  const header = encoder.encode(JSON.stringify({ n: list.length, strings: local.names }));
  const ids = encoder.encode(JSON.stringify(list.map((x) => x.facts.id)));
  const names = Object.keys(COLUMN_TYPES) as ColumnName[];
  const start = pad8(16 + header.length + ids.length);
  let size = start;
  for (const name of names) size += 8 + pad8(columns[name].byteLength);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, header.length, true);
  view.setUint32(8, ids.length, true);
  out.set(header, 16);
  out.set(ids, 16 + header.length);
  let at = start;
  for (const name of names) {
    const column = columns[name];
    view.setUint32(at, column.byteLength, true);
    at += 8;
    out.set(new Uint8Array(column.buffer, column.byteOffset, column.byteLength), at);
    at += pad8(column.byteLength);
  }
  return out;
}

/** A decoded block: its columns (strings numbered by the reader's `StringIds`) and, on demand, its ids. */
export interface ColumnBlock {
  columns: FactColumns;
  conversationIds(): string[];
}

/**
 * Reads a block written by `encodeBlock`; its strings are numbered in `ids`. `owned`: nothing else
 * uses `data`, so when it spans a whole buffer the columns are views on it, renumbered in place
 * (no copy: a month is 268 MB of fresh memory less to fault in); otherwise one aligned copy.
 */
export function decodeBlock(data: Uint8Array, ids: StringIds, owned = false): ColumnBlock {
  const whole = owned && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
  const buffer = whole ? (data.buffer as ArrayBuffer) : new ArrayBuffer(data.byteLength);
  const bytes = new Uint8Array(buffer);
  if (!whole) bytes.set(data);
  const view = new DataView(buffer);
  if (view.getUint32(0, true) !== MAGIC) throw new Error('settled facts: not a columnar block');
  const headerLength = view.getUint32(4, true);
  const idsLength = view.getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + headerLength))) as {
    n: number;
    strings: string[];
  };
  const idBytes = bytes.subarray(16 + headerLength, 16 + headerLength + idsLength);
  const remap = new Int32Array(header.strings.length);
  for (let i = 0; i < header.strings.length; i++) remap[i] = ids.id(header.strings[i]!);
  const columns = { size: header.n } as FactColumns;
  let at = pad8(16 + headerLength + idsLength);
  for (const name of Object.keys(COLUMN_TYPES) as ColumnName[]) {
    const byteLength = view.getUint32(at, true);
    at += 8;
    const Type = COLUMN_TYPES[name];
    (columns as unknown as Record<string, unknown>)[name] = new Type(
      buffer,
      at,
      byteLength / Type.BYTES_PER_ELEMENT,
    );
    at += pad8(byteLength);
  }
  for (const name of STRING_COLUMNS) {
    const column = columns[name] as Int32Array;
    for (let i = 0; i < column.length; i++) if (column[i]! >= 0) column[i] = remap[column[i]!]!;
  }
  return {
    columns,
    conversationIds: () => JSON.parse(new TextDecoder().decode(idBytes)) as string[],
  };
}
