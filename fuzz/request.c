/*
 * Fuzz target: decoding a session request as init, core and servers do
 * (include/session/rpc.h, libc/src/args.c): the input is a message info
 * word (8 bytes, label = opcode) and then the message words, as a client
 * may send anything. Each interface's word-count check
 * (RPC_WORDS_OK with PD_OP_WORDS, CPU_OP_WORDS, RM_OP_WORDS,
 * PARENT_OP_WORDS) must accept exactly the opcodes
 * 1..N with enough words; the two strings of PARENT_SESSION (service and
 * arguments at word 8) must be read only from words inside the message,
 * never longer than RPC_STRING_MAX, never with a NUL inside, and their
 * arguments parse strictly or not at all.
 */
#include <rt/args.h>
#include <session/parent.h>
#include <session/pd.h>
#include <session/cpu.h>
#include <session/rm.h>
#include <stdlib.h>
#include <string.h>

static void check_words(uint64_t info, const uint8_t *words, unsigned count)
{
    uint64_t op = MSGINFO_LABEL(info);
    bool expect = op >= 1 && op < count && MSGINFO_LEN(info) >= words[op];
    if (rpc_words_ok(info, words, count) != expect) {
        abort();
    }
}
#define CHECK_WORDS(info, ...)                                                                               \
    check_words(info, (const uint8_t[])__VA_ARGS__, sizeof((const uint8_t[])__VA_ARGS__))

/* A string read from the message: inside it, terminated, no NUL inside. */
static unsigned check_string(const struct arbor_utcb *u, unsigned word, unsigned len, char *out, unsigned cap)
{
    unsigned next = rpc_get_string(u, word, len, out, cap);
    if (!next) {
        return 0;
    }
    size_t n = strlen(out);
    if (next > len || n > RPC_STRING_MAX || n >= cap || n != u->mr[word]) {
        abort();
    }
    return next;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct arbor_utcb u;
    uint64_t info = 0;
    if (size < sizeof(info)) {
        return 0;
    }
    memcpy(&info, data, sizeof(info));
    size_t words = (size - sizeof(info)) / 8;
    words = words < MSG_MAX_WORDS ? words : MSG_MAX_WORDS;
    memset(&u, 0xa5, sizeof(u));
    memcpy(u.mr, data + sizeof(info), words * 8);
    /* The message length a kernel delivers is at most what was sent. */
    unsigned len = MSGINFO_LEN(info) < words ? MSGINFO_LEN(info) : (unsigned)words;
    info = MSGINFO(MSGINFO_LABEL(info), len, MSGINFO_CAPS(info));
    CHECK_WORDS(info, PD_OP_WORDS);
    CHECK_WORDS(info, CPU_OP_WORDS);
    CHECK_WORDS(info, RM_OP_WORDS);
    CHECK_WORDS(info, PARENT_OP_WORDS);
    char service[32], text[RPC_STRING_MAX + 1];
    struct args a;
    unsigned w = check_string(&u, 8, len, service, sizeof(service));
    if (w && check_string(&u, w, len, text, sizeof(text)) && !args_parse(text, &a, NULL) && a.count) {
        abort(); /* a refused argument string left arguments behind */
    }
    return 0;
}
