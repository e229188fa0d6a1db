/* SPDX-License-Identifier: MIT
 *
 * tc-writer.c — appending frames to a .tc file.
 *
 * Frames are assembled whole in a buffer and written with pwrite at offsets
 * the writer tracks itself, so a flush only ever adds complete frames after
 * the previous ones: a reader (or a crash) sees a valid prefix at all times.
 * After each flush the header's data_end/end_time_ns are patched in place.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "tc-format-private.h"

#define DEFAULT_BUFFER_SIZE  (256u * 1024u)
#define DEFAULT_ZLIB_LEVEL   1
#define SOURCE_CHUNK         (1024u * 1024u)
/* Snapshot and crash bodies smaller than this are not worth a zlib stream. */
#define ZLIB_BODY_THRESHOLD  512u
/* A RETURN_VALUES batch is closed at each flush, or when it gets this big. */
#define RETURN_VALUES_BATCH  (256u * 1024u)
#define MAX_INDEX_ENTRIES    ((TC_FRAME_MAX_LEN - sizeof (TcFrameHeader) - sizeof (TcIndexFixed)) / sizeof (TcIndexEntry))

struct TcWriter
{
  int        fd;
  TcStatus   status;          /* first I/O failure; sticky */
  int        sys_errno;
  uint64_t   start_monotonic_ns;

  uint8_t   *buf;
  size_t     buf_len;
  size_t     buf_cap;
  uint64_t   file_off;        /* file offset of buf[0] = bytes written so far */
  uint64_t   newest_ns;       /* end_time_ns for the header */

  TcEncoder  payload;         /* the frame being built */
  TcEncoder  body;            /* body before compression */
  TcDeflater deflater;
  TcEventsPacker packer;      /* tc_writer_write_events */

  TcEncoder  rv_body;         /* the open RETURN_VALUES batch: its body */
  uint32_t   rv_n;
  uint64_t   rv_first_ns;
  uint64_t   rv_prev_ns;
  uint64_t   rv_end_ns;

  TcIndexEntry *index;
  size_t        n_index;
  size_t        cap_index;
  bool          index_overflow;

  uint64_t   n_events;
  uint64_t   n_snapshots;
  uint64_t   n_frames;
};

static const uint8_t zero_pad[TC_FRAME_ALIGN];

static uint64_t
monotonic_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

/* pwrite everything or fail; async-signal-safe. */
static bool
pwrite_all (int fd, const void *data, size_t len, uint64_t offset)
{
  const uint8_t *p = data;

  while (len > 0)
    {
      ssize_t n = pwrite (fd, p, len, (off_t) offset);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return false;
        }
      if (n == 0)
        {
          errno = EIO;
          return false;
        }
      p += n;
      len -= (size_t) n;
      offset += (uint64_t) n;
    }
  return true;
}

static TcStatus
fail_io (TcWriter *w)
{
  if (w->status == TC_OK)
    {
      w->status = TC_ERR_IO;
      w->sys_errno = errno;
    }
  return w->status;
}

static TcStatus
write_buffer (TcWriter *w)
{
  if (w->buf_len == 0)
    return TC_OK;
  if (!pwrite_all (w->fd, w->buf, w->buf_len, w->file_off))
    return fail_io (w);
  w->file_off += w->buf_len;
  w->buf_len = 0;
  return TC_OK;
}

static void
add_index_entry (TcWriter *w, uint64_t offset, const TcFrameHeader *fh, uint64_t end_ns, uint32_t n_items)
{
  TcIndexEntry *e;

  if (w->index_overflow)
    return;
  if (w->n_index == MAX_INDEX_ENTRIES)
    {
      /* Too many frames for one INDEX frame: the index is only a hint, so
       * the file simply gets none and readers scan (docs/FORMAT.md §6). */
      w->index_overflow = true;
      free (w->index);
      w->index = NULL;
      w->n_index = w->cap_index = 0;
      return;
    }
  if (w->n_index == w->cap_index)
    {
      size_t cap = w->cap_index ? w->cap_index * 2 : 1024;
      TcIndexEntry *index = realloc (w->index, cap * sizeof *index);

      if (index == NULL)
        {
          w->index_overflow = true;
          free (w->index);
          w->index = NULL;
          w->n_index = w->cap_index = 0;
          return;
        }
      w->index = index;
      w->cap_index = cap;
    }
  e = &w->index[w->n_index++];
  memset (e, 0, sizeof *e);
  e->offset = offset;
  e->start_ns = fh->time_ns;
  e->end_ns = end_ns;
  e->thread_id = fh->thread_id;
  e->type = fh->type;
  e->n_items = n_items;
}

