/*
 * The pure parts of app/shell: the line editor (keys, escape sequences
 * split anywhere, UTF-8, history, Enter as CR, LF or CR LF, an over-long
 * line, garbage), the log ring (cut lines, control bytes, wrap-around),
 * the offers of its config and the sub-init config made of them, and the
 * state report with and without K/M suffixes.
 */
#include "unit.h"
#include "../app/shell/line_editor.h"
#include "../app/shell/log_ring.h"
#include "../app/shell/offers.h"
#include "../app/shell/state_report.h"

struct screen {
    char text[65536];
    size_t len;
};

static void emit(void *arg, const char *text, size_t len)
{
    struct screen *s = arg;
    if (s->len + len < sizeof(s->text)) {
        memcpy(s->text + s->len, text, len);
        s->len += len;
        s->text[s->len] = 0;
    }
}

/* Feed bytes; the last event other than EDITOR_NONE, its line in out. */
static enum editor_event type(struct line_editor *e, const char *bytes, size_t n, char *out)
{
    enum editor_event last = EDITOR_NONE;
    for (size_t i = 0; i < n; i++) {
        const char *line = NULL;
        enum editor_event ev = editor_feed(e, (uint8_t)bytes[i], &line);
        if (ev != EDITOR_NONE) {
            last = ev;
            if (line && out) {
                strcpy(out, line);
            }
        }
    }
    return last;
}

#define TYPE(e, s, out) type(e, s, sizeof(s) - 1, out)

TEST(editor_inserts_and_moves_anywhere)
{
    static struct line_editor e;
    static struct screen s;
    char out[EDITOR_LINE_MAX + 1] = "";
    editor_init(&e, "> ", 80, emit, &s);
    EXPECT(TYPE(&e, "orker\x1b[Hkill w\r", out) == EDITOR_LINE && !strcmp(out, "kill worker"));
    EXPECT(TYPE(&e, "ac\x1b[Db\x1b[C\x1b[Fd\n", out) == EDITOR_LINE && !strcmp(out, "abcd"));
    EXPECT(TYPE(&e, "abc\x01X\x05Y\x02Z\r\n", out) == EDITOR_LINE && !strcmp(out, "XabcZY"));
    /* Home/End/Delete as ESC [ n ~ and ESC O x */
    EXPECT(TYPE(&e, "bc\x1b[1~a\x1b[4~d\x1bOHX\x1b[3~\r", out) == EDITOR_LINE && !strcmp(out, "Xbcd"));
    /* Backspace (DEL and BS), Ctrl-U, Ctrl-K */
    EXPECT(TYPE(&e,
                "abx\x7f\x08"
                "c\r",
                out) == EDITOR_LINE &&
           !strcmp(out, "ac"));
    EXPECT(TYPE(&e, "junk\x15ok\r", out) == EDITOR_LINE && !strcmp(out, "ok"));
    EXPECT(TYPE(&e, "okjunk\x1b[D\x1b[D\x1b[D\x1b[D\x0b\r", out) == EDITOR_LINE && !strcmp(out, "ok"));
    /* the screen got the text and the cursor movements */
    EXPECT(strstr(s.text, "\r> kill worker\x1b[K") != NULL);
    EXPECT(strstr(s.text, "\x1b[1D") != NULL);
}

TEST(editor_enter_is_cr_lf_or_both_once)
{
    static struct line_editor e;
    static struct screen s;
    char out[EDITOR_LINE_MAX + 1];
    unsigned lines = 0;
    editor_init(&e, "> ", 0, emit, &s);
    const char *in = "a\rb\nc\r\nd\n\re";
    for (const char *p = in; *p; p++) {
        const char *line;
        if (editor_feed(&e, (uint8_t)*p, &line) == EDITOR_LINE) {
            lines++;
            strcpy(out, line);
        }
    }
    /* a, b, c, d, and the CR after d's LF is an empty line */
    EXPECT(lines == 5);
    EXPECT(e.len == 1 && e.line[0] == 'e');
}

TEST(editor_sequences_split_in_any_chunks_and_control_keys_end_them)
{
    static struct line_editor e;
    static struct screen s;
    char out[EDITOR_LINE_MAX + 1] = "";
    editor_init(&e, "> ", 80, emit, &s);
    /* unknown and over-long sequences are dropped whole */
    EXPECT(TYPE(&e,
                "a\x1b[12;5;7;9;11;13qb\x1b[?25hc\x1b"
                "Zd\r",
                out) == EDITOR_LINE &&
           !strcmp(out, "abcd"));
    /* ESC then Ctrl-C: the Ctrl-C counts */
    EXPECT(TYPE(&e, "xyz\x1b\x03", out) == EDITOR_CANCEL && e.len == 0);
    EXPECT(TYPE(&e, "q\x1b[\r", out) == EDITOR_LINE && !strcmp(out, "q"));
}

