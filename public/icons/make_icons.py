#!/usr/bin/env python3
"""Draws Anyuan's app icons (a teal shield with a check mark, the shape of
IconShield in src/components/icons.rs) and writes them as PNG files next to
this script. Standard library only; the output is deterministic.

    python3 public/icons/make_icons.py

Shapes are given in the 24x24 units of the inline SVG and scaled per icon.
Fills are anti-aliased by exact horizontal coverage on 8 sub-scanlines per
pixel row; the check mark's round-capped stroke by its distance to the pixel.
"""

import math
import os
import struct
import zlib

TEAL = (0x0B, 0x6E, 0x6E)
WHITE = (0xFF, 0xFF, 0xFF)
SUB_ROWS = 8


def cubic(p0, p1, p2, p3, steps=32):
    """Points of a cubic Bezier curve, without its start point."""
    out = []
    for i in range(1, steps + 1):
        t = i / steps
        u = 1 - t
        out.append((
            u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
            u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1],
        ))
    return out


# M12 3l8 3v6c0 4.5-3.4 8.3-8 9-4.6-.7-8-4.5-8-9V6z
SHIELD = [(12, 3), (20, 6), (20, 12)]
SHIELD += cubic((20, 12), (20, 16.5), (16.6, 20.3), (12, 21))
SHIELD += cubic((12, 21), (7.4, 20.3), (4, 16.5), (4, 12))
SHIELD += [(4, 6)]
# M8.5 12l2.5 2.5 4.5-5, stroke-width 2, round caps and joins
CHECK = [(8.5, 12), (11, 14.5), (15.5, 9.5)]
CHECK_WIDTH = 2.0


def fill_coverage(size, polygon):
    """Coverage (0..1) of each pixel by a closed polygon given in pixels."""
    cov = [[0.0] * size for _ in range(size)]
    edges = list(zip(polygon, polygon[1:] + polygon[:1]))
    weight = 1.0 / SUB_ROWS
    for y in range(size):
        row = cov[y]
        for k in range(SUB_ROWS):
            sy = y + (k + 0.5) / SUB_ROWS
            xs = []
            for (x0, y0), (x1, y1) in edges:
                if (y0 <= sy < y1) or (y1 <= sy < y0):
                    xs.append(x0 + (sy - y0) * (x1 - x0) / (y1 - y0))
            xs.sort()
            for a, b in zip(xs[0::2], xs[1::2]):
                a = max(a, 0.0)
                b = min(b, float(size))
                if b <= a:
                    continue
                ia, ib = int(a), int(b)
                if ia == ib:
                    row[ia] += (b - a) * weight
                    continue
                row[ia] += (ia + 1 - a) * weight
                for x in range(ia + 1, ib):
                    row[x] += weight
                if ib < size:
                    row[ib] += (b - ib) * weight
    return cov


def stroke_coverage(size, points, width):
    """Coverage of each pixel by a polyline with round caps and joins."""
    cov = [[0.0] * size for _ in range(size)]
    half = width / 2
    x_lo = max(int(min(p[0] for p in points) - half - 2), 0)
    x_hi = min(int(max(p[0] for p in points) + half + 2), size - 1)
    y_lo = max(int(min(p[1] for p in points) - half - 2), 0)
    y_hi = min(int(max(p[1] for p in points) + half + 2), size - 1)
    segments = list(zip(points, points[1:]))
    for y in range(y_lo, y_hi + 1):
        cy = y + 0.5
        for x in range(x_lo, x_hi + 1):
            cx = x + 0.5
            d = min(segment_distance(cx, cy, a, b) for a, b in segments)
            cov[y][x] = min(max(half - d + 0.5, 0.0), 1.0)
    return cov


def segment_distance(px, py, a, b):
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    t = ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)
    t = min(max(t, 0.0), 1.0)
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def render(size, scale, background, shield, check):
    """RGBA rows: optional full-bleed background, the shield, the check."""
    def place(points):
        return [((x - 12) * scale + size / 2, (y - 12) * scale + size / 2) for x, y in points]

    shield_cov = fill_coverage(size, place(SHIELD))
    check_cov = stroke_coverage(size, place(CHECK), CHECK_WIDTH * scale)
    rows = []
    for y in range(size):
        row = bytearray()
        for x in range(size):
            s = min(shield_cov[y][x], 1.0)
            c = check_cov[y][x] * s
            # Check over shield, then the shield over the background.
            top = [shield[i] + (check[i] - shield[i]) * c / s if s else shield[i] for i in range(3)]
            if background is None:
                rgb, alpha = top, s
            else:
                rgb, alpha = [background[i] + (top[i] - background[i]) * s for i in range(3)], 1.0
            row += bytes(int(round(v)) for v in rgb) + bytes([int(round(alpha * 255))])
        rows.append(bytes(row))
    return rows


def png(size, rows):
    """An RGBA PNG, each row filtered with whichever of None/Sub/Up is smallest."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = bytearray()
    prev = bytes(len(rows[0]))
    for row in rows:
        sub = bytes((row[i] - (row[i - 4] if i >= 4 else 0)) & 0xFF for i in range(len(row)))
        up = bytes((row[i] - prev[i]) & 0xFF for i in range(len(row)))
        def cost(data):
            return sum(v if v < 128 else 256 - v for v in data)
        kind, data = min([(0, row), (1, sub), (2, up)], key=lambda f: cost(f[1]))
        raw.append(kind)
        raw += data
        prev = row
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b""))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    # The shield is 16 x 18 units; its farthest points from the centre
    # (the top corners) are 10 units away.
    icons = [
        # "any" icons: a teal shield on transparency, filling ~90% of the height.
        ("icon-192.png", 192, 0.9 * 192 / 18, None, TEAL, WHITE),
        ("icon-512.png", 512, 0.9 * 512 / 18, None, TEAL, WHITE),
        # Maskable: full-bleed teal; the white shield stays inside the safe zone,
        # the centred circle of radius 40% (here 38%, to leave a margin).
        ("icon-maskable-512.png", 512, 0.38 * 512 / 10, TEAL, WHITE, TEAL),
        # iOS rounds the corners itself and wants no transparency.
        ("apple-touch-icon.png", 180, 0.42 * 180 / 10, TEAL, WHITE, TEAL),
    ]
    for name, size, scale, background, shield, check in icons:
        data = png(size, render(size, scale, background, shield, check))
        with open(os.path.join(here, name), "wb") as f:
            f.write(data)
        print(f"{name}: {size}x{size}, {len(data)} bytes")


if __name__ == "__main__":
    main()