/* Append one whole frame (header + payload + padding) to the buffer. */
static TcStatus
emit_frame (TcWriter *w, uint16_t type, uint16_t flags, uint32_t thread_id, uint64_t time_ns,
            const void *payload, size_t len, uint64_t end_ns, uint32_t n_items)
{
  TcFrameHeader fh;
  size_t length, pad;
  uint64_t offset;

  if (w->status != TC_OK)
    return w->status;
  if (len > TC_FRAME_MAX_LEN - sizeof fh)
    return TC_ERR_INVALID;
  length = tc_align8 (sizeof fh + len);
  pad = length - sizeof fh - len;
  fh.length = (uint32_t) length;
  fh.type = type;
  fh.flags = flags;
  fh.thread_id = thread_id;
  fh.crc32 = 0;
  fh.time_ns = time_ns;
  fh.crc32 = tc_frame_crc (&fh, payload, len, pad);

  if (w->buf_cap - w->buf_len < length && write_buffer (w) != TC_OK)
    return w->status;
  offset = w->file_off + w->buf_len;
  if (length > w->buf_cap)
    {
      /* Bigger than the whole buffer (a huge snapshot): write it directly.
       * A crash half-way leaves a frame whose length runs past the end of
       * the file or whose crc fails, which readers treat as the end. */
      if (!pwrite_all (w->fd, &fh, sizeof fh, offset)
          || !pwrite_all (w->fd, payload, len, offset + sizeof fh)
          || !pwrite_all (w->fd, zero_pad, pad, offset + sizeof fh + len))
        return fail_io (w);
      w->file_off += length;
    }
  else
    {
      memcpy (w->buf + w->buf_len, &fh, sizeof fh);
      if (len > 0)
        memcpy (w->buf + w->buf_len + sizeof fh, payload, len);
      memset (w->buf + w->buf_len + sizeof fh + len, 0, pad);
      w->buf_len += length;
    }
  add_index_entry (w, offset, &fh, end_ns, n_items);
  if (end_ns > w->newest_ns)
    w->newest_ns = end_ns;
  if (time_ns > w->newest_ns)
    w->newest_ns = time_ns;
  w->n_frames++;
  return TC_OK;
}

static TcStatus
emit_payload (TcWriter *w, uint16_t type, uint32_t thread_id, uint64_t time_ns,
              TcStatus encoded, uint64_t end_ns, uint32_t n_items)
{
  if (encoded != TC_OK)
    return encoded;
  if (w->payload.failed)
    return TC_ERR_NOMEM;
  return emit_frame (w, type, 0, thread_id, time_ns, w->payload.data, w->payload.len, end_ns, n_items);
}

/* Build `fixed` + `body` in w->payload, the body zlib-wrapped when that is
 * smaller; the frame flags to use in *flags. */
static TcStatus
build_fixed_and_body (TcWriter *w, const void *fixed, size_t fixed_size, const TcEncoder *body,
                      bool try_zlib, size_t zlib_threshold, uint16_t *flags)
{
  size_t zlen = 0;

  *flags = 0;
  if (body->failed)
    return TC_ERR_NOMEM;
  if (try_zlib && body->len >= zlib_threshold && body->len <= UINT32_MAX)
    zlen = tc_deflater_run (&w->deflater, body->data, body->len);
  tc_encoder_clear (&w->payload);
  tc_encode_bytes (&w->payload, fixed, fixed_size);
  if (zlen > 0)
    {
      TcZlibPrefix prefix = { (uint32_t) body->len, 0 };

      tc_encode_bytes (&w->payload, &prefix, sizeof prefix);
      tc_encode_bytes (&w->payload, w->deflater.out, zlen);
      *flags = TC_FRAME_FLAG_ZLIB;
    }
  else
    tc_encode_bytes (&w->payload, body->data, body->len);
  return w->payload.failed ? TC_ERR_NOMEM : TC_OK;
}

