const BLOCK = 512;

/**
 * Finds one regular file in a tar archive (ustar/GNU/pax; names compared without a leading `./`).
 * MAAS's `maas-scripts` answer is a small uncompressed tar; we need only its `index.json`, so a
 * full tar library would be dead weight in the binary.
 */
export function readTarEntry(archive: Uint8Array, wanted: string): Buffer | null {
  const data = Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
  let offset = 0;
  let longName: string | null = null;
  while (offset + BLOCK <= data.length) {
    const header = data.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    const size = parseSize(header.subarray(124, 136));
    const type = String.fromCharCode(header[156] || 0x30);
    const body = data.subarray(offset + BLOCK, offset + BLOCK + size);
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === "L") {
      // GNU long name: the next header's file name is this entry's body.
      longName = cString(body);
      continue;
    }
    if (type === "x" || type === "g") {
      const path = /\d+ path=([^\n]*)\n/.exec(body.toString("utf8"));
      if (path) longName = path[1]!;
      continue;
    }
    const prefix = header.subarray(257, 263).toString("latin1").startsWith("ustar")
      ? cString(header.subarray(345, 500))
      : "";
    const name =
      longName ??
      (prefix ? `${prefix}/${cString(header.subarray(0, 100))}` : cString(header.subarray(0, 100)));
    longName = null;
    if ((type === "0" || type === "\0") && name.replace(/^\.\//, "") === wanted) return Buffer.from(body);
  }
  return null;
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end < 0 ? bytes.length : end).toString("utf8");
}

function parseSize(field: Buffer): number {
  // GNU base-256 for sizes past 8 GiB; never in practice here, but cheap to honour.
  if (field[0]! & 0x80) return field.subarray(1).reduce((value, byte) => value * 256 + byte, 0);
  const text = cString(field).trim();
  return text ? Number.parseInt(text, 8) : 0;
}
