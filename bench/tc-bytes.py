#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Where the bytes of a .tc recording go: bytes per frame type (frame
headers and padding included) and, for EVENTS blocks, the raw size of each
plane of the stream (docs/FORMAT.md §6), all divided by the events in the
file.  Reads the file directly (header, frame headers, EVENTS fixed part);
it does not validate anything: run it on files the reader accepts.

    python3 bench/tc-bytes.py recording.tc [...]
"""
import collections
import struct
import sys
import zlib

NAMES = {1: "SESSION", 2: "THREAD", 3: "FILE", 4: "CODE", 5: "VAR", 6: "METRIC_DEF",
         7: "COUNTER_DEF", 8: "EVENTS", 9: "SNAPSHOT", 10: "METRICS", 11: "SYSTEM",
         12: "WARNING", 13: "CRASH", 14: "MARK", 15: "LINE_HITS", 16: "SOURCE",
         17: "RETURN_VALUE", 18: "SAMPLES", 19: "INDEX", 20: "END", 21: "RETURN_VALUES"}
HEADER_SIZE = 256
FRAME_HEADER = struct.Struct("<IHHIIQ")
EVENTS_FIXED = struct.Struct("<IIQB3xI")


def breakdown(path):
    with open(path, "rb") as f:
        data = f.read()
    minor = struct.unpack_from("<H", data, 10)[0]
    size = collections.Counter({"file header": HEADER_SIZE})
    frames = collections.Counter()
    planes = collections.Counter()
    n_events = 0
    off = HEADER_SIZE
    while off + FRAME_HEADER.size <= len(data):
        length, ftype, _, _, _, _ = FRAME_HEADER.unpack_from(data, off)
        if length < FRAME_HEADER.size or off + length > len(data):
            break
        name = NAMES.get(ftype, "type %d" % ftype)
        size[name] += length
        frames[name] += 1
        if ftype == 8:
            n, raw_len, _, codec, codes_offset = EVENTS_FIXED.unpack_from(data, off + FRAME_HEADER.size)
            n_events += n
            body = data[off + FRAME_HEADER.size + EVENTS_FIXED.size:off + length]
            stream = zlib.decompressobj(-15).decompress(body) if codec in (1, 3) else body
            planes["compressed stream"] += len(body)
            if codec in (2, 3):
                planes["raw: kinds"] += n
                planes["raw: delta first bytes"] += n
                planes["raw: delta other bytes"] += codes_offset - 2 * n
            else:
                planes["raw: head first bytes"] += n
                planes["raw: head other bytes"] += codes_offset - n
            planes["raw: code ids"] += raw_len - codes_offset
            assert len(stream) >= raw_len
        off += length
    total = len(data)
    print("%s: version 1.%d, %d bytes, %d events, %.3f bytes/event"
          % (path, minor, total, n_events, total / max(n_events, 1)))
    for name, b in size.most_common():
        print("  %-14s %5s frames %10d bytes %5.1f %%  %.3f B/event"
              % (name, frames.get(name, ""), b, 100.0 * b / total, b / max(n_events, 1)))
    for name, b in sorted(planes.items()):
        print("  EVENTS %-24s %10d bytes  %.3f B/event" % (name, b, b / max(n_events, 1)))


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        breakdown(arg)