/* Emit `fixed` + body (w->body), zlib-wrapped when that is smaller. */
static TcStatus
emit_fixed_and_body (TcWriter *w, uint16_t type, uint32_t thread_id, uint64_t time_ns,
                     const void *fixed, size_t fixed_size, bool try_zlib, size_t zlib_threshold,
                     uint64_t end_ns, uint32_t n_items)
{
  uint16_t flags;
  TcStatus status = build_fixed_and_body (w, fixed, fixed_size, &w->body, try_zlib, zlib_threshold, &flags);

  if (status != TC_OK)
    return status;
  return emit_frame (w, type, flags, thread_id, time_ns, w->payload.data, w->payload.len, end_ns, n_items);
}

static void
copy_padded (char *dst, size_t size, const char *src)
{
  memset (dst, 0, size);
  if (src != NULL)
    {
      size_t n = strlen (src);

      /* Keep one NUL so C readers can use the field as a string. */
      memcpy (dst, src, n < size ? n : size - 1);
    }
}

TcWriter *
tc_writer_open_fd (int fd, const TcWriterOptions *options, TcError *error)
{
  TcFileHeader header;
  struct stat st;
  struct timespec wall;
  TcWriter *w;

  if (fd < 0)
    {
      tc_error_set (error, TC_ERR_INVALID, 0, 0, "invalid file descriptor");
      return NULL;
    }
  if (fstat (fd, &st) != 0)
    {
      tc_error_set (error, TC_ERR_IO, errno, 0, "cannot stat the output file: %s", strerror (errno));
      close (fd);
      return NULL;
    }
  if (S_ISREG (st.st_mode) && st.st_size != 0)
    {
      tc_error_set (error, TC_ERR_EXISTS, 0, 0,
                    "the output file is not empty (%lld bytes); refusing to overwrite it",
                    (long long) st.st_size);
      close (fd);
      return NULL;
    }

  w = calloc (1, sizeof *w);
  if (w != NULL)
    {
      w->buf_cap = options && options->buffer_size ? options->buffer_size : DEFAULT_BUFFER_SIZE;
      if (w->buf_cap < 4096)
        w->buf_cap = 4096;
      w->buf = malloc (w->buf_cap);
    }
  if (w == NULL || w->buf == NULL)
    {
      tc_error_set (error, TC_ERR_NOMEM, ENOMEM, 0, "out of memory");
      if (w != NULL)
        free (w);
      close (fd);
      return NULL;
    }
  w->fd = fd;
  w->deflater.level = options && options->zlib_level >= 1 && options->zlib_level <= 9
                        ? options->zlib_level : DEFAULT_ZLIB_LEVEL;
  tc_encoder_init (&w->payload);
  tc_encoder_init (&w->body);
  tc_encoder_init (&w->rv_body);
  tc_events_packer_init (&w->packer, w->deflater.level);

  memset (&header, 0, sizeof header);
  memcpy (header.magic, TC_MAGIC, TC_MAGIC_LEN);
  header.version_major = TC_VERSION_MAJOR;
  header.version_minor = TC_VERSION_MINOR;
  header.header_size = TC_HEADER_SIZE;
  header.little_endian = 1;
  w->start_monotonic_ns = monotonic_ns ();
  header.start_monotonic_ns = w->start_monotonic_ns;
  clock_gettime (CLOCK_REALTIME, &wall);
  header.start_wall_ns = (int64_t) wall.tv_sec * 1000000000 + wall.tv_nsec;
  header.data_end = TC_HEADER_SIZE;
  copy_padded (header.session_id, sizeof header.session_id, options ? options->session_id : NULL);
  copy_padded (header.producer, sizeof header.producer, options ? options->producer : NULL);
  if (!pwrite_all (fd, &header, sizeof header, 0))
    {
      tc_error_set (error, TC_ERR_IO, errno, 0, "cannot write the file header: %s", strerror (errno));
      tc_writer_abandon (w);
      return NULL;
    }
  w->file_off = TC_HEADER_SIZE;
  return w;
}

