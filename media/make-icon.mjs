// Draws media/icon.png (128x128, RGBA): a white padlock on a rounded indigo square, the shackle drawn
// open on the right as an await "gap". Pure Node (zlib), no image library: `node media/make-icon.mjs`.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const SAMPLES = 4; // 4x4 supersampling for smooth edges

const BG_TOP = [58, 64, 168];
const BG_BOTTOM = [30, 33, 102];
const FG = [255, 255, 255];
const ACCENT = [255, 196, 61];

// Signed distance helpers (negative inside).
const roundedRect = (x, y, x0, y0, x1, y1, r) => {
  const cx = Math.max(x0 + r, Math.min(x, x1 - r));
  const cy = Math.max(y0 + r, Math.min(y, y1 - r));
  const inside = x >= x0 && x <= x1 && y >= y0 && y <= y1;
  const d = Math.hypot(x - cx, y - cy) - r;
  return inside ? Math.min(d, 0) : Math.max(d, 0.0001);
};
const inRoundedRect = (x, y, x0, y0, x1, y1, r) => roundedRect(x, y, x0, y0, x1, y1, r) <= 0;

/** The colour at a sample point, or null for transparent. */
function sample(x, y) {
  if (!inRoundedRect(x, y, 4, 4, 124, 124, 24)) return null;
  const t = (y - 4) / 120;
  let color = BG_TOP.map((c, i) => Math.round(c + (BG_BOTTOM[i] - c) * t));

  // Shackle: a ring of radius 19..28 around (64, 54), upper half, with the left leg down into the body
  // and the right leg stopping short: the lock is open while the call awaits.
  const dx = x - 64;
  const dy = y - 54;
  const dist = Math.hypot(dx, dy);
  const ring = dist >= 17 && dist <= 27 && y <= 54;
  const leftLeg = x >= 37 && x <= 47 && y >= 54 && y <= 66;
  const rightLeg = x >= 81 && x <= 91 && y >= 54 && y <= 58;
  if (ring || leftLeg || rightLeg) color = FG;

  // Body.
  if (inRoundedRect(x, y, 28, 62, 100, 112, 10)) {
    color = FG;
    // Keyhole: a circle and a stem, in the background colour.
    const kd = Math.hypot(x - 64, y - 81);
    const stem = x >= 60.5 && x <= 67.5 && y >= 81 && y <= 97;
    if (kd <= 7.5 || stem) color = BG_BOTTOM;
  }

  // An amber "await" dot where the shackle is open.
  if (Math.hypot(x - 86, y - 46) <= 6) color = ACCENT;
  return color;
}

const pixels = Buffer.alloc(SIZE * SIZE * 4);
for (let py = 0; py < SIZE; py++) {
  for (let px = 0; px < SIZE; px++) {
    let r = 0, g = 0, b = 0, a = 0;
    for (let sy = 0; sy < SAMPLES; sy++) {
      for (let sx = 0; sx < SAMPLES; sx++) {
        const c = sample(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES);
        if (!c) continue;
        r += c[0];
        g += c[1];
        b += c[2];
        a += 1;
      }
    }
    const o = (py * SIZE + px) * 4;
    if (a > 0) {
      pixels[o] = Math.round(r / a);
      pixels[o + 1] = Math.round(g / a);
      pixels[o + 2] = Math.round(b / a);
    }
    pixels[o + 3] = Math.round((a / (SAMPLES * SAMPLES)) * 255);
  }
}

// PNG: signature, IHDR, IDAT (each row prefixed with filter type 0), IEND.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0);
ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // colour type: RGBA
ihdr[10] = 0; // compression
ihdr[11] = 0; // filter
ihdr[12] = 0; // no interlace

const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) {
  raw[y * (SIZE * 4 + 1)] = 0;
  pixels.copy(raw, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);
}

const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);

const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'icon.png');
writeFileSync(out, png);
console.log(`wrote ${out} (${png.length} bytes)`);
