// A minimal reader of ZIP archives (the container of an .xlsx) on node:zlib alone: lists the entries from the
// central directory and streams one entry's bytes, checking its CRC-32 and size. The workbook verifier uses it to
// see what a workbook declares without loading it whole (a million-row report) and without a second zip library.

import * as fs from 'node:fs';
import { pipeline, type Readable } from 'node:stream';
import * as zlib from 'node:zlib';

/** The file is not a readable ZIP archive, or one of its entries is damaged. */
export class ZipFormatError extends Error {
  override readonly name = 'ZipFormatError';
}

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated: the only methods .xlsx writers use. */
  method: number;
  compressedSize: number;
  size: number;
  crc32: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const U32_MAX = 0xffffffff;

async function readAt(handle: fs.promises.FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  if (bytesRead !== length)
    throw new ZipFormatError(`unexpected end of file at byte ${position + bytesRead}`);
  return buffer;
}

/** The entries of the central directory, in their order there. */
export async function listZipEntries(file: string): Promise<ZipEntry[]> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const { size } = await handle.stat();
    // The end-of-central-directory record is 22 bytes plus a comment of up to 65,535.
    const tailStart = Math.max(0, size - 22 - 0xffff);
    const tail = await readAt(handle, tailStart, size - tailStart);
    let at = tail.length - 22;
    while (at >= 0 && tail.readUInt32LE(at) !== EOCD) at -= 1;
    if (at < 0) throw new ZipFormatError('not a ZIP archive (no end of central directory record)');
    let count = tail.readUInt16LE(at + 10);
    let directorySize = tail.readUInt32LE(at + 12);
    let directoryOffset = tail.readUInt32LE(at + 16);
    if (count === 0xffff || directoryOffset === U32_MAX) {
      const locatorAt = tailStart + at - 20;
      const locator = await readAt(handle, locatorAt, 20);
      if (locator.readUInt32LE(0) !== EOCD64_LOCATOR) throw new ZipFormatError('ZIP64 locator missing');
      const record = await readAt(handle, Number(locator.readBigUInt64LE(8)), 56);
      if (record.readUInt32LE(0) !== EOCD64) throw new ZipFormatError('ZIP64 end record missing');
      count = Number(record.readBigUInt64LE(32));
      directorySize = Number(record.readBigUInt64LE(40));
      directoryOffset = Number(record.readBigUInt64LE(48));
    }
    if (directoryOffset + directorySize > size)
      throw new ZipFormatError('central directory beyond end of file');
    const directory = await readAt(handle, directoryOffset, directorySize);
    return parseCentralDirectory(directory, count);
  } finally {
    await handle.close();
  }
}

function parseCentralDirectory(directory: Buffer, count: number): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let i = 0; i < count; i += 1) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL_HEADER)
      throw new ZipFormatError(`central directory entry ${i + 1} of ${count} is damaged`);
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    const entry: ZipEntry = {
      name: directory.toString('utf8', at + 46, at + 46 + nameLength),
      method: directory.readUInt16LE(at + 10),
      crc32: directory.readUInt32LE(at + 16),
      compressedSize: directory.readUInt32LE(at + 20),
      size: directory.readUInt32LE(at + 24),
      localHeaderOffset: directory.readUInt32LE(at + 42),
    };
    applyZip64Extra(entry, directory.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength));
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** ZIP64 keeps the sizes and offset that do not fit 32 bits in extra field 0x0001, in this order. */
function applyZip64Extra(entry: ZipEntry, extra: Buffer): void {
  for (let at = 0; at + 4 <= extra.length;) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === 0x0001) {
      let field = at + 4;
      const next = (): number => {
        const value = Number(extra.readBigUInt64LE(field));
        field += 8;
        return value;
      };
      if (entry.size === U32_MAX) entry.size = next();
      if (entry.compressedSize === U32_MAX) entry.compressedSize = next();
      if (entry.localHeaderOffset === U32_MAX) entry.localHeaderOffset = next();
    }
    at += 4 + length;
  }
}

/**
 * The decompressed bytes of one entry. Iterating the stream fails with a ZipFormatError when the data cannot be
 * inflated or its CRC-32 or size differs from the central directory's.
 */
export async function* readZipEntry(file: string, entry: ZipEntry): AsyncGenerator<Buffer> {
  if (entry.method !== 0 && entry.method !== 8)
    throw new ZipFormatError(`${entry.name}: unsupported compression method ${entry.method}`);
  const handle = await fs.promises.open(file, 'r');
  let dataStart: number;
  try {
    const header = await readAt(handle, entry.localHeaderOffset, 30);
    if (header.readUInt32LE(0) !== LOCAL_HEADER)
      throw new ZipFormatError(`${entry.name}: local header missing`);
    dataStart = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  } finally {
    await handle.close();
  }
  let crc = 0;
  let size = 0;
  if (entry.compressedSize > 0) {
    const raw = fs.createReadStream(file, { start: dataStart, end: dataStart + entry.compressedSize - 1 });
    const stream: Readable = entry.method === 8 ? pipeline(raw, zlib.createInflateRaw(), () => {}) : raw;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        crc = zlib.crc32(chunk, crc);
        size += chunk.length;
        yield chunk;
      }
    } catch (error) {
      throw new ZipFormatError(`${entry.name}: cannot be decompressed (${(error as Error).message})`);
    }
  }
  if (size !== entry.size)
    throw new ZipFormatError(`${entry.name}: ${size} bytes decompressed, the directory says ${entry.size}`);
  if (crc >>> 0 !== entry.crc32) throw new ZipFormatError(`${entry.name}: CRC-32 mismatch (damaged data)`);
}