TcWriter *
tc_writer_open (const char *path, const TcWriterOptions *options, TcError *error)
{
  TcWriter *w;
  int fd;

  if (path == NULL)
    {
      tc_error_set (error, TC_ERR_INVALID, 0, 0, "no output path");
      return NULL;
    }
  /* O_EXCL: the file is created by us or not at all, so another recording
   * (or anything else) at that path is never clobbered. */
  fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      int e = errno;

      if (e == EEXIST)
        tc_error_set (error, TC_ERR_EXISTS, e, 0,
                      "%s already exists; refusing to overwrite it", path);
      else
        tc_error_set (error, TC_ERR_IO, e, 0, "cannot create %s: %s", path, strerror (e));
      return NULL;
    }
  w = tc_writer_open_fd (fd, options, error);
  if (w == NULL)
    unlink (path);  /* we created it a moment ago: leave nothing half-made */
  return w;
}

uint64_t
tc_writer_start_monotonic_ns (const TcWriter *writer)
{
  return writer->start_monotonic_ns;
}

uint64_t
tc_writer_now_ns (const TcWriter *writer)
{
  uint64_t now = monotonic_ns ();

  return now > writer->start_monotonic_ns ? now - writer->start_monotonic_ns : 0;
}

TcStatus
tc_writer_write_raw (TcWriter *w, uint16_t type, uint16_t flags, uint32_t thread_id,
                     uint64_t time_ns, const void *payload, size_t len)
{
  if (w == NULL || (payload == NULL && len > 0))
    return TC_ERR_INVALID;
  return emit_frame (w, type, flags, thread_id, time_ns, payload, len, time_ns, 0);
}

#define SIMPLE_WRITE(arg, call, type, thread, time, n_items)                 \
  do {                                                                         \
    if (w == NULL || (arg) == NULL)                                            \
      return TC_ERR_INVALID;                                                   \
    if (w->status != TC_OK)                                                    \
      return w->status;                                                        \
    tc_encoder_clear (&w->payload);                                            \
    return emit_payload (w, (type), (thread), (time), (call), (time), (n_items)); \
  } while (0)

TcStatus
tc_writer_write_session (TcWriter *w, uint64_t time_ns, const TcSession *s)
{
  SIMPLE_WRITE (s, tc_encode_session_payload (&w->payload, s), TC_FRAME_SESSION, 0, time_ns, s->n_items);
}

TcStatus
tc_writer_write_thread (TcWriter *w, uint64_t time_ns, const TcThreadDef *t)
{
  SIMPLE_WRITE (t, tc_encode_thread_payload (&w->payload, t), TC_FRAME_THREAD, t->thread_id, time_ns, 1);
}

TcStatus
tc_writer_write_file (TcWriter *w, uint64_t time_ns, const TcFileDef *f)
{
  SIMPLE_WRITE (f, tc_encode_file_payload (&w->payload, f), TC_FRAME_FILE, 0, time_ns, 1);
}

TcStatus
tc_writer_write_code (TcWriter *w, uint64_t time_ns, const TcCodeDef *c)
{
  SIMPLE_WRITE (c, tc_encode_code_payload (&w->payload, c), TC_FRAME_CODE, 0, time_ns, 1);
}

TcStatus
tc_writer_write_var (TcWriter *w, uint64_t time_ns, const TcVarDef *v)
{
  SIMPLE_WRITE (v, tc_encode_var_payload (&w->payload, v), TC_FRAME_VAR, 0, time_ns, 1);
}