TEST(editor_keeps_utf8_whole_and_drops_invalid_bytes)
{
    static struct line_editor e;
    static struct screen s;
    char out[EDITOR_LINE_MAX + 1] = "";
    editor_init(&e, "> ", 80, emit, &s);
    EXPECT(TYPE(&e,
                "h\xc3\xa4\x7f"
                "ello\r",
                out) == EDITOR_LINE &&
           !strcmp(out, "hello"));
    EXPECT(TYPE(&e, "\xe2\x82\xac\x1b[D\x1b[Dx\r", out) == EDITOR_LINE && !strcmp(out, "x\xe2\x82\xac"));
    /* a lone continuation, a cut sequence, an overlong form, a surrogate, 0xff */
    EXPECT(TYPE(&e,
                "a\x80"
                "b\xc3"
                "c\xc0\xaf"
                "d\xed\xa0\x80"
                "e\xff"
                "f\r",
                out) == EDITOR_LINE &&
           !strcmp(out, "abcdef"));
    EXPECT(TYPE(&e, "\xf0\x9f\x98\x80\x1b[D\x1b[3~\r", out) == EDITOR_LINE && !strcmp(out, ""));
    /* C1 controls in UTF-8 (U+009B CSI, U+009C ST, U+0085 NEL) are no text
     * (found by fuzz/line_editor: the line kept c2 9c); U+00A0 is */
    EXPECT(TYPE(&e,
                "g\xc2\x9b"
                "2Jh\xc2\x9c"
                "i\xc2\x85"
                "j\xc2\xa0\r",
                out) == EDITOR_LINE &&
           !strcmp(out, "g2Jhij\xc2\xa0"));
}

TEST(editor_history_up_down)
{
    static struct line_editor e;
    static struct screen s;
    char out[EDITOR_LINE_MAX + 1] = "";
    editor_init(&e, "> ", 80, emit, &s);
    TYPE(&e, "one\rtwo\rtwo\rthree\r", out);
    EXPECT(e.hist_count == 3); /* the repeated line once */
    EXPECT(TYPE(&e, "\x1b[A\x1b[A\r", out) == EDITOR_LINE && !strcmp(out, "two"));
    /* browsing keeps the new line: up, down gives it back */
    EXPECT(TYPE(&e, "new\x1b[A\x1b[A\x1b[B\x1b[B\r", out) == EDITOR_LINE && !strcmp(out, "new"));
    /* beyond the oldest: the oldest stays, a bell rings */
    s.len = 0;
    EXPECT(TYPE(&e, "\x10\x10\x10\x10\x10\x10\r", out) == EDITOR_LINE && !strcmp(out, "one"));
    EXPECT(strchr(s.text, '\a') != NULL);
    for (unsigned i = 0; i < EDITOR_HISTORY + 5; i++) {
        char line[16];
        snprintf(line, sizeof(line), "l%u\r", i);
        type(&e, line, strlen(line), out);
    }
    EXPECT(e.hist_count == EDITOR_HISTORY);
    EXPECT(TYPE(&e, "\x1b[A\r", out) == EDITOR_LINE && !strcmp(out, "l20"));
}

TEST(editor_refuses_an_overlong_line_and_scrolls_a_wide_one)
{
    static struct line_editor e;
    static struct screen s;
    char out[EDITOR_LINE_MAX + 1] = "";
    char in[400];
    editor_init(&e, "> ", 20, emit, &s);
    memset(in, 'a', sizeof(in));
    EXPECT(type(&e, in, sizeof(in), out) == EDITOR_NONE && e.len == EDITOR_LINE_MAX && e.overflow);
    EXPECT(TYPE(&e, "\r", out) == EDITOR_TOO_LONG && e.len == 0 && e.hist_count == 0);
    /* all typed away again: nothing was lost */
    type(&e, in, EDITOR_LINE_MAX + 1, out);
    for (unsigned i = 0; i < EDITOR_LINE_MAX; i++) {
        TYPE(&e, "\x7f", out);
    }
    EXPECT(TYPE(&e, "ok\r", out) == EDITOR_LINE && !strcmp(out, "ok"));
    /* no redraw of a 30-character line on a 20-column screen is wider than 19 */
    s.len = 0;
    TYPE(&e, "abcdefghijklmnopqrstuvwxyz0123\x01", out);
    const char *last = strrchr(s.text, '\r');
    EXPECT(last && !strncmp(last, "\r> abcdefghijklmnopq\x1b[K", 23));
}

