/* SPDX-License-Identifier: MIT
 *
 * tc-reader.c — mapping a .tc file and finding its valid prefix.
 *
 * Opening validates the header and then every frame (length, alignment,
 * bounds, crc32) up to the first one that fails; everything before it is the
 * valid prefix, and only that is ever handed out.  The frame offsets found
 * are kept, so random access (tc_reader_frame_at) only accepts real frame
 * starts.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "tc-format-private.h"

struct TcReader
{
  const uint8_t *data;
  size_t         len;
  int            fd;         /* -1 for memory readers */
  void          *map;
  size_t         map_len;
  uint8_t       *owned;      /* aligned copy of an unaligned memory buffer */

  TcFileHeader   header;     /* copy: the mapping may be unaligned or change */
  TcFileState    state;
  uint64_t       valid_end;
  bool           ended;
  char           message[200];

  uint64_t      *offsets;
  size_t         n_frames;
  size_t         cap_frames;
};

static bool
all_zero (const uint8_t *p, size_t len)
{
  for (size_t i = 0; i < len; i++)
    if (p[i] != 0)
      return false;
  return true;
}

static TcStatus
check_header (const uint8_t *data, size_t len, TcFileHeader *out, TcError *error)
{
  static const uint8_t gzip_magic[2] = { 0x1f, 0x8b };
  size_t n = len < TC_MAGIC_LEN ? len : TC_MAGIC_LEN;
  uint16_t major = 0, minor = 0;

  if (len >= 2 && memcmp (data, gzip_magic, 2) == 0)
    {
      tc_error_set (error, TC_ERR_NOT_TC, 0, 0,
                    "not a timecapsule recording: this is a gzip file (an old-format "
                    "recording? convert it with `timecapsule convert`)");
      return TC_ERR_NOT_TC;
    }
  if (len == 0 || memcmp (data, TC_MAGIC, n) != 0)
    {
      tc_error_set (error, TC_ERR_NOT_TC, 0, 0,
                    len == 0 ? "not a timecapsule recording: the file is empty"
                             : "not a timecapsule recording (bad magic)");
      return TC_ERR_NOT_TC;
    }
  if (len >= offsetof (TcFileHeader, header_size))
    {
      memcpy (&major, data + offsetof (TcFileHeader, version_major), 2);
      memcpy (&minor, data + offsetof (TcFileHeader, version_minor), 2);
      if (major != TC_VERSION_MAJOR)
        {
          tc_error_set (error, TC_ERR_VERSION, 0, offsetof (TcFileHeader, version_major),
                        "this recording uses .tc format version %u.%u; this reader understands "
                        "version %u.x (a newer or older timecapsule wrote it)",
                        major, minor, TC_VERSION_MAJOR);
          return TC_ERR_VERSION;
        }
    }
  if (len < TC_HEADER_SIZE)
    {
      tc_error_set (error, TC_ERR_HEADER, 0, len,
                    "the recording is cut inside its header (%zu of %u bytes)", len, TC_HEADER_SIZE);
      return TC_ERR_HEADER;
    }
  memcpy (out, data, sizeof *out);
  if (out->little_endian != 1)
    {
      tc_error_set (error, TC_ERR_HEADER, 0, offsetof (TcFileHeader, little_endian),
                    "invalid header: byte order flag is %u (only little-endian files exist)",
                    out->little_endian);
      return TC_ERR_HEADER;
    }
  if (out->header_size < TC_HEADER_SIZE || out->header_size % TC_FRAME_ALIGN != 0
      || out->header_size > len)
    {
      tc_error_set (error, TC_ERR_HEADER, 0, offsetof (TcFileHeader, header_size),
                    "invalid header: header size %u (file is %zu bytes)", out->header_size, len);
      return TC_ERR_HEADER;
    }
  return TC_OK;
}

static bool
push_offset (TcReader *r, uint64_t offset)
{
  if (r->n_frames == r->cap_frames)
    {
      size_t cap = r->cap_frames ? r->cap_frames * 2 : 256;
      uint64_t *offsets = realloc (r->offsets, cap * sizeof *offsets);

      if (offsets == NULL)
        return false;
      r->offsets = offsets;
      r->cap_frames = cap;
    }
  r->offsets[r->n_frames++] = offset;
  return true;
}