TcStatus
tc_writer_write_metric_def (TcWriter *w, uint64_t time_ns, const TcMetricDef *m)
{
  SIMPLE_WRITE (m, tc_encode_metric_def_payload (&w->payload, m), TC_FRAME_METRIC_DEF, 0, time_ns, 1);
}

TcStatus
tc_writer_write_counter_def (TcWriter *w, uint64_t time_ns, const TcCounterDef *c)
{
  SIMPLE_WRITE (c, tc_encode_counter_def_payload (&w->payload, c), TC_FRAME_COUNTER_DEF, 0, time_ns, 1);
}

TcStatus
tc_writer_write_metrics (TcWriter *w, uint64_t time_ns, const TcMetricPoint *points, size_t n)
{
  uint64_t end_ns = time_ns;

  for (size_t i = 0; points != NULL && i < n; i++)
    if (points[i].time_ns > end_ns)
      end_ns = points[i].time_ns;
  if (w == NULL || (points == NULL && n > 0))
    return TC_ERR_INVALID;
  if (w->status != TC_OK)
    return w->status;
  tc_encoder_clear (&w->payload);
  return emit_payload (w, TC_FRAME_METRICS, 0, time_ns,
                       tc_encode_metrics_payload (&w->payload, time_ns, points, n),
                       end_ns, (uint32_t) n);
}

TcStatus
tc_writer_write_system (TcWriter *w, uint64_t time_ns, const TcCounterValue *values, size_t n)
{
  /* An empty sample may come without an array. */
  SIMPLE_WRITE ((n == 0 ? (const void *) w : (const void *) values), tc_encode_system_payload (&w->payload, values, n), TC_FRAME_SYSTEM, 0, time_ns, (uint32_t) n);
}

TcStatus
tc_writer_write_warning (TcWriter *w, uint32_t thread_id, uint64_t time_ns, const TcWarning *warning)
{
  SIMPLE_WRITE (warning, tc_encode_warning_payload (&w->payload, warning), TC_FRAME_WARNING, thread_id, time_ns, 1);
}

TcStatus
tc_writer_write_line_hits (TcWriter *w, uint64_t time_ns, const TcLineHits *hits)
{
  SIMPLE_WRITE (hits, tc_encode_line_hits_payload (&w->payload, hits), TC_FRAME_LINE_HITS, 0, time_ns, hits->n_lines);
}

/* Close the open RETURN_VALUES batch into a frame.  One compressed frame
 * instead of a frame per value: the values of one function look alike
 * (same type, similar reprs), which deflate only sees side by side, and the
 * frame headers and padding are paid once (orders: 0.30 -> 0.06 bytes per
 * event). */
static TcStatus
close_return_values (TcWriter *w)
{
  TcReturnValuesFixed fx = { w->rv_n, 0 };
  uint16_t flags;
  TcStatus status;

  if (w->rv_n == 0)
    return TC_OK;
  status = build_fixed_and_body (w, &fx, sizeof fx, &w->rv_body, true, 64, &flags);
  if (status == TC_OK)
    status = emit_frame (w, TC_FRAME_RETURN_VALUES, flags, 0, w->rv_first_ns, w->payload.data,
                         w->payload.len, w->rv_end_ns, w->rv_n);
  tc_encoder_clear (&w->rv_body);
  w->rv_body.failed = false;
  w->rv_n = 0;
  return status;
}

