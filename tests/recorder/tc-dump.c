/* SPDX-License-Identifier: MIT
 *
 * tc-dump — print every frame of a .tc file as one JSON object per line,
 * then {"state": …}.  Used by the recorder tests to check what the recorder
 * wrote through the format library's own reader.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tc-format.h"

static void
put_str(TcStr s)
{
    putchar('"');
    for (uint32_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if (c == '"' || c == '\\') {
            printf("\\%c", c);
        }
        else if (c < 0x20) {
            printf("\\u%04x", c);
        }
        else {
            putchar(c);
        }
    }
    putchar('"');
}

static void
put_cstr(const char *s)
{
    put_str((TcStr){s, (uint32_t)strlen(s)});
}

static void
put_f64(double v)
{
    if (isnan(v) || isinf(v)) {
        printf("\"%s\"", isnan(v) ? "NaN" : (v > 0 ? "Inf" : "-Inf"));
    }
    else {
        printf("%.17g", v);
    }
}

static void
put_value(const TcValue *v)
{
    TcValueIter it;
    TcValue item;
    int first = 1;
    switch (v->kind) {
    case TC_VALUE_REPR_ONLY: printf("{\"repr_only\":true}"); break;
    case TC_VALUE_NONE: printf("null"); break;
    case TC_VALUE_BOOL: printf(v->b ? "true" : "false"); break;
    case TC_VALUE_INT: printf("%" PRId64, v->i); break;
    case TC_VALUE_BIGINT: printf("{\"bigint\":"); put_str(v->s); putchar('}'); break;
    case TC_VALUE_FLOAT: put_f64(v->f); break;
    case TC_VALUE_COMPLEX:
        printf("{\"complex\":[");
        put_f64(v->c.re);
        putchar(',');
        put_f64(v->c.im);
        printf("]}");
        break;
    case TC_VALUE_STR: put_str(v->s); break;
    case TC_VALUE_BYTES: printf("{\"bytes\":%u}", v->s.len); break;
    case TC_VALUE_LIST:
    case TC_VALUE_TUPLE:
    case TC_VALUE_SET:
    case TC_VALUE_FROZENSET:
    case TC_VALUE_DICT:
        printf("{\"%s\":[", v->kind == TC_VALUE_LIST ? "list"
                            : v->kind == TC_VALUE_TUPLE ? "tuple"
                            : v->kind == TC_VALUE_DICT ? "dict" : "set");
        tc_value_iter_init(&it, v);
        while (tc_value_iter_next(&it, &item)) {
            if (!first) {
                putchar(',');
            }
            first = 0;
            put_value(&item);
        }
        printf("]}");
        break;
    default: printf("null");
    }
}

static void
put_locals(const TcLocal *l, uint32_t n)
{
    putchar('[');
    for (uint32_t i = 0; i < n; i++) {
        printf("%s{\"var\":%u,\"flags\":%u,\"repr\":", i ? "," : "",
               l[i].var_id, l[i].flags);
        put_str(l[i].repr);
        printf(",\"type\":");
        put_str(l[i].type_name);
        printf(",\"size\":%" PRIu64 ",\"value\":", l[i].size);
        put_value(&l[i].value);
        putchar('}');
    }
    putchar(']');
}

static void
put_counters(const TcCounterValue *c, uint32_t n)
{
    putchar('{');
    for (uint32_t i = 0; i < n; i++) {
        printf("%s\"%u\":", i ? "," : "", c[i].counter_id);
        put_f64(c[i].value);
    }
    putchar('}');
}

static void
put_pairs(const TcKeyValue *kv, uint32_t n)
{
    putchar('[');
    for (uint32_t i = 0; i < n; i++) {
        printf("%s[", i ? "," : "");
        put_str(kv[i].key);
        putchar(',');
        put_str(kv[i].value);
        putchar(']');
    }
    putchar(']');
}

static void
put_stack(const TcStackFrame *s, uint32_t n)
{
    putchar('[');
    for (uint32_t i = 0; i < n; i++) {
        printf("%s[%u,%u]", i ? "," : "", s[i].code_id, s[i].line);
    }
    putchar(']');
}

static void
put_return_value(const TcReturnValue *r)
{
    printf("\"type\":\"return_value\",\"code\":%u,\"repr\":", r->code_id);
    put_str(r->repr);
    printf(",\"value_type\":");
    put_str(r->type_name);
    printf(",\"value\":");
    put_value(&r->value);
}

static int
dump_frame(const TcFrame *f, TcArena *arena)
{
    const TcFrameHeader *h = f->header;
    TcReturnValueItem *items;
    size_t n_items;
    if (h->type == TC_FRAME_RETURN_VALUES
        && tc_decode_return_values(f, arena, &items, &n_items) == TC_OK) {
        /* A batch prints as the RETURN_VALUE frames it stands for. */
        for (size_t i = 0; i < n_items; i++) {
            printf("{\"t\":%" PRIu64 ",\"thread\":%u,", items[i].time_ns,
                   items[i].thread_id);
            put_return_value(&items[i].rv);
            printf("}\n");
        }
        return 1;
    }
    printf("{\"t\":%" PRIu64 ",\"thread\":%u,", h->time_ns, h->thread_id);
    TcStatus st = TC_OK;
    switch (h->type) {
    case TC_FRAME_SESSION: {
        TcSession s;
        if ((st = tc_decode_session(f, arena, &s)) == TC_OK) {
            printf("\"type\":\"session\",\"items\":");
            put_pairs(s.items, s.n_items);
        }
        break;
    }
    case TC_FRAME_THREAD: {
        TcThreadDef t;
        if ((st = tc_decode_thread(f, &t)) == TC_OK) {
            printf("\"type\":\"thread\",\"tid\":%u,\"native_id\":%" PRIu64
                   ",\"ident\":%" PRIu64 ",\"flags\":%u,\"name\":",
                   t.thread_id, t.native_id, t.python_ident, t.flags);
            put_str(t.name);
        }
        break;
    }
    case TC_FRAME_FILE: {
        TcFileDef d;
        if ((st = tc_decode_file(f, &d)) == TC_OK) {
            printf("\"type\":\"file\",\"id\":%u,\"flags\":%u,\"source_len\":%"
                   PRIu64 ",\"path\":", d.file_id, d.flags, d.source_len);
            put_str(d.path);
        }
        break;
    }
    case TC_FRAME_CODE: {
        TcCodeDef c;
        if ((st = tc_decode_code(f, &c)) == TC_OK) {
            printf("\"type\":\"code\",\"id\":%u,\"file\":%u,\"line\":%u,"
                   "\"flags\":%u,\"qualname\":", c.code_id, c.file_id,
                   c.first_line, c.flags);
            put_str(c.qualname);
            printf(",\"name\":");
            put_str(c.name);
        }
        break;
    }
    case TC_FRAME_VAR: {
        TcVarDef v;
        if ((st = tc_decode_var(f, &v)) == TC_OK) {
            printf("\"type\":\"var\",\"id\":%u,\"code\":%u,\"name\":",
                   v.var_id, v.code_id);
            put_str(v.name);
        }
        break;
    }
    case TC_FRAME_METRIC_DEF: {
        TcMetricDef m;
        if ((st = tc_decode_metric_def(f, &m)) == TC_OK) {
            printf("\"type\":\"metric_def\",\"id\":%u,\"name\":", m.metric_id);
            put_str(m.name);
        }
        break;
    }
    case TC_FRAME_COUNTER_DEF: {
        TcCounterDef c;
        if ((st = tc_decode_counter_def(f, &c)) == TC_OK) {
            printf("\"type\":\"counter_def\",\"id\":%u,\"name\":", c.counter_id);
            put_str(c.name);
        }
        break;
    }
    case TC_FRAME_EVENTS: {
        TcEvent *ev;
        size_t n;
        if ((st = tc_decode_events(f, arena, &ev, &n)) == TC_OK) {
            printf("\"type\":\"events\",\"events\":[");
            for (size_t i = 0; i < n; i++) {
                printf("%s[%" PRIu64 ",%u,%u]", i ? "," : "", ev[i].time_ns,
                       ev[i].kind, ev[i].code_id);
            }
            putchar(']');
        }
        break;
    }
    case TC_FRAME_SNAPSHOT: {
        TcSnapshot s;
        if ((st = tc_decode_snapshot(f, arena, &s)) == TC_OK) {
            printf("\"type\":\"snapshot\",\"index\":%" PRIu64 ",\"kind\":%u,"
                   "\"origin\":%u,\"evt\":", s.index, s.kind, s.origin_thread);
            put_str(s.evt);
            printf(",\"label\":");
            put_str(s.label);
            printf(",\"tags\":[");
            for (uint32_t i = 0; i < s.n_tags; i++) {
                if (i) {
                    putchar(',');
                }
                put_str(s.tags[i]);
            }
            printf("],\"extras\":");
            put_pairs(s.extras, s.n_extras);
            printf(",\"metrics\":{");
            for (uint32_t i = 0; i < s.n_metrics; i++) {
                printf("%s\"%u\":", i ? "," : "", s.metrics[i].metric_id);
                put_value(&s.metrics[i].value);
            }
            printf("},\"system\":");
            put_counters(s.system, s.n_system);
            printf(",\"async_task\":");
            put_str(s.async_task);
            printf(",\"async_coro\":");
            put_str(s.async_coro);
            printf(",\"threads\":[");
            for (uint32_t i = 0; i < s.n_threads; i++) {
                TcThreadCapture *c = &s.threads[i];
                printf("%s{\"tid\":%u,\"depth\":%u,\"stack\":", i ? "," : "",
                       c->thread_id, c->locals_depth);
                put_stack(c->stack, c->n_stack);
                printf(",\"locals\":");
                put_locals(c->locals, c->n_locals);
                putchar('}');
            }
            putchar(']');
        }
        break;
    }
    case TC_FRAME_METRICS: {
        TcMetricPoint *p;
        size_t n;
        if ((st = tc_decode_metrics(f, arena, &p, &n)) == TC_OK) {
            printf("\"type\":\"metrics\",\"points\":[");
            for (size_t i = 0; i < n; i++) {
                printf("%s[%u,%" PRIu64 ",", i ? "," : "", p[i].metric_id,
                       p[i].time_ns);
                put_value(&p[i].value);
                putchar(']');
            }
            putchar(']');
        }
        break;
    }
    case TC_FRAME_SYSTEM: {
        TcCounterValue *c;
        size_t n;
        if ((st = tc_decode_system(f, arena, &c, &n)) == TC_OK) {
            printf("\"type\":\"system\",\"values\":");
            put_counters(c, (uint32_t)n);
        }
        break;
    }
    case TC_FRAME_WARNING: {
        TcWarning w;
        if ((st = tc_decode_warning(f, arena, &w)) == TC_OK) {
            printf("\"type\":\"warning\",\"level\":%u,\"code\":", w.level);
            put_str(w.code);
            printf(",\"message\":");
            put_str(w.message);
            printf(",\"var\":");
            put_str(w.var);
            printf(",\"extras\":");
            put_pairs(w.extras, w.n_extras);
        }
        break;
    }
    case TC_FRAME_CRASH: {
        TcCrash c;
        if ((st = tc_decode_crash(f, arena, &c)) == TC_OK) {
            printf("\"type\":\"crash\",\"exc_type\":");
            put_str(c.exc_type);
            printf(",\"exc_module\":");
            put_str(c.exc_module);
            printf(",\"message\":");
            put_str(c.message);
            printf(",\"traceback\":");
            put_str(c.traceback);
            printf(",\"cause\":");
            put_str(c.cause);
            printf(",\"frames\":[");
            for (uint32_t i = 0; i < c.n_frames; i++) {
                printf("%s{\"code\":%u,\"line\":%u,\"locals\":", i ? "," : "",
                       c.frames[i].code_id, c.frames[i].line);
                put_locals(c.frames[i].locals, c.frames[i].n_locals);
                putchar('}');
            }
            printf("],\"system\":");
            put_counters(c.system, c.n_system);
        }
        break;
    }
    case TC_FRAME_MARK: {
        TcMark m;
        if ((st = tc_decode_mark(f, &m)) == TC_OK) {
            printf("\"type\":\"mark\",\"kind\":%u,\"duration_ns\":%" PRId64
                   ",\"group\":", m.kind, m.duration_ns);
            put_str(m.group);
            printf(",\"name\":");
            put_str(m.name);
            printf(",\"message\":");
            put_str(m.message);
        }
        break;
    }
    case TC_FRAME_LINE_HITS: {
        TcLineHits l;
        if ((st = tc_decode_line_hits(f, arena, &l)) == TC_OK) {
            printf("\"type\":\"line_hits\",\"file\":%u,\"lines\":[", l.file_id);
            for (uint32_t i = 0; i < l.n_lines; i++) {
                printf("%s[%u,%" PRIu64 "]", i ? "," : "", l.lines[i].line,
                       l.lines[i].hits);
            }
            putchar(']');
        }
        break;
    }
    case TC_FRAME_SOURCE: {
        TcSourceChunk s;
        if ((st = tc_decode_source(f, arena, &s)) == TC_OK) {
            printf("\"type\":\"source\",\"file\":%u,\"offset\":%" PRIu64
                   ",\"total\":%" PRIu64 ",\"text\":", s.file_id, s.offset,
                   s.total_len);
            put_str((TcStr){(const char *)s.data, s.len});
        }
        break;
    }
    case TC_FRAME_RETURN_VALUE: {
        TcReturnValue r;
        if ((st = tc_decode_return_value(f, &r)) == TC_OK) {
            put_return_value(&r);
        }
        break;
    }
    case TC_FRAME_SAMPLES: {
        TcStackSample *s;
        size_t n;
        if ((st = tc_decode_samples(f, arena, &s, &n)) == TC_OK) {
            printf("\"type\":\"samples\",\"samples\":[");
            for (size_t i = 0; i < n; i++) {
                printf("%s{\"t\":%" PRIu64 ",\"stack\":", i ? "," : "",
                       s[i].time_ns);
                put_stack(s[i].stack, s[i].n_stack);
                putchar('}');
            }
            putchar(']');
        }
        break;
    }
    case TC_FRAME_END: {
        TcEndFixed e;
        if ((st = tc_decode_end(f, &e)) == TC_OK) {
            printf("\"type\":\"end\",\"n_events\":%" PRIu64 ",\"n_snapshots\":%"
                   PRIu64 ",\"n_dropped\":%" PRIu64 ",\"exit_status\":%d,"
                   "\"flags\":%u", e.n_events, e.n_snapshots, e.n_dropped,
                   e.exit_status, e.flags);
        }
        break;
    }
    case TC_FRAME_RETURN_VALUES:
        st = TC_ERR_CORRUPT;   /* decoded above when it could be */
        break;
    default:
        printf("\"type\":\"other\",\"frame_type\":%u", h->type);
    }
    if (st != TC_OK) {
        printf("\"type\":\"undecodable\",\"frame_type\":%u,\"status\":", h->type);
        put_cstr(tc_status_to_string(st));
    }
    printf("}\n");
    return st == TC_OK;
}

int
main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: tc-dump FILE.tc\n");
        return 2;
    }
    TcError error;
    memset(&error, 0, sizeof(error));
    TcReader *reader = tc_reader_open(argv[1], &error);
    if (reader == NULL) {
        fprintf(stderr, "tc-dump: %s\n", error.message);
        return 1;
    }
    TcArena *arena = tc_arena_new();
    TcFrameIter it;
    TcFrame frame;
    int ok = 1;
    tc_frame_iter_init(&it, reader);
    while (tc_frame_iter_next(&it, &frame)) {
        ok &= dump_frame(&frame, arena);
        tc_arena_reset(arena);
    }
    TcFileState state = tc_reader_state(reader);
    printf("{\"state\":\"%s\",\"message\":",
           state == TC_STATE_COMPLETE ? "complete"
           : state == TC_STATE_TRUNCATED ? "truncated" : "corrupt");
    put_cstr(tc_reader_state_message(reader));
    printf("}\n");
    tc_arena_free(arena);
    tc_reader_free(reader);
    return ok ? 0 : 3;
}