/* Scan from r->valid_end to the first invalid frame or END. */
static TcStatus
scan (TcReader *r)
{
  uint64_t off = r->valid_end;
  const uint8_t *d = r->data;
  size_t len = r->len;

  for (;;)
    {
      size_t remaining = len - (size_t) off;
      TcFrameHeader fh;

      if (remaining == 0)
        {
          r->state = TC_STATE_TRUNCATED;
          snprintf (r->message, sizeof r->message,
                    "truncated at offset %" PRIu64 " (no END frame: the recording did not stop cleanly or is still being written)",
                    off);
          break;
        }
      if (remaining < sizeof fh || all_zero (d + off, remaining < sizeof fh ? remaining : sizeof fh))
        {
          /* A partial header, or zeros where a frame should start (what a
           * file system leaves after a power cut): the end of the data. */
          bool zeros = all_zero (d + off, remaining);

          r->state = TC_STATE_TRUNCATED;
          snprintf (r->message, sizeof r->message, "truncated at offset %" PRIu64 " (%s)", off,
                    zeros ? "zero-filled tail" : "partial frame header");
          if (!zeros && remaining >= sizeof fh)
            {
              r->state = TC_STATE_CORRUPT;
              snprintf (r->message, sizeof r->message,
                        "corrupt frame at offset %" PRIu64 " (zero frame header followed by data)", off);
            }
          break;
        }
      memcpy (&fh, d + off, sizeof fh);
      if (fh.length < sizeof fh || fh.length % TC_FRAME_ALIGN != 0 || fh.length > TC_FRAME_MAX_LEN)
        {
          r->state = TC_STATE_CORRUPT;
          snprintf (r->message, sizeof r->message,
                    "corrupt frame at offset %" PRIu64 " (invalid frame length %" PRIu32 ")", off, fh.length);
          break;
        }
      if (fh.length > remaining)
        {
          r->state = TC_STATE_TRUNCATED;
          snprintf (r->message, sizeof r->message,
                    "truncated at offset %" PRIu64 " (frame length past end of file)", off);
          break;
        }
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
      /* (The fuzz target skips this check so that mutated inputs reach the
       * decoders instead of stopping at the first crc.) */
      if (tc_frame_crc (&fh, d + off + sizeof fh, fh.length - sizeof fh, 0) != fh.crc32)
#else
      if (false)
#endif
        {
          r->state = TC_STATE_CORRUPT;
          snprintf (r->message, sizeof r->message,
                    "corrupt frame at offset %" PRIu64 " (crc mismatch in a frame of type %u)", off, fh.type);
          break;
        }
      if (!push_offset (r, off))
        return TC_ERR_NOMEM;
      off += fh.length;
      if (fh.type == TC_FRAME_END)
        {
          r->ended = true;
          r->state = TC_STATE_COMPLETE;
          if (off < len)
            snprintf (r->message, sizeof r->message,
                      "complete (%" PRIu64 " bytes after the END frame ignored)", (uint64_t) len - off);
          else
            snprintf (r->message, sizeof r->message, "complete");
          break;
        }
    }
  r->valid_end = off;
  return TC_OK;
}

static TcReader *
reader_new (void)
{
  TcReader *r = calloc (1, sizeof *r);

  if (r != NULL)
    r->fd = -1;
  return r;
}

/* Header check + first scan; frees r on failure. */
static TcReader *
reader_start (TcReader *r, TcError *error)
{
  if (check_header (r->data, r->len, &r->header, error) != TC_OK)
    {
      tc_reader_free (r);
      return NULL;
    }
  r->valid_end = r->header.header_size;
  if (scan (r) != TC_OK)
    {
      tc_error_set (error, TC_ERR_NOMEM, ENOMEM, 0, "out of memory");
      tc_reader_free (r);
      return NULL;
    }
  return r;
}

TcReader *
tc_reader_open_memory (const void *data, size_t len, TcError *error)
{
  TcReader *r;

  if (data == NULL && len > 0)
    {
      tc_error_set (error, TC_ERR_INVALID, 0, 0, "no data");
      return NULL;
    }
  r = reader_new ();
  if (r == NULL)
    {
      tc_error_set (error, TC_ERR_NOMEM, ENOMEM, 0, "out of memory");
      return NULL;
    }
  r->data = data;
  r->len = len;
  /* Frame headers are handed out as pointers: they must be 8-aligned. */
  if (((uintptr_t) data & 7) != 0)
    {
      r->owned = malloc (len ? len : 1);
      if (r->owned == NULL)
        {
          tc_error_set (error, TC_ERR_NOMEM, ENOMEM, 0, "out of memory");
          free (r);
          return NULL;
        }
      memcpy (r->owned, data, len);
      r->data = r->owned;
    }
  if (r->data == NULL)
    r->data = (const uint8_t *) "";
  return reader_start (r, error);
}

static bool
map_file (TcReader *r, size_t size, TcError *error)
{
  void *map;

  if (size == 0)
    return true;
  map = mmap (NULL, size, PROT_READ, MAP_PRIVATE, r->fd, 0);
  if (map == MAP_FAILED)
    {
      tc_error_set (error, TC_ERR_IO, errno, 0, "cannot map the file: %s", strerror (errno));
      return false;
    }
  if (r->map != NULL)
    munmap (r->map, r->map_len);
  r->map = map;
  r->map_len = size;
  r->data = map;
  r->len = size;
  return true;
}