TcStatus
tc_writer_write_return_value (TcWriter *w, uint32_t thread_id, uint64_t time_ns, const TcReturnValue *rv)
{
  size_t keep;

  if (w == NULL || rv == NULL)
    return TC_ERR_INVALID;
  if (w->status != TC_OK)
    return w->status;
  if (w->rv_n == 0)
    w->rv_first_ns = w->rv_prev_ns = w->rv_end_ns = time_ns;
  keep = w->rv_body.len;
  tc_encode_varint (&w->rv_body, thread_id);
  tc_encode_svarint (&w->rv_body, (int64_t) (time_ns - w->rv_prev_ns));
  tc_encode_varint (&w->rv_body, rv->code_id);
  tc_encode_str (&w->rv_body, rv->repr);
  tc_encode_str (&w->rv_body, rv->type_name);
  tc_encode_value (&w->rv_body, &rv->value);
  if (w->rv_body.failed)
    {
      w->rv_body.len = keep;
      w->rv_body.failed = false;
      return TC_ERR_NOMEM;
    }
  w->rv_prev_ns = time_ns;
  if (time_ns > w->rv_end_ns)
    w->rv_end_ns = time_ns;
  w->rv_n++;
  if (w->rv_body.len >= RETURN_VALUES_BATCH || w->rv_n == UINT32_MAX)
    return close_return_values (w);
  return TC_OK;
}

TcStatus
tc_writer_write_mark (TcWriter *w, uint32_t thread_id, uint64_t time_ns, const TcMark *mark)
{
  uint64_t end_ns = time_ns + (mark != NULL && mark->duration_ns > 0 ? (uint64_t) mark->duration_ns : 0);

  if (w == NULL || mark == NULL)
    return TC_ERR_INVALID;
  if (w->status != TC_OK)
    return w->status;
  tc_encoder_clear (&w->payload);
  return emit_payload (w, TC_FRAME_MARK, thread_id, time_ns,
                       tc_encode_mark_payload (&w->payload, mark), end_ns, 1);
}

TcStatus
tc_writer_write_samples (TcWriter *w, uint32_t thread_id, const TcStackSample *samples, size_t n)
{
  if (w == NULL || (samples == NULL && n > 0))
    return TC_ERR_INVALID;
  if (w->status != TC_OK)
    return w->status;
  if (n == 0)
    return TC_OK;
  tc_encoder_clear (&w->payload);
  return emit_payload (w, TC_FRAME_SAMPLES, thread_id, samples[0].time_ns,
                       tc_encode_samples_payload (&w->payload, samples[0].time_ns, samples, n),
                       samples[n - 1].time_ns, (uint32_t) n);
}

TcStatus
tc_writer_write_events (TcWriter *w, uint32_t thread_id, const TcEvent *events, size_t n)
{
  TcStatus status;

  if (w == NULL || (events == NULL && n > 0))
    return TC_ERR_INVALID;
  if (w->status != TC_OK)
    return w->status;
  tc_events_packer_clear (&w->packer);
  status = tc_events_packer_add (&w->packer, thread_id, events, n);
  if (status != TC_OK)
    {
      tc_events_packer_clear (&w->packer);
      return status;
    }
  return tc_writer_write_packed (w, &w->packer);
}

TcStatus
tc_writer_write_packed (TcWriter *w, TcEventsPacker *p)
{
  TcStatus status = TC_OK;

  if (w == NULL || p == NULL)
    return TC_ERR_INVALID;
  for (size_t i = 0; i < p->n_blocks && status == TC_OK; i++)
    {
      const TcPackedBlock *b = &p->blocks[i];

      status = emit_frame (w, TC_FRAME_EVENTS, 0, b->thread_id, b->first_ns,
                           p->payloads.data + b->offset, b->len, b->last_ns, b->n_events);
      if (status == TC_OK)
        w->n_events += b->n_events;
    }
  tc_events_packer_clear (p);
  return status;
}

TcStatus
tc_writer_write_snapshot (TcWriter *w, const TcSnapshot *s)
{
  TcSnapshotFixed fx;
  TcStatus status;

  if (w == NULL || s == NULL || (unsigned) s->kind > UINT16_MAX)
    return TC_ERR_INVALID;
  if (w->status != TC_OK)
    return w->status;
  memset (&fx, 0, sizeof fx);
  fx.index = s->index;
  fx.kind = (uint16_t) s->kind;
  fx.n_threads = s->n_threads;
  tc_encoder_clear (&w->body);
  status = tc_encode_snapshot_body (&w->body, s);
  if (status != TC_OK)
    return status;
  status = emit_fixed_and_body (w, TC_FRAME_SNAPSHOT, s->origin_thread, s->time_ns, &fx, sizeof fx,
                                true, ZLIB_BODY_THRESHOLD, s->time_ns, s->n_threads);
  if (status == TC_OK)
    w->n_snapshots++;
  return status;
}