TEST(editor_survives_random_bytes)
{
    static struct line_editor e;
    static struct screen s;
    char out[EDITOR_LINE_MAX + 1];
    uint64_t x = 0x9e3779b97f4a7c15ull;
    editor_init(&e, "> ", 30, emit, &s);
    for (unsigned i = 0; i < 200000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        char b = (char)x;
        s.len = 0;
        type(&e, &b, 1, out);
        EXPECT(e.len <= EDITOR_LINE_MAX && e.cursor <= e.len && e.line[e.len] == 0);
        if (unit_failures) {
            return;
        }
    }
    for (size_t i = 0; i < e.len; i++) {
        EXPECT((unsigned char)e.line[i] >= 0x20 && e.line[i] != 0x7f);
    }
}

TEST(log_ring_cuts_cleans_and_wraps)
{
    static struct log_ring r;
    char longline[300];
    log_ring_clear(&r);
    EXPECT(log_ring_add(&r, "one\ntwo\n", 8) == 2 && r.count == 2);
    EXPECT(!strcmp(log_ring_line(&r, 0), "one") && !strcmp(log_ring_line(&r, 1), "two"));
    EXPECT(log_ring_add(&r, "\x1b[2Jbad\tend", 11) == 1 && !strcmp(log_ring_line(&r, 2), "?[2Jbad?end"));
    memset(longline, 'x', sizeof(longline));
    longline[LOG_RING_LINE_MAX - 4] = (char)0xc3; /* a character across the cut */
    longline[LOG_RING_LINE_MAX - 3] = (char)0xa4;
    log_ring_add(&r, longline, sizeof(longline));
    const char *l = log_ring_line(&r, 3);
    EXPECT(strlen(l) == LOG_RING_LINE_MAX - 1 && !strcmp(l + strlen(l) - 3, "..."));
    for (unsigned i = 0; i < LOG_RING_LINES + 3; i++) {
        log_ring_add(&r, "n", 1);
    }
    EXPECT(r.count == LOG_RING_LINES && r.lost == 7 && log_ring_line(&r, LOG_RING_LINES) == NULL);
    EXPECT(log_ring_add(&r, "", 0) == 0);
}

/* Red team: a child's line printed by `log` carried controls past the
 * filter as 8-bit forms: a C1 CSI (c2 9b, which a serial terminal
 * obeys) and an overlong ESC (c0 9b). */
TEST(log_ring_keeps_no_8bit_controls)
{
    static struct log_ring r;
    log_ring_clear(&r);
    log_ring_add(&r,
                 "a\xc2\x9b"
                 "2J b\xc0\x9b[H c\x9b"
                 "d \xc3\xbc\xe4\xb8\xad\xf0\x9f\x98\x80",
                 25);
    EXPECT(!strcmp(log_ring_line(&r, 0), "a??2J b??[H c?d \xc3\xbc\xe4\xb8\xad\xf0\x9f\x98\x80"));
}

static unsigned warnings;
static char last_warning[200];

static void warn(void *arg, const char *msg)
{
    warnings++;
    snprintf(last_warning, sizeof(last_warning), "%s", msg);
}

static bool parse(const char *text, struct xml_node *root)
{
    return xml_parse(text, strlen(text), root, NULL);
}

TEST(offers_are_checked_and_make_the_subinit_config)
{
    static struct offers o;
    static char out[4096];
    struct xml_node cfg, root, start;
    const char *text = "<config>\n"
                       " <offer name=\"hello\" ram=\"1M\" caps=\"50\"/>\n"
                       " <offer name=\"w\" binary=\"worker\" ram=\"512K\" caps=\"60\">"
                       "<route><any-service><parent/></any-service></route><config v=\"1\"/></offer>\n"
                       " <offer name=\"bad&quot;name\" ram=\"1M\" caps=\"1\"/>\n"
                       " <offer name=\"noram\" caps=\"1\"/>\n"
                       " <offer name=\"hello\" ram=\"1M\" caps=\"1\"/>\n"
                       "</config>";
    EXPECT(parse(text, &cfg));
    warnings = 0;
    offers_read(&cfg, &o, warn, NULL);
    EXPECT(o.count == 2 && warnings == 3);
    EXPECT(!strcmp(last_warning, "config line 6: <offer> has the name of an offer before it: ignored"));
    EXPECT(offers_find(&o, "w") && offers_find(&o, "w")->ram == 512 * 1024 && !offers_find(&o, "x"));
    /* nothing started: the default fixed part only */
    size_t n = offers_config(&o, out, sizeof(out));
    EXPECT(n > 0 && parse(out, &root) && !xml_first_sub_of_type(&root, "start", &start));
    EXPECT(xml_first_sub_of_type(&root, "report", &start) &&
           xml_first_sub_of_type(&root, "parent-provides", &start));
    offers_find(&o, "w")->started = true;
    n = offers_config(&o, out, sizeof(out));
    EXPECT(n > 0 && parse(out, &root) && xml_first_sub_of_type(&root, "start", &start));
    char v[32];
    uint64_t ram = 0;
    EXPECT(xml_attr(&start, "name", v, sizeof(v)) && !strcmp(v, "w"));
    EXPECT(xml_attr_u64(&start, "ram", &ram) && ram == 512 * 1024);
    struct xml_node b, c;
    EXPECT(xml_first_sub_of_type(&start, "binary", &b) && xml_attr(&b, "name", v, sizeof(v)) &&
           !strcmp(v, "worker"));
    EXPECT(xml_first_sub_of_type(&start, "config", &c) && xml_attr(&c, "v", v, sizeof(v)) && !strcmp(v, "1"));
    EXPECT(!xml_next_of_type(&start, "start", &start));
    /* too small a buffer: refused, never cut */
    EXPECT(offers_config(&o, out, 100) == 0);
    /* an <init> node replaces the default fixed part */
    const char *with_init =
        "<config><init><parent-provides><service name=\"LOG\"/></parent-provides></init></config>";
    EXPECT(parse(with_init, &cfg));
    offers_read(&cfg, &o, warn, NULL);
    EXPECT(offers_config(&o, out, sizeof(out)) > 0 && parse(out, &root) &&
           !xml_first_sub_of_type(&root, "report", &start) &&
           xml_first_sub_of_type(&root, "parent-provides", &start));
}

