/* SPDX-License-Identifier: MIT
 *
 * tc-arena.c — bump allocator for decoded frames.
 *
 * Decoding a snapshot makes dozens of small arrays; freeing them one by one
 * would cost more than decoding.  Everything lives until reset/free, and
 * reset keeps the first chunk so a decode loop does not hit malloc at all.
 */
#include <stdlib.h>

#include "tc-format-private.h"

#define TC_ARENA_CHUNK (64u * 1024u)

typedef struct TcArenaChunk TcArenaChunk;
struct TcArenaChunk
{
  TcArenaChunk *next;
  size_t        size;   /* usable bytes after the header */
  size_t        used;
  /* max_align_t keeps the data 16-byte aligned after the header. */
  max_align_t   data[];
};

struct TcArena
{
  TcArenaChunk *chunks; /* newest first */
};

TcArena *
tc_arena_new (void)
{
  return calloc (1, sizeof (TcArena));
}

static void
free_chunks (TcArenaChunk *chunk)
{
  while (chunk != NULL)
    {
      TcArenaChunk *next = chunk->next;

      free (chunk);
      chunk = next;
    }
}

void
tc_arena_free (TcArena *arena)
{
  if (arena == NULL)
    return;
  free_chunks (arena->chunks);
  free (arena);
}

void
tc_arena_reset (TcArena *arena)
{
  TcArenaChunk *keep;

  if (arena == NULL || arena->chunks == NULL)
    return;
  /* Keep the oldest chunk (normally the default size): the steady state of a
   * decode loop then allocates nothing. */
  keep = arena->chunks;
  while (keep->next != NULL)
    keep = keep->next;
  for (TcArenaChunk *c = arena->chunks; c != keep;)
    {
      TcArenaChunk *next = c->next;

      free (c);
      c = next;
    }
  keep->used = 0;
  arena->chunks = keep;
}

void *
tc_arena_alloc (TcArena *arena, size_t size)
{
  TcArenaChunk *chunk;
  size_t chunk_size;

  if (arena == NULL || size > SIZE_MAX / 2)
    return NULL;
  size = tc_align8 (size ? size : 1);
  chunk = arena->chunks;
  if (chunk != NULL && chunk->size - chunk->used >= size)
    {
      void *p = (uint8_t *) chunk->data + chunk->used;

      chunk->used += size;
      return p;
    }
  chunk_size = size > TC_ARENA_CHUNK ? size : TC_ARENA_CHUNK;
  chunk = malloc (sizeof (TcArenaChunk) + chunk_size);
  if (chunk == NULL)
    return NULL;
  chunk->size = chunk_size;
  chunk->used = size;
  /* A big one-off block goes behind the current chunk so the current chunk's
   * free space stays usable for the small arrays that follow. */
  if (size > TC_ARENA_CHUNK / 4 && arena->chunks != NULL)
    {
      chunk->next = arena->chunks->next;
      arena->chunks->next = chunk;
    }
  else
    {
      chunk->next = arena->chunks;
      arena->chunks = chunk;
    }
  return chunk->data;
}