TcStatus
tc_writer_write_crash (TcWriter *w, uint32_t thread_id, uint64_t time_ns, const TcCrash *crash)
{
  TcCrashFixed fx;
  TcStatus status;

  if (w == NULL || crash == NULL)
    return TC_ERR_INVALID;
  if (w->status != TC_OK)
    return w->status;
  fx.n_frames = crash->n_frames;
  fx.flags = 0;
  tc_encoder_clear (&w->body);
  status = tc_encode_crash_body (&w->body, crash);
  if (status != TC_OK)
    return status;
  return emit_fixed_and_body (w, TC_FRAME_CRASH, thread_id, time_ns, &fx, sizeof fx,
                              true, ZLIB_BODY_THRESHOLD, time_ns, crash->n_frames);
}

TcStatus
tc_writer_write_source (TcWriter *w, uint64_t time_ns, uint32_t file_id, const void *text, size_t len)
{
  const uint8_t *p = text;
  uint64_t hash;
  size_t off = 0;

  if (w == NULL || (text == NULL && len > 0))
    return TC_ERR_INVALID;
  if (w->status != TC_OK)
    return w->status;
  hash = tc_fnv1a64 (text, len);
  do
    {
      size_t chunk = len - off < SOURCE_CHUNK ? len - off : SOURCE_CHUNK;
      TcSourceFixed fx;
      TcStatus status;

      memset (&fx, 0, sizeof fx);
      fx.file_id = file_id;
      fx.flags = off + chunk == len ? TC_SOURCE_FLAG_LAST : 0;
      fx.offset = off;
      fx.total_len = len;
      fx.hash = hash;
      tc_encoder_clear (&w->body);
      tc_encode_varint (&w->body, chunk);
      tc_encode_bytes (&w->body, p + off, chunk);
      status = emit_fixed_and_body (w, TC_FRAME_SOURCE, 0, time_ns, &fx, sizeof fx,
                                    true, 64, time_ns, (uint32_t) chunk);
      if (status != TC_OK)
        return status;
      off += chunk;
    }
  while (off < len);
  return TC_OK;
}

static TcStatus
patch_header (TcWriter *w, bool with_close_offsets, uint64_t index_offset, uint64_t end_offset)
{
  /* end_time_ns, data_end, index_offset, end_offset are adjacent. */
  uint64_t fields[4] = { w->newest_ns, w->file_off, index_offset, end_offset };
  size_t n = with_close_offsets ? 4 : 2;

  static_assert (offsetof (TcFileHeader, data_end) == offsetof (TcFileHeader, end_time_ns) + 8, "");
  static_assert (offsetof (TcFileHeader, index_offset) == offsetof (TcFileHeader, end_time_ns) + 16, "");
  static_assert (offsetof (TcFileHeader, end_offset) == offsetof (TcFileHeader, end_time_ns) + 24, "");
  if (!pwrite_all (w->fd, fields, n * sizeof fields[0], offsetof (TcFileHeader, end_time_ns)))
    return fail_io (w);
  return TC_OK;
}

TcStatus
tc_writer_flush_frames (TcWriter *w)
{
  if (w == NULL)
    return TC_ERR_INVALID;
  if (w->status != TC_OK)
    return w->status;
  if (write_buffer (w) != TC_OK || patch_header (w, false, 0, 0) != TC_OK)
    return w->status;
  return TC_OK;
}

TcStatus
tc_writer_flush (TcWriter *w, bool sync)
{
  TcStatus status;

  if (w == NULL)
    return TC_ERR_INVALID;
  /* Out of memory for the batch loses its values, not the flush. */
  if (close_return_values (w) == TC_ERR_IO)
    return w->status;
  status = tc_writer_flush_frames (w);
  if (status != TC_OK)
    return status;
  if (sync && fdatasync (w->fd) != 0 && errno != EINVAL)
    return fail_io (w);
  return TC_OK;
}