TcReader *
tc_reader_open (const char *path, TcError *error)
{
  struct stat st;
  TcReader *r;

  if (path == NULL)
    {
      tc_error_set (error, TC_ERR_INVALID, 0, 0, "no path");
      return NULL;
    }
  r = reader_new ();
  if (r == NULL)
    {
      tc_error_set (error, TC_ERR_NOMEM, ENOMEM, 0, "out of memory");
      return NULL;
    }
  r->fd = open (path, O_RDONLY | O_CLOEXEC);
  if (r->fd < 0 || fstat (r->fd, &st) != 0)
    {
      tc_error_set (error, TC_ERR_IO, errno, 0, "cannot open %s: %s", path, strerror (errno));
      tc_reader_free (r);
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      tc_error_set (error, TC_ERR_NOT_TC, 0, 0, "not a timecapsule recording: %s is not a regular file", path);
      tc_reader_free (r);
      return NULL;
    }
  r->data = (const uint8_t *) "";
  r->len = 0;
  if (!map_file (r, (size_t) st.st_size, error))
    {
      tc_reader_free (r);
      return NULL;
    }
  return reader_start (r, error);
}

void
tc_reader_free (TcReader *r)
{
  if (r == NULL)
    return;
  if (r->map != NULL)
    munmap (r->map, r->map_len);
  if (r->fd >= 0)
    close (r->fd);
  free (r->owned);
  free (r->offsets);
  free (r);
}

bool
tc_reader_refresh (TcReader *r, TcError *error)
{
  struct stat st;
  size_t before;

  if (r == NULL || r->ended || r->fd < 0)
    return false;
  if (fstat (r->fd, &st) != 0)
    {
      tc_error_set (error, TC_ERR_IO, errno, 0, "cannot stat the file: %s", strerror (errno));
      return false;
    }
  if ((uint64_t) st.st_size < r->valid_end)
    {
      /* The valid prefix cannot shrink under a recorder that only appends. */
      tc_error_set (error, TC_ERR_IO, 0, (uint64_t) st.st_size,
                    "the file shrank to %lld bytes while being read", (long long) st.st_size);
      return false;
    }
  if ((size_t) st.st_size == r->len)
    return false;
  if (!map_file (r, (size_t) st.st_size, error))
    return false;
  /* The header's patched fields (data_end, end offsets) may have changed. */
  memcpy (&r->header, r->data, sizeof r->header);
  before = r->n_frames;
  if (scan (r) != TC_OK)
    {
      tc_error_set (error, TC_ERR_NOMEM, ENOMEM, 0, "out of memory");
      return false;
    }
  return r->n_frames > before;
}

const TcFileHeader *
tc_reader_header (const TcReader *r)
{
  return &r->header;
}

TcFileState
tc_reader_state (const TcReader *r)
{
  return r->state;
}

uint64_t
tc_reader_valid_end (const TcReader *r)
{
  return r->valid_end;
}

const char *
tc_reader_state_message (const TcReader *r)
{
  return r->message;
}

uint64_t
tc_reader_n_frames (const TcReader *r)
{
  return r->n_frames;
}

uint64_t
tc_reader_file_size (const TcReader *r)
{
  return r->len;
}

const uint8_t *
tc_reader_data (const TcReader *r)
{
  return r->data;
}

static void
fill_frame (const TcReader *r, uint64_t offset, TcFrame *frame)
{
  const TcFrameHeader *fh = (const TcFrameHeader *) (r->data + offset);

  frame->offset = offset;
  frame->header = fh;
  frame->payload = r->data + offset + sizeof *fh;
  frame->payload_len = fh->length - (uint32_t) sizeof *fh;
}

void
tc_frame_iter_init (TcFrameIter *iter, const TcReader *reader)
{
  iter->reader = reader;
  iter->offset = reader != NULL ? reader->header.header_size : 0;
}

bool
tc_frame_iter_next (TcFrameIter *iter, TcFrame *frame)
{
  const TcReader *r = iter->reader;

  /* The valid prefix is a contiguous run of checked frames. */
  if (r == NULL || iter->offset >= r->valid_end)
    return false;
  fill_frame (r, iter->offset, frame);
  iter->offset += frame->header->length;
  return true;
}

bool
tc_reader_frame_at (const TcReader *r, uint64_t offset, TcFrame *frame)
{
  size_t lo = 0, hi;

  if (r == NULL)
    return false;
  hi = r->n_frames;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;

      if (r->offsets[mid] < offset)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo == r->n_frames || r->offsets[lo] != offset)
    return false;
  fill_frame (r, offset, frame);
  return true;
}