TEST(state_report_with_and_without_suffixes)
{
    struct xml_node st;
    struct child_state c;
    const char *text =
        "<state version=\"3\">\n"
        " <ram quota=\"16M\" used=\"1M\" avail=\"15M\"/> <caps quota=\"1000\" used=\"40\" avail=\"960\"/>\n"
        " <child name=\"hello\" binary=\"hello\" id=\"1\">\n"
        "  <ram assigned=\"1M\" quota=\"1048576\" used=\"204800\" avail=\"843776\"/>\n"
        "  <caps assigned=\"50\" quota=\"50\" used=\"23\" avail=\"27\"/>\n"
        " </child>\n"
        " <child name=\"bare\" binary=\"x\" exited=\"3\"><ram assigned=\"2M\"/></child>\n"
        " <child name=\"neg\" binary=\"x\" exited=\"-12\"/> <child name=\"odd\" binary=\"x\" "
        "exited=\"1x\"/>\n"
        " <child name=\"dash\" binary=\"x\" exited=\"-\"/> <child name=\"huge\" binary=\"x\" "
        "exited=\"99999999999999999999\"/>\n"
        "</state>";
    EXPECT(parse(text, &st));
    struct quota_use q = state_quota(&st, "ram");
    EXPECT(q.known && q.quota == 16 << 20 && q.used == 1 << 20 && q.avail == 15 << 20);
    EXPECT(state_find(&st, "hello", &c) && c.ram.quota == 1048576 && c.ram.used == 204800 &&
           c.caps.avail == 27);
    EXPECT(!c.exited && !strcmp(c.binary, "hello"));
    EXPECT(state_find(&st, "bare", &c) && c.exited && c.exit_value == 3 && c.ram.quota == 2 << 20 &&
           c.ram.avail == 2 << 20 && !c.caps.known);
    EXPECT(state_find(&st, "neg", &c) && c.exited && c.exit_value == -12 && !c.ram.known);
    EXPECT(state_find(&st, "odd", &c) && c.exited && c.exit_value == INT64_MIN);
    EXPECT(state_find(&st, "dash", &c) && c.exited && c.exit_value == INT64_MIN);
    EXPECT(state_find(&st, "huge", &c) && c.exited && c.exit_value == INT64_MIN);
    EXPECT(!state_find(&st, "nobody", &c));
    char how[48];
    EXPECT(state_find(&st, "neg", &c) && c.ended && !c.faulted);
    state_end_text(&c, how, sizeof(how));
    EXPECT(!strcmp(how, "exited with exit value -12"));
    EXPECT(state_find(&st, "odd", &c));
    state_end_text(&c, how, sizeof(how));
    EXPECT(!strcmp(how, "exited"));
    EXPECT(state_find(&st, "hello", &c) && !c.ended);
    /* Arbor's init reports a faulted child; its text reaches the terminal
     * only as printable ASCII */
    const char *faults =
        "<state> <child name=\"crash\" binary=\"fault_test\" id=\"4\" faulted=\"page fault\"/>"
        " <child name=\"evil\" binary=\"x\" faulted=\"a\x1b[2Jb\"/> </state>";
    EXPECT(parse(faults, &st));
    EXPECT(state_find(&st, "crash", &c) && c.faulted && c.ended && !c.exited &&
           !strcmp(c.fault, "page fault"));
    state_end_text(&c, how, sizeof(how));
    EXPECT(!strcmp(how, "faulted: page fault"));
    EXPECT(state_find(&st, "evil", &c) && c.faulted && !strchr(c.fault, 27));
}
