#!/usr/bin/python3
"""Writes the seed files of the fuzz_figure_source target: the smallest PNG, SVG, PDF (literal and
UTF-16 hex Keywords) and GIF that carry a figure source the way `attnscope export` embeds it. The
source text is taken from assets/figures/heatmap.png, a real export."""
import os
import struct
import zlib

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
out = os.path.join(here, "corpus", "fuzz_figure_source")
os.makedirs(out, exist_ok=True)


def png_chunks(data):
    at = 8
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        yield kind, data[at + 8:at + 8 + length]
        at += 12 + length


with open(os.path.join(root, "assets", "figures", "heatmap.png"), "rb") as f:
    source = next(body for kind, body in png_chunks(f.read()) if kind == b"tEXt" and body.startswith(b"attnscope\0"))
source = source[len(b"attnscope\0"):]


def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
png += chunk(b"tEXt", b"attnscope\0" + source) + chunk(b"IDAT", zlib.compress(b"\0\0\0\0")) + chunk(b"IEND", b"")
open(os.path.join(out, "figure.png"), "wb").write(png)

text = source.decode()
escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
svg = ('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="1pt" height="1pt">\n'
       '<title>t</title>\n<metadata id="attnscope-source">' + escaped + "</metadata>\n</svg>\n")
open(os.path.join(out, "figure.svg"), "w").write(svg)

literal = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
pdf = "%PDF-1.5\n1 0 obj\n<< /Creator (attnscope) /Keywords (" + literal + ") >>\nendobj\ntrailer << /Info 1 0 R >>\n%%EOF\n"
open(os.path.join(out, "figure_literal.pdf"), "w").write(pdf)
hex_text = "FEFF" + text.encode("utf-16-be").hex().upper()
pdf = "%PDF-1.5\n1 0 obj\n<< /Keywords <" + hex_text + "> >>\nendobj\n%%EOF\n"
open(os.path.join(out, "figure_hex.pdf"), "w").write(pdf)

gif = b"GIF89a" + struct.pack("<HHBBB", 1, 1, 0x80, 0, 0) + b"\0\0\0\xff\xff\xff"
gif += b"!\xff\x0bNETSCAPE2.0\x03\x01\0\0\0"
gif += b"!\xfe" + b"".join(bytes([len(source[i:i + 255])]) + source[i:i + 255] for i in range(0, len(source), 255)) + b"\0"
gif += b",\0\0\0\0\1\0\1\0\0" + b"\x02\x02\x44\x01\0" + b";"
open(os.path.join(out, "figure.gif"), "wb").write(gif)