static void
writer_free (TcWriter *w)
{
  if (w->fd >= 0)
    close (w->fd);
  tc_deflater_end (&w->deflater);
  tc_encoder_free (&w->payload);
  tc_encoder_free (&w->body);
  tc_encoder_free (&w->rv_body);
  tc_events_packer_fini (&w->packer);
  free (w->index);
  free (w->buf);
  free (w);
}

TcStatus
tc_writer_close (TcWriter *w, const TcEndFixed *end, TcError *error)
{
  TcEndFixed fx;
  uint64_t index_offset = 0, end_offset;
  TcStatus status = TC_OK;

  if (w == NULL)
    {
      tc_error_set (error, TC_ERR_INVALID, 0, 0, "no writer");
      return TC_ERR_INVALID;
    }
  if (w->status != TC_OK)
    goto failed;
  if (close_return_values (w) == TC_ERR_IO)
    goto failed;

  if (!w->index_overflow)
    {
      TcIndexFixed ix = { (uint32_t) w->n_index, 0 };
      uint16_t flags;

      /* Compressed since 1.1 (readers of 1.0 already had to accept it):
       * offsets and times of neighbouring frames share their high bytes,
       * and the entries were ~5 % of a short recording. */
      tc_encoder_clear (&w->body);
      tc_encode_bytes (&w->body, w->index, w->n_index * sizeof (TcIndexEntry));
      status = build_fixed_and_body (w, &ix, sizeof ix, &w->body, true, ZLIB_BODY_THRESHOLD, &flags);
      index_offset = w->file_off + w->buf_len;
      if (w->buf_cap - w->buf_len < tc_align8 (sizeof (TcFrameHeader) + w->payload.len))
        {
          if (write_buffer (w) != TC_OK)
            goto failed;
          index_offset = w->file_off;
        }
      if (status == TC_OK)
        status = emit_frame (w, TC_FRAME_INDEX, flags, 0, w->newest_ns, w->payload.data, w->payload.len,
                             w->newest_ns, (uint32_t) w->n_index);
      if (status == TC_ERR_NOMEM)
        index_offset = 0;  /* no index is allowed; carry on with END */
      else if (status != TC_OK)
        goto failed;
    }

  memset (&fx, 0, sizeof fx);
  if (end != NULL)
    fx = *end;
  /* The counts are the writer's own: they cannot disagree with the file. */
  fx.n_events = w->n_events;
  fx.n_snapshots = w->n_snapshots;
  fx.n_frames = w->n_frames;
  if (w->buf_cap - w->buf_len < sizeof (TcFrameHeader) + sizeof fx && write_buffer (w) != TC_OK)
    goto failed;
  end_offset = w->file_off + w->buf_len;
  status = emit_frame (w, TC_FRAME_END, 0, 0, w->newest_ns, &fx, sizeof fx, w->newest_ns, 0);
  if (status != TC_OK)
    goto failed;
  if (write_buffer (w) != TC_OK || patch_header (w, true, index_offset, end_offset) != TC_OK)
    goto failed;
  if (fsync (w->fd) != 0 && errno != EINVAL)
    {
      fail_io (w);
      goto failed;
    }
  if (close (w->fd) != 0 && errno != EINTR)
    {
      w->fd = -1;
      fail_io (w);
      goto failed;
    }
  w->fd = -1;
  writer_free (w);
  return TC_OK;

failed:
  status = w->status != TC_OK ? w->status : status;
  tc_error_set (error, status, w->sys_errno, w->file_off, "cannot finish the recording: %s%s%s",
                tc_status_to_string (status), w->sys_errno ? ": " : "",
                w->sys_errno ? strerror (w->sys_errno) : "");
  writer_free (w);
  return status;
}

void
tc_writer_abandon (TcWriter *w)
{
  if (w == NULL)
    return;
  writer_free (w);
}
